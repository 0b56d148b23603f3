"""The events app's REST API: organisations, events and their planning, venues."""

from events.api.events import EventViewSet
from events.api.organisations import MembershipViewSet, OrganisationViewSet
from events.api.planning import (
    MilestoneViewSet,
    PartnerViewSet,
    SessionViewSet,
    SponsorshipViewSet,
)
from events.api.venues import VenueViewSet

__all__ = [
    "EventViewSet",
    "MembershipViewSet",
    "MilestoneViewSet",
    "OrganisationViewSet",
    "PartnerViewSet",
    "SessionViewSet",
    "SponsorshipViewSet",
    "VenueViewSet",
]
