"""The events app's REST API: organisations, events and their planning, venues."""

from events.api.audit import AuditEntryViewSet
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
    "AuditEntryViewSet",
    "EventViewSet",
    "MembershipViewSet",
    "MilestoneViewSet",
    "OrganisationViewSet",
    "PartnerViewSet",
    "SessionViewSet",
    "SponsorshipViewSet",
    "VenueViewSet",
]
