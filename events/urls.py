from django.urls import path

from events.views import audit, dashboard, organisations, planning, programme, public, venues

app_name = "events"

urlpatterns = [
    path("partners/", organisations.partner_finder, name="partner_finder"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("organisations/<slug:slug>/", organisations.organisation_detail, name="organisation"),
    path(
        "organisations/<slug:slug>/edit/",
        organisations.organisation_edit,
        name="organisation_edit",
    ),
    path("organisations/<slug:slug>/members/", organisations.organisation_members, name="members"),
    path(
        "organisations/<slug:slug>/members/<int:pk>/",
        organisations.membership_change,
        name="membership_change",
    ),
    path("invitations/<str:token>/", organisations.accept_invitation, name="accept_invitation"),
    # Events: public pages
    path("events/", public.event_list, name="event_list"),
    path("events/new/", planning.event_create, name="event_create"),
    path("events/<slug:slug>/", public.event_detail, name="event"),
    # Planning (members of the event's organisations)
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("events/<slug:slug>/edit/", planning.event_edit, name="event_edit"),
    path("events/<slug:slug>/plan/", planning.event_plan, name="event_plan"),
    path("events/<slug:slug>/status/", planning.event_status, name="event_status"),
    path("events/<slug:slug>/activity/", audit.audit_log, name="audit_log"),
    path("events/<slug:slug>/activity.csv", audit.audit_csv, name="audit_csv"),
    path("events/<slug:slug>/partners/new/", planning.partner_add, name="partner_add"),
    path(
        "events/<slug:slug>/partners/<int:pk>/remove/",
        planning.partner_remove,
        name="partner_remove",
    ),
    path("events/<slug:slug>/sponsors/new/", planning.sponsor_add, name="sponsor_add"),
    path(
        "events/<slug:slug>/sponsors/<int:pk>/remove/",
        planning.sponsor_remove,
        name="sponsor_remove",
    ),
    path("events/<slug:slug>/sessions/new/", programme.session_add, name="session_add"),
    path("events/<slug:slug>/sessions/<int:pk>/edit/", programme.session_edit, name="session_edit"),
    path(
        "events/<slug:slug>/sessions/<int:pk>/delete/",
        programme.session_delete,
        name="session_delete",
    ),
    path("events/<slug:slug>/milestones/new/", programme.milestone_add, name="milestone_add"),
    path(
        "events/<slug:slug>/milestones/<int:pk>/edit/",
        programme.milestone_edit,
        name="milestone_edit",
    ),
    path(
        "events/<slug:slug>/milestones/<int:pk>/done/",
        programme.milestone_done,
        name="milestone_done",
    ),
    path(
        "events/<slug:slug>/milestones/<int:pk>/delete/",
        programme.milestone_delete,
        name="milestone_delete",
    ),
    # Venues of the user's organisations
    path("venues/", venues.venue_list, name="venue_list"),
    path("venues/new/", venues.venue_create, name="venue_create"),
    path("venues/<int:pk>/edit/", venues.venue_edit, name="venue_edit"),
]
