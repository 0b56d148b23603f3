"""iCalendar (RFC 5545) for events and their programme; the one helper every feed and email
attachment uses."""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

PRODID = "-//sportevents//sportevents//EN"


def _session_component(session, event) -> VEvent:
    component = VEvent()
    component.add("uid", f"session-{session.pk}@sportevents")
    component.add("dtstamp", timezone.now())
    component.add("dtstart", session.local_start)
    component.add("dtend", session.local_end)
    component.add("summary", f"{session.title} – {event.title}")
    component.add("location", f"{session.venue.name}, {session.venue.full_address}")
    if session.venue.has_coordinates:
        component.add("geo", (float(session.venue.latitude), float(session.venue.longitude)))
    component.add("url", settings.SITE_URL + event.get_absolute_url())
    component.add("last-modified", session.updated_at)
    component.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
    return component


def calendar_for(events, *, name: str) -> bytes:
    """A calendar with every session of `events` (prefetch sessions__venue), in each venue's
    time zone, with a VTIMEZONE for every zone used."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for event in events:
        for session in event.sessions.all():
            calendar.add_component(_session_component(session, event))
    calendar.add_missing_timezones()
    return calendar.to_ical()
