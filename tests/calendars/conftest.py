"""The calendar scene, and two independent readers for every feed.

`read(body)` parses a feed with icalendar and with ical.js (Thunderbird's parser, run by node),
checks that both see the same events at the same instants, and returns ical.js's view: the events
by UID, each with its start and end in UTC (`2027-10-30T22:00:00.000Z`) or as a date.
"""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from events import services as planning
from events.models import Event, EventStatus, Session
from registrations import services as registrations
from registrations.models import TicketType

ICALJS = Path(__file__).parent / "icaljs"

LISBON = ZoneInfo("Europe/Lisbon")
HELSINKI = ZoneInfo("Europe/Helsinki")
ISTANBUL = ZoneInfo("Europe/Istanbul")


def _node() -> str:
    node = shutil.which("node")
    installed = (ICALJS / "node_modules" / "ical.js" / "package.json").exists()
    if node and installed:
        return node
    message = (
        "ical.js is not installed, so feeds cannot be read with a second parser; "
        "run tests/calendars/icaljs/ensure."
    )
    if os.environ.get("CI") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def read_with_icaljs(body: bytes) -> dict:
    result = subprocess.run(
        [_node(), str(ICALJS / "parse.mjs")],
        input=body,
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, f"ical.js refused the feed:\n{result.stderr.decode()}"
    return json.loads(result.stdout)


def _utc(value) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return value.isoformat()


def read_with_icalendar(body: bytes) -> dict[str, dict]:
    calendar = Calendar.from_ical(body)
    used = {
        str(component["DTSTART"].params["TZID"])
        for component in calendar.walk("VEVENT")
        if "TZID" in component["DTSTART"].params
    }
    declared = {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")}
    assert used <= declared, f"TZIDs without a VTIMEZONE: {used - declared}"
    return {
        str(component["UID"]): {
            "start": _utc(component["DTSTART"].dt),
            "end": _utc(component["DTEND"].dt),
            "status": str(component["STATUS"]),
            "sequence": int(component["SEQUENCE"]),
            "summary": str(component["SUMMARY"]),
        }
        for component in calendar.walk("VEVENT")
    }


def read(body: bytes) -> dict:
    """Both parsers' reading of `body`, which must agree; ical.js's, with events by UID."""
    for line in body.split(b"\r\n"):
        assert len(line) <= 75, f"line longer than 75 octets: {line!r}"
    assert b"\n" not in body.replace(b"\r\n", b""), "bare line feed"
    by_icalendar = read_with_icalendar(body)
    icaljs = read_with_icaljs(body)
    by_icaljs = {event["uid"]: event for event in icaljs["events"]}
    assert by_icaljs.keys() == by_icalendar.keys()
    for uid, event in by_icaljs.items():
        theirs = by_icalendar[uid]
        assert (event["start"], event["end"]) == (theirs["start"], theirs["end"]), uid
        assert (event["status"], event["sequence"], event["summary"]) == (
            theirs["status"],
            theirs["sequence"],
            theirs["summary"],
        ), uid
    icaljs["by_uid"] = by_icaljs
    return icaljs


def uid(thing) -> str:
    kind = {Event: "event", Session: "session"}.get(type(thing), "milestone")
    return f"{kind}-{thing.pk}@127.0.0.1"


@dataclass
class Scene:
    event: Event
    sessions: dict[str, Session]  # tr, pt (across the end of summer time), fi
    ticket_type: TicketType
    plan: object

    @property
    def lead(self):
        return self.plan.people["lead"]


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "http://127.0.0.1"


@pytest.fixture
def scene(plan) -> Scene:
    """Move Together Week moved to the weekend summer time ends (Sunday 31 October 2027),
    published, with a session in Istanbul, one in Lisbon through the night the clocks go back,
    and one in Helsinki the morning after."""
    event, people, venues = plan
    lead = people["lead"]
    event = planning.update_event(
        event, by=lead, starts_on=date(2027, 10, 29), ends_on=date(2027, 11, 1)
    )
    sessions = {
        "tr": planning.add_session(
            event,
            by=lead,
            venue=venues["tr"],
            title="Opening walk",
            kind="ceremony",
            starts_at=datetime(2027, 10, 30, 10, tzinfo=ISTANBUL),
            ends_at=datetime(2027, 10, 30, 12, tzinfo=ISTANBUL),
        ),
        "pt": planning.add_session(
            event,
            by=people["pt"],
            venue=venues["pt"],
            title="Night run",
            kind="competition",
            starts_at=datetime(2027, 10, 30, 23, tzinfo=LISBON),
            ends_at=datetime(2027, 10, 31, 3, tzinfo=LISBON),
        ),
        "fi": planning.add_session(
            event,
            by=people["fi"],
            venue=venues["fi"],
            title="Sauna & stretching",
            kind="workshop",
            starts_at=datetime(2027, 10, 31, 10, tzinfo=HELSINKI),
            ends_at=datetime(2027, 10, 31, 11, 30, tzinfo=HELSINKI),
        ),
    }
    event = planning.change_status(event, by=lead, status=EventStatus.PUBLISHED)
    ticket_type = registrations.create_ticket_type(event, by=lead, name="Fun run", capacity=50)
    return Scene(event=event, sessions=sessions, ticket_type=ticket_type, plan=plan)


@pytest.fixture
def register(scene):
    """Register someone for the scene's event (or `ticket_type`'s) through the service."""

    def register(email: str, *, ticket_type=None, **fields):
        ticket_type = ticket_type or scene.ticket_type
        return registrations.register(
            ticket_type.event,
            ticket_type=ticket_type,
            name=fields.pop("name", "Ana Silva"),
            email=email,
            language=fields.pop("language", "en"),
            participants=[
                {"name": "Ana Silva", "country": "PT", "year_of_birth": 1990, "role": "athlete"}
            ],
            accept_terms=True,
            join_waiting_list=fields.pop("join_waiting_list", False),
        )

    return register
