"""iCalendar (RFC 5545) for events, their programme and their milestones: the one writer every
calendar feed and the confirmation email's attachment use.

The components are written here rather than through icalendar's object model: the public feed
holds thousands of events and icalendar builds about 4,000 components a second, too slow for a
feed that calendar programs poll. icalendar still makes the VTIMEZONE components (from the IANA
database, cached) and every test reads the output back with icalendar and with ical.js.

What calendar programs rely on:
- UID: stable per event, session and milestone, unique to this site (its host name).
- DTSTAMP = LAST-MODIFIED: the same bytes until something changes, so the ETag holds.
- SEQUENCE: a counter the planning services raise when time, place or status change (see
  `events.models.Event.sequence`); a session adds its event's, whose status it shares.
- STATUS:CANCELLED: cancelled events stay in the feed, so calendars take them out.
- DTSTART/DTEND in the venue's zone with a VTIMEZONE for every TZID used; all-day items as DATEs.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Timezone

PRODID = "-//sportevents//sportevents//EN"
LINE_LIMIT = 75  # octets, without the line break
# Control characters are not allowed in TEXT values (RFC 5545 3.3.11); tabs and newlines are.
_CONTROL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127])
# Stands for an event's slug in its URL, built once per feed.
_SLUG = "event-slug-placeholder"


class Status:
    TENTATIVE = "TENTATIVE"
    CONFIRMED = "CONFIRMED"
    CANCELLED = "CANCELLED"


# Formatting ------------------------------------------------------------------------------


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped; control characters
    dropped."""
    return (
        str(value)
        .translate(_CONTROL)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def quote_param(value: str) -> str:
    """A parameter value (CN=...): always quoted; a double quote cannot appear inside."""
    return '"' + str(value).translate(_CONTROL).replace('"', "'").replace("\n", " ") + '"'


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character or an escape."""
    if len(line) <= LINE_LIMIT and (line.isascii() or len(line.encode()) <= LINE_LIMIT):
        return line
    data = line.encode()
    parts = []
    start, limit = 0, LINE_LIMIT
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: back to the start
            end -= 1
        piece = data[start:end]
        if (len(piece) - len(piece.rstrip(b"\\"))) % 2:
            end -= 1  # keep a backslash with the character it escapes
        parts.append(data[start:end])
        start, limit = end, LINE_LIMIT - 1  # continuation lines start with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode()


def _block(lines: list[str]) -> str:
    """Content lines, each folded, joined with CRLF (none at the end); empty ones left out."""
    return "\r\n".join(
        line if len(line) <= LINE_LIMIT and line.isascii() else fold(line) for line in lines if line
    )


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def date_value(day: date) -> str:
    return day.strftime("%Y%m%d")


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "sportevents"


@lru_cache(maxsize=256)
def vtimezone(tzid: str, first_year: int, last_year: int) -> str:
    """The VTIMEZONE for `tzid`, covering the years the calendar's times fall in."""
    component = Timezone.from_tzid(
        tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )
    return component.to_ical().decode().rstrip("\r\n")


# The writer ------------------------------------------------------------------------------


def _labels(choices) -> dict[str, str]:
    # Choice labels are lazy translations; asking the model for each row's label costs a
    # translation lookup per row, so each writer translates every label once.
    return {code: str(label) for code, label in choices}


class CalendarWriter:
    """Collects VEVENTs as text; `to_ical()` adds the calendar's head and the VTIMEZONEs.

    Events need `lead` selected and `sports` prefetched; sessions need `venue`; milestones need
    `owner__organisation`. Nothing here queries the database. Texts shared by many components
    (an event's title and address, a venue's location) are made once per writer, in the
    language active when it was created.
    """

    def __init__(self, *, name: str, description: str = "", refresh_hours: int = 1):
        from events.models import Objective, Phase, SessionKind
        from events.sports import Sport

        self.name = name
        self.description = description
        self.refresh_hours = refresh_hours
        self.components: list[bytes] = []
        self.zones: dict[str, tuple[int, int]] = {}  # tzid → first and last year used
        self.last_modified: datetime | None = None
        self.host = site_host()
        self.sports = _labels(Sport.choices)
        self.objectives = _labels(Objective.choices)
        self.kinds = _labels(SessionKind.choices)
        self.phases = _labels(Phase.choices)
        self._events: dict[int, dict] = {}
        self._leads: dict[int, str] = {}
        self._sessions: dict[tuple, str] = {}
        # One URL lookup for all events: thousands of them in a large feed.
        self._event_path = reverse("events:event", args=[_SLUG])
        self._venues: dict[int, str] = {}
        self._zone_cache: dict[str, ZoneInfo] = {}
        self._stamp_blocks: dict[datetime, str] = {}

    # Components ------------------------------------------------------------------------

    def add_event(
        self,
        event,
        *,
        status: str | None = None,
        sequence: int = 0,
        modified: datetime | None = None,
        sessions: Iterable | None = None,
        sports: Iterable[str] | None = None,
    ) -> None:
        """The event as an all-day item over its days, then each of its sessions.

        `status` and `sequence` let a personal feed say TENTATIVE for a waiting list and count
        the registration's own changes (and `modified` their date); an event's cancellation
        always wins. `sessions` (objects with a session's attributes, `venue` included) and
        `sports` (codes) default to the event's prefetched ones; large feeds pass them in.
        """
        status = self._status(event, status)
        modified = max(event.updated_at, event.lead.updated_at, modified or event.updated_at)
        text = self._event_text(event, sports)
        lines = [
            f"DTSTART;VALUE=DATE:{date_value(event.starts_on)}",
            f"DTEND;VALUE=DATE:{date_value(event.ends_on + timedelta(days=1))}",
            f"SUMMARY:{escape_text(self._summary(text['title'], status))}",
            f"DESCRIPTION:{escape_text(self._event_description(event, text))}",
            f"URL:{text['url']}",
            text["organizer"],
            self._categories([*text["sports"], self.objectives.get(event.objective, "")]),
            f"STATUS:{status}",
            f"SEQUENCE:{event.sequence + sequence}",
            "TRANSP:TRANSPARENT",
        ]
        self._add(fold(f"UID:event-{event.pk}@{self.host}"), self._stamps(modified), _block(lines))
        for session in event.sessions.all() if sessions is None else sessions:
            self._add_session(session, event, text, status, event.sequence + sequence, modified)

    def _add_session(self, session, event, text: dict, status: str, sequence: int, modified):
        """A session of `event` (its text, status, sequence and newest change given)."""
        venue = session.venue
        modified = max(session.updated_at, venue.updated_at, modified)
        if status == Status.CANCELLED:
            title = escape_text(self._summary(f"{session.title} – {text['title']}", status))
        else:  # escaping goes character by character: the event's part is escaped already
            title = f"{escape_text(session.title)} – {text['escaped_title']}"
        self._add(
            fold(f"UID:session-{session.pk}@{self.host}"),
            self._stamps(modified),
            self._local("DTSTART", session.starts_at, venue.timezone),
            self._local("DTEND", session.ends_at, venue.timezone),
            fold(f"SUMMARY:{title}"),
            # LOCATION and GEO; then DESCRIPTION, URL, ORGANIZER, CATEGORIES, RELATED-TO and
            # STATUS: the lines a session shares with its venue's and its event's others.
            self._venue_text(venue),
            self._session_text(event, text, session.kind, status),
            # The session shares its event's status: the event's changes count here too.
            f"SEQUENCE:{session.sequence + sequence}",
        )

    def add_milestone(self, milestone, event) -> None:
        """A milestone as an all-day item on its due date, for the organisers' own feed."""
        status = self._status(event, None)
        if milestone.done_on:
            title = _("Done: %(milestone)s – %(event)s")
        else:
            title = _("Milestone: %(milestone)s – %(event)s")
        title = title % {"milestone": milestone.title, "event": self._event_text(event)["title"]}
        phase = self.phases.get(milestone.phase, milestone.phase)
        details = [f"{phase} · {milestone.owner.organisation.name}"]
        if milestone.done_on:
            details.append(_("Done on %(date)s") % {"date": milestone.done_on.isoformat()})
        plan_url = absolute(reverse("events:event_plan", args=[event.slug]))
        details.append(plan_url)
        self._add(
            fold(f"UID:milestone-{milestone.pk}@{self.host}"),
            self._stamps(max(milestone.updated_at, event.updated_at)),
            _block(
                [
                    f"DTSTART;VALUE=DATE:{date_value(milestone.due_on)}",
                    f"DTEND;VALUE=DATE:{date_value(milestone.due_on + timedelta(days=1))}",
                    f"SUMMARY:{escape_text(self._summary(title, status))}",
                    f"DESCRIPTION:{escape_text(chr(10).join(details))}",
                    f"URL:{plan_url}",
                    self._categories([_("Milestone"), phase]),
                    f"RELATED-TO;RELTYPE=PARENT:event-{event.pk}@{self.host}",
                    f"STATUS:{status}",
                    f"SEQUENCE:{milestone.sequence + event.sequence}",
                    "TRANSP:TRANSPARENT",
                ]
            ),
        )

    # Output ----------------------------------------------------------------------------

    def to_ical(self) -> bytes:
        return b"".join(self.parts())

    def parts(self) -> list[bytes]:
        """The calendar as byte strings that end in CRLF, to hash and send without joining
        them into one more copy of a large feed. Empties the writer."""
        head = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            f"PRODID:{PRODID}",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            f"NAME:{escape_text(self.name)}",
            f"X-WR-CALNAME:{escape_text(self.name)}",
        ]
        if self.description:
            head += [
                f"DESCRIPTION:{escape_text(self.description)}",
                f"X-WR-CALDESC:{escape_text(self.description)}",
            ]
        head += [
            f"REFRESH-INTERVAL;VALUE=DURATION:PT{self.refresh_hours}H",
            f"X-PUBLISHED-TTL:PT{self.refresh_hours}H",
        ]
        zones = [vtimezone(tzid, *years) for tzid, years in sorted(self.zones.items())]
        head_text = "\r\n".join([*map(fold, head), *zones, ""]).encode()
        components, self.components = self.components, []
        return [head_text, *components, b"END:VCALENDAR\r\n"]

    # Helpers ---------------------------------------------------------------------------

    def _event_text(self, event, sports: Iterable[str] | None = None) -> dict:
        text = self._events.get(event.pk)
        if text is None:
            if sports is None:
                sports = [link.sport for link in event.sports.all()]
            title = event.title
            text = self._events[event.pk] = {
                "pk": event.pk,
                "title": title,
                "escaped_title": escape_text(title),
                "url": absolute(self._event_path.replace(_SLUG, event.slug)),
                "organizer": self._organizer(event.lead),
                "sports": [self.sports.get(code, code) for code in sports],
            }
        return text

    def _session_text(self, event, text: dict, kind: str, status: str) -> str:
        """The lines from DESCRIPTION to STATUS that a session shares with its event's others of
        its kind, folded: written once per event, kind and status."""
        key = (text["pk"], kind, status)
        block = self._sessions.get(key)
        if block is None:
            label = self.kinds.get(kind, kind)
            description = f"{label} – {text['title']}\n\n"
            if status == Status.CANCELLED and event.cancellation_reason:
                description += f"{event.cancellation_reason}\n\n"
            block = self._sessions[key] = _block(
                [
                    f"DESCRIPTION:{escape_text(description + text['url'])}",
                    f"URL:{text['url']}",
                    text["organizer"],
                    self._categories([label, *text["sports"]]),
                    f"RELATED-TO;RELTYPE=PARENT:event-{event.pk}@{self.host}",
                    f"STATUS:{status}",
                ]
            )
        return block

    def _organizer(self, lead) -> str:
        line = self._leads.get(lead.pk)
        if line is None:
            # The organisation has no mailbox of its own; its page is how to reach it. Kept
            # unfolded: the component it goes into folds it, once.
            line = self._leads[lead.pk] = (
                f"ORGANIZER;CN={quote_param(lead.name)}:{absolute(lead.get_absolute_url())}"
            )
        return line

    def _venue_text(self, venue) -> str:
        """A venue's LOCATION and GEO lines, folded: written once per venue."""
        block = self._venues.get(venue.pk)
        if block is None:
            geo = ""
            if venue.has_coordinates:
                geo = f"GEO:{float(venue.latitude):.6f};{float(venue.longitude):.6f}"
            location = f"LOCATION:{escape_text(f'{venue.name}, {venue.full_address}')}"
            block = self._venues[venue.pk] = _block([location, geo])
        return block

    def _add(self, *blocks: str) -> None:
        """A VEVENT of content lines folded already (a block may hold several); empty blocks
        are left out. Kept encoded: a large feed's text is never held twice at full size."""
        text = "\r\n".join(["BEGIN:VEVENT", *filter(None, blocks), "END:VEVENT", ""])
        self.components.append(text.encode())

    def _stamps(self, modified: datetime) -> str:
        """DTSTAMP and LAST-MODIFIED; written once per moment (many rows share theirs)."""
        if self.last_modified is None or modified > self.last_modified:
            self.last_modified = modified
        block = self._stamp_blocks.get(modified)
        if block is None:
            stamp = utc_stamp(modified)
            block = self._stamp_blocks[modified] = f"DTSTAMP:{stamp}\r\nLAST-MODIFIED:{stamp}"
        return block

    def _local(self, name: str, moment: datetime, tzid: str) -> str:
        local = moment.astimezone(self._zone(tzid))
        years = self.zones[tzid]
        if not years[0] < local.year < years[1]:
            # One year either side: a client may look at the neighbouring transitions.
            self.zones[tzid] = (min(years[0], local.year - 1), max(years[1], local.year + 1))
        return f"{name};TZID={tzid}:{local:%Y%m%dT%H%M%S}"

    def _zone(self, tzid: str) -> ZoneInfo:
        zone = self._zone_cache.get(tzid)
        if zone is None:
            zone = self._zone_cache[tzid] = ZoneInfo(tzid)
            self.zones.setdefault(tzid, (9999, 0))
        return zone

    @staticmethod
    def _status(event, wanted: str | None) -> str:
        if event.status == "cancelled":
            return Status.CANCELLED
        if wanted:
            return wanted
        return Status.TENTATIVE if event.status == "draft" else Status.CONFIRMED

    @staticmethod
    def _summary(title: str, status: str) -> str:
        # Not every calendar shows STATUS: the title says it too.
        if status == Status.CANCELLED:
            return _("Cancelled: %(title)s") % {"title": title}
        return title

    @staticmethod
    def _event_description(event, text: dict) -> str:
        parts = []
        if event.status == "cancelled":
            parts.append(
                _("This event has been cancelled: %(reason)s")
                % {"reason": event.cancellation_reason}
            )
        parts += [event.description, text["url"]]
        return "\n\n".join(part for part in parts if part)

    @staticmethod
    def _categories(labels: Iterable[str]) -> str:
        values = [escape_text(label) for label in labels if label]
        return f"CATEGORIES:{','.join(values)}" if values else ""


def calendar_for(events, *, name: str, description: str = "", refresh_hours: int = 1) -> bytes:
    """A calendar with each of `events` as an all-day item and every session of it, in each
    venue's time zone (select_related `lead`; prefetch `sports` and `sessions__venue`)."""
    writer = CalendarWriter(name=name, description=description, refresh_hours=refresh_hours)
    for event in events:
        writer.add_event(event)
    return writer.to_ical()
