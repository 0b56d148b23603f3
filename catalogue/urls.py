from django.urls import path

from catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.action_list, name="list"),
    path("<slug:slug>/", views.action_detail, name="detail"),
]
