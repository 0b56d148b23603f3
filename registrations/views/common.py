"""What the organiser pages share: the event for its editors, its time zone."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from events.models import Event
from events.permissions import EventAccess
from events.views.helpers import get_event_for_user
from venues.timezones import suggested_zone


def get_event_for_editor(user, slug: str, queryset=None) -> tuple[Event, EventAccess]:
    """The event for the members who edit (part of) it; a draft stays a 404 for outsiders."""
    event, access = get_event_for_user(user, slug, queryset)
    if not access.edits_anything:
        raise PermissionDenied(_("Only the event's organisers may see this page."))
    return event, access


def require_lead_editor(access: EventAccess) -> None:
    if not access.edits_all:
        raise PermissionDenied(_("Only the lead organisation's organisers may change this."))


def event_zone(event: Event) -> str:
    """The zone an organiser thinks in: the first session's venue, else the lead's country."""
    zone = (
        event.sessions.order_by("starts_at", "pk").values_list("venue__timezone", flat=True).first()
    )
    return zone or suggested_zone(event.lead.country) or "UTC"
