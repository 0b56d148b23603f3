from django.urls import path

from calendars import views

app_name = "calendars"

urlpatterns = [
    path("events/<slug:slug>/calendar.ics", views.event_feed, name="event"),
    path("calendar/events.ics", views.public_feed, name="public"),
    # Personal feeds: the token is the only key, as calendar programs cannot log in.
    path("calendar/u/<str:token>.ics", views.participant_feed, name="participant"),
    path("calendar/o/<str:token>.ics", views.member_feed, name="member"),
    path("calendar/mine/<str:token>/", views.participant_page, name="participant_page"),
    path("calendar/organiser/", views.member_page, name="member_page"),
]
