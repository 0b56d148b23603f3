from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from accounts.api import MeView, TokenView
from catalogue.api import ActionViewSet
from events.api import (
    AuditEntryViewSet,
    EventViewSet,
    MembershipViewSet,
    MilestoneViewSet,
    OrganisationViewSet,
    PartnerViewSet,
    SessionViewSet,
    SponsorshipViewSet,
    VenueViewSet,
)
from registrations.api import (
    CheckInView,
    ManageCancelView,
    ManageRegistrationView,
    RegistrationCancelView,
    RegistrationViewSet,
    TicketKeysView,
    TicketPNGView,
    TicketSVGView,
    TicketTypeViewSet,
)
from registrations.api.data_requests import (
    DataRequestEraseView,
    DataRequestExportView,
    DataRequestListView,
)
from registrations.api.door import CheckInSyncView
from registrations.api.manage import ManageDataView, ManageEraseView, TicketsPDFView
from surveys.api import SurveyView, SurveyWithdrawView
from surveys.impact_api import EventImpactView, EventSnapshotsView, SnapshotViewSet

app_name = "api"

router = DefaultRouter()
router.register("actions", ActionViewSet, basename="action")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("events", EventViewSet, basename="event")
router.register("venues", VenueViewSet, basename="venue")
router.register("snapshots", SnapshotViewSet, basename="snapshot")


def event_resource(name: str, viewset, *, item: dict[str, str]) -> list:
    """`events/<slug>/<name>/` (list, create) and `events/<slug>/<name>/<id>/` (item actions)."""
    singular = f"event-{name.rstrip('s')}"
    return [
        path(
            f"events/<slug:slug>/{name}/",
            viewset.as_view({"get": "list", "post": "create"}),
            name=f"{singular}-list",
        ),
        path(
            f"events/<slug:slug>/{name}/<int:pk>/",
            viewset.as_view(item),
            name=f"{singular}-detail",
        ),
    ]


EDIT = {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}

urlpatterns = [
    # First, the two busiest calls (a scan at the door, a registration in a rush): Django tries
    # the patterns in order, some 30 of them before these otherwise.
    path("checkins/", CheckInView.as_view(), name="checkin"),
    path(
        "events/<slug:slug>/registrations/",
        RegistrationViewSet.as_view({"get": "list", "post": "create"}),
        name="event-registration-list",
    ),
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    *event_resource("sessions", SessionViewSet, item=EDIT),
    *event_resource("partners", PartnerViewSet, item=EDIT),
    *event_resource("milestones", MilestoneViewSet, item=EDIT),
    *event_resource("sponsors", SponsorshipViewSet, item={"get": "retrieve", "delete": "destroy"}),
    *event_resource(
        "ticket-types", TicketTypeViewSet, item={"get": "retrieve", "patch": "partial_update"}
    ),
    path("events/<slug:slug>/ticket-keys/", TicketKeysView.as_view(), name="event-ticket-keys"),
    path(
        "events/<slug:slug>/audit/",
        AuditEntryViewSet.as_view({"get": "list"}),
        name="event-audit",
    ),
    path("events/<slug:slug>/impact/", EventImpactView.as_view(), name="event-impact"),
    path("events/<slug:slug>/snapshots/", EventSnapshotsView.as_view(), name="event-snapshot-list"),
    # References are upper case: `registrations/manage/...` is never taken for one.
    re_path(
        r"^registrations/(?P<reference>[0-9A-Z]{4,12})/cancel/$",
        RegistrationCancelView.as_view(),
        name="registration-cancel",
    ),
    path(
        "registrations/manage/<slug:token>/",
        ManageRegistrationView.as_view(),
        name="registration-manage",
    ),
    path(
        "registrations/manage/<slug:token>/cancel/",
        ManageCancelView.as_view(),
        name="registration-manage-cancel",
    ),
    path(
        "registrations/manage/<slug:token>/tickets.pdf",
        TicketsPDFView.as_view(),
        name="registration-manage-tickets-pdf",
    ),
    path(
        "registrations/manage/<slug:token>/data/",
        ManageDataView.as_view(),
        name="registration-manage-data",
    ),
    path(
        "registrations/manage/<slug:token>/erase/",
        ManageEraseView.as_view(),
        name="registration-manage-erase",
    ),
    path(
        "registrations/manage/<slug:token>/tickets/<uuid:ticket_id>/qr.png",
        TicketPNGView.as_view(),
        name="ticket-qr-png",
    ),
    path(
        "registrations/manage/<slug:token>/tickets/<uuid:ticket_id>/qr.svg",
        TicketSVGView.as_view(),
        name="ticket-qr-svg",
    ),
    path("surveys/<slug:token>/", SurveyView.as_view(), name="survey"),
    path("surveys/<slug:token>/withdraw/", SurveyWithdrawView.as_view(), name="survey-withdraw"),
    path(
        "organisations/<slug:slug>/data-requests/",
        DataRequestListView.as_view(),
        name="organisation-data-request-list",
    ),
    path(
        "organisations/<slug:slug>/data-requests/export/",
        DataRequestExportView.as_view(),
        name="organisation-data-request-export",
    ),
    path(
        "organisations/<slug:slug>/data-requests/erase/",
        DataRequestEraseView.as_view(),
        name="organisation-data-request-erase",
    ),
    path("checkins/sync/", CheckInSyncView.as_view(), name="checkin-sync"),
    path("", include(router.urls)),
]
