"""The registration desk of an event, read once and kept between registrations.

Every registration needs the event and its ticket type as the organisers set them: two
queries whose answer is the same for every registration of a rush. `desk_for` keeps them in the
worker, per public event, under a data version (sportevents/versions.py) that any change to
events, organisations, ticket types or their allocations replaces, and for a minute at most.
Seats taken are not kept: they change with every registration, and `seats.take` counts them in
the database. An event that is not public is read for each request, as for whoever asks.
"""

import copy
from dataclasses import dataclass

from events.api.common import get_visible_event
from events.models import PUBLIC_STATUSES, Event
from registrations.models import TicketType
from sportevents.versions import DataVersion, KeptInWorker

DESK_DATA = DataVersion(
    "desk-data-version",
    [
        "events.Event",
        "events.Organisation",
        "registrations.TicketType",
        "registrations.TicketAllocation",
    ],
)
KEPT = KeptInWorker(DESK_DATA)  # per event slug


@dataclass(frozen=True)
class Desk:
    event: Event
    ticket_types: dict[int, TicketType]  # by id, each knowing `has_allocations`

    def ticket_type(self, pk) -> TicketType | None:
        """The event's ticket type `pk`, a copy of its own for the caller; None if it has no
        such ticket type."""
        found = self.ticket_types.get(pk)
        return copy.copy(found) if found is not None else None


def open_desk(event: Event) -> Desk:
    return Desk(event, {t.pk: t for t in event.ticket_types.with_allocation_flag()})


def desk_for(user, slug: str, request=None) -> Desk:
    """The desk of the event `slug` if `user` may see it (else Http404): from the worker's memory
    when nothing it was read from has changed (the data version as `request`'s rate limit read
    it). The event is a copy of its own for the caller."""
    version, kept = KEPT.get(slug, request)
    if kept is None:
        kept = open_desk(get_visible_event(user, slug))
        if kept.event.status in PUBLIC_STATUSES:  # the same for everyone who asks
            KEPT.keep(slug, version, kept)
    return Desk(copy.copy(kept.event), kept.ticket_types)
