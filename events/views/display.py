"""Shapes the pages show: the programme by country, venue and day, times in the venue's zone.

Times are formatted here, not in templates: Django's date filters would convert an aware value
to the visitor's current time zone first, and a session is shown in its venue's local time.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import groupby

from events.models import PartnerRole, Session, SponsorTier

ROLE_ORDER = list(PartnerRole.values)  # lead, partner, associate
TIER_ORDER = list(SponsorTier.values)  # main sponsor first


def sorted_partners(event) -> list:
    """The lead first, then partners, then associates, each by name (from prefetched rows)."""
    return sorted(
        event.partners.all(), key=lambda p: (ROLE_ORDER.index(p.role), p.organisation.name)
    )


def sorted_sponsorships(event) -> list:
    return sorted(
        event.sponsorships.all(), key=lambda s: (TIER_ORDER.index(s.tier), s.sponsor.name)
    )


def _minutes(moment: datetime) -> int:
    return int(moment.utcoffset().total_seconds() // 60)


def utc_offset(moment: datetime) -> str:
    """ "UTC+01:00" for a moment in its own zone."""
    minutes = _minutes(moment)
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class SessionTime:
    """A session's start and end in its venue's local time, with the offset in force."""

    session: Session
    day: date
    start: str
    end: str
    end_day: date | None  # set when the session ends on a later local day
    offset: str
    end_offset: str | None  # set when the clocks change during the session
    # What the browser compares with its own zone's offset at the same moments.
    start_minutes: int
    end_minutes: int
    start_iso: str
    end_iso: str


def session_time(session: Session) -> SessionTime:
    start, end = session.local_start, session.local_end
    offset, end_offset = utc_offset(start), utc_offset(end)
    return SessionTime(
        session=session,
        day=start.date(),
        start=start.strftime("%H:%M"),
        end=end.strftime("%H:%M"),
        end_day=end.date() if end.date() != start.date() else None,
        offset=offset,
        end_offset=end_offset if end_offset != offset else None,
        start_minutes=_minutes(start),
        end_minutes=_minutes(end),
        start_iso=iso_utc(session.starts_at),
        end_iso=iso_utc(session.ends_at),
    )


@dataclass
class VenueProgramme:
    venue: object
    days: list[tuple[date, list[SessionTime]]] = field(default_factory=list)


@dataclass
class CountryProgramme:
    country: object
    venues: list[VenueProgramme] = field(default_factory=list)


def programme(sessions) -> list[CountryProgramme]:
    """Sessions (with their venues loaded) grouped by country, then venue, then local day."""
    times = sorted(
        (session_time(s) for s in sessions),
        key=lambda t: (
            t.session.venue.country.name,
            t.session.venue.city,
            t.session.venue.name,
            t.session.venue_id,
            t.session.starts_at,
            t.session.pk,
        ),
    )
    result = []
    for _code, by_country in groupby(times, key=lambda t: str(t.session.venue.country)):
        by_country = list(by_country)
        country = CountryProgramme(by_country[0].session.venue.country)
        for _venue_id, by_venue in groupby(by_country, key=lambda t: t.session.venue_id):
            by_venue = list(by_venue)
            venue = VenueProgramme(by_venue[0].session.venue)
            venue.days = [(day, list(items)) for day, items in groupby(by_venue, lambda t: t.day)]
            country.venues.append(venue)
        result.append(country)
    return result
