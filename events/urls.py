from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("partners/", views.partner_finder, name="partner_finder"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<slug:slug>/members/", views.organisation_members, name="members"),
    path(
        "organisations/<slug:slug>/members/<int:pk>/",
        views.membership_change,
        name="membership_change",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
