"""The door of an event, opened once for a scanner and kept between scans.

Every scan needs the event, whether the scanner may check tickets in at it, and the event's
valid public keys: three queries whose answer is the same for every scan of an evening at the
door. `open_door` reads them; `door_for` keeps what it read in the worker, per scanner and
event, under a data version (sportevents/versions.py) that any change to events, partners,
organisations, memberships or keys replaces, and for a minute at most. A scanner whose access
ends, or a key that is retired, is refused from the next scan on. With the cache down nothing is
kept; a refusal (no such event, not an organiser) is never kept.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from events.models import Event
from events.permissions import access_for
from registrations import tickets
from sportevents.errors import Forbidden
from sportevents.versions import DataVersion, KeptInWorker

DOOR_DATA = DataVersion(
    "door-data-version",
    [
        "events.Event",
        "events.EventPartner",
        "events.Organisation",
        "events.Membership",
        "registrations.EventKey",
    ],
)
KEPT = KeptInWorker(DOOR_DATA)  # per (scanner, event)


@dataclass(frozen=True)
class Door:
    event: Event
    public_keys: dict[str, bytes]  # key id: raw Ed25519 public key


def open_door(event: Event, by) -> Door:
    """The event's door for `by`; Forbidden unless they organise the event."""
    if not access_for(by, event).edits_anything:
        raise Forbidden(_("Only the event's organisers may check tickets in."))
    return Door(event, tickets.public_keys(event))


def door_for(slug: str, by, request=None) -> Door | None:
    """The door of the event `slug` for `by`, from the worker's memory when nothing it was read
    from has changed (the data version as `request`'s rate limit read it); None when `by` cannot
    see such an event."""
    version, kept = KEPT.get((by.pk, slug), request)
    if kept is not None:
        return kept
    event = Event.objects.visible_to(by).filter(slug=slug).first()
    if event is None:
        return None
    door = open_door(event, by)
    KEPT.keep((by.pk, slug), version, door)
    return door
