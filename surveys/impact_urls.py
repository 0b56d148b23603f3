"""Impact pages: organisers' under the event, sponsors' under /impact/."""

from django.urls import path

from surveys import impact_views as views

app_name = "impact"

urlpatterns = [
    path("events/<slug:slug>/impact/", views.impact_page, name="organiser"),
    path("events/<slug:slug>/impact/publish/", views.publish_page, name="publish"),
    path("events/<slug:slug>/impact/evidence.csv", views.evidence_csv, name="evidence"),
    path("impact/", views.impact_home, name="home"),
    path("impact/snapshots/<int:pk>/", views.snapshot_detail, name="snapshot"),
    path("impact/snapshots/<int:pk>/report.pdf", views.snapshot_pdf, name="snapshot_pdf"),
    path("impact/snapshots/<int:pk>/figures.csv", views.snapshot_csv, name="snapshot_csv"),
]
