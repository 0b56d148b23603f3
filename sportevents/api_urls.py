from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import MeView, TokenView
from catalogue.api import ActionViewSet
from events.api import (
    EventViewSet,
    MembershipViewSet,
    MilestoneViewSet,
    OrganisationViewSet,
    PartnerViewSet,
    SessionViewSet,
    SponsorshipViewSet,
    VenueViewSet,
)

app_name = "api"

router = DefaultRouter()
router.register("actions", ActionViewSet, basename="action")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("events", EventViewSet, basename="event")
router.register("venues", VenueViewSet, basename="venue")


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
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    *event_resource("sessions", SessionViewSet, item=EDIT),
    *event_resource("partners", PartnerViewSet, item=EDIT),
    *event_resource("milestones", MilestoneViewSet, item=EDIT),
    *event_resource("sponsors", SponsorshipViewSet, item={"get": "retrieve", "delete": "destroy"}),
    path("", include(router.urls)),
]
