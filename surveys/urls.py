from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("surveys/<str:token>/", views.survey, name="survey"),
    path("surveys/<str:token>/thanks/", views.thanks, name="thanks"),
    path("surveys/<str:token>/withdraw/", views.withdraw, name="withdraw"),
]
