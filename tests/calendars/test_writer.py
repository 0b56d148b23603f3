"""The iCalendar writer (events/ical.py): what every feed and the email attachment are made of,
read back by icalendar and by ical.js."""

from decimal import Decimal

import pytest
from django.core import mail
from icalendar import Calendar

from events import services as planning
from events.ical import CalendarWriter, escape_text, fold
from events.models import Event
from tests.calendars.conftest import read, uid

pytestmark = pytest.mark.django_db


def _writer_with(event) -> bytes:
    event = (
        Event.objects.select_related("lead")
        .prefetch_related("sports", "sessions__venue")
        .get(pk=event.pk)
    )
    writer = CalendarWriter(name="Test; with, specials\\")
    writer.add_event(event)
    return writer.to_ical()


def test_sessions_in_three_zones_read_the_same_instants_in_both_parsers(scene):
    feed = read(_writer_with(scene.event))
    sessions = {key: feed["by_uid"][uid(session)] for key, session in scene.sessions.items()}
    assert (sessions["tr"]["tzid"], sessions["tr"]["start"]) == (
        "Europe/Istanbul",
        "2027-10-30T07:00:00.000Z",
    )
    # Lisbon: 23:00 summer time to 03:00 winter time, five hours across the change of clocks.
    assert sessions["pt"]["tzid"] == "Europe/Lisbon"
    assert (sessions["pt"]["start"], sessions["pt"]["end"]) == (
        "2027-10-30T22:00:00.000Z",
        "2027-10-31T03:00:00.000Z",
    )
    # Helsinki, the morning after its own change: UTC+2 again.
    assert (sessions["fi"]["start"], sessions["fi"]["end"]) == (
        "2027-10-31T08:00:00.000Z",
        "2027-10-31T09:30:00.000Z",
    )
    assert sorted(feed["timezones"]) == ["Europe/Helsinki", "Europe/Istanbul", "Europe/Lisbon"]


def test_the_event_is_an_all_day_item_over_its_days(scene):
    feed = read(_writer_with(scene.event))
    item = feed["by_uid"][uid(scene.event)]
    assert item["all_day"] is True
    # DTEND of an all-day item is the day after the last day.
    assert (item["start"], item["end"]) == ("2027-10-29", "2027-11-02")
    assert item["organizer"]["cn"] == "Istanbul Sport for All"
    assert item["url"] == "http://127.0.0.1" + scene.event.get_absolute_url()
    assert item["categories"] == ["Running", "Social inclusion through sport"]
    session = feed["by_uid"][uid(scene.sessions["pt"])]
    assert session["related_to"] == uid(scene.event)
    assert session["location"] == "Parque das Nações, Av. D. João II, Lisboa, Portugal"


def test_text_is_escaped_and_folded_so_both_parsers_read_it_back_unchanged(scene):
    description = (
        "Bring water; shoes, and a hat.\nBackslash \\ stays.\r\nÇok güzel – 🏃‍♀️ "
        + "ğüşöç" * 30
        + "\x07"
    )
    planning.update_event(
        scene.event,
        by=scene.lead,
        title_i18n={"en": 'Run, "jump"; swim', "tr": "Koş"},
        description_i18n={"en": description},
    )
    body = _writer_with(scene.event)
    item = read(body)["by_uid"][uid(scene.event)]
    assert item["summary"] == 'Run, "jump"; swim'
    assert item["description"].startswith(description.replace("\r\n", "\n")[:-1])
    assert "\x07" not in item["description"]
    # NAME (RFC 7986) and X-WR-CALNAME are TEXT, escaped as such; neither parser knows them, so
    # both hand back the value as written.
    assert b"\r\nNAME:Test\\; with\\, specials\\\\\r\n" in body
    assert str(Calendar.from_ical(body)["X-WR-CALNAME"]) == "Test\\; with\\, specials\\\\"


@pytest.mark.parametrize(
    "text", ["é,;" * 40, "a\\" * 60, "ab\\" * 60, "x;" * 80, "ğ\\" * 50, "a" * 300]
)
def test_folding_never_splits_a_character_or_an_escape(text):
    line = "DESCRIPTION:" + escape_text(text)
    folded = fold(line)
    for part in folded.encode().split(b"\r\n"):
        assert len(part) <= 75
        part.decode()  # whole UTF-8 characters on every line
        trailing = len(part) - len(part.rstrip(b"\\"))
        assert trailing % 2 == 0, part  # no escape cut in two
    assert folded.replace("\r\n ", "") == line


def test_geo_and_a_utc_venue(scene):
    venue = scene.plan.venues["pt"]
    planning.update_venue(
        venue, by=scene.plan.people["pt"], latitude=Decimal("38.768"), longitude=Decimal("-9.094")
    )
    feed = read(_writer_with(scene.event))
    assert feed["by_uid"][uid(scene.sessions["pt"])]["geo"] == [38.768, -9.094]


def test_writing_runs_no_query(scene, django_assert_num_queries):
    event = (
        Event.objects.select_related("lead")
        .prefetch_related("sports", "sessions__venue")
        .get(pk=scene.event.pk)
    )
    with django_assert_num_queries(0):
        writer = CalendarWriter(name="x")
        writer.add_event(event)
        writer.to_ical()


def test_the_confirmation_email_carries_the_same_items_as_the_event_feed(
    scene, register, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register("ana@example.org")
    attachment = next(a for a in mail.outbox[0].attachments if a[2] == "text/calendar")
    emailed = read(attachment[1].encode())["by_uid"]
    published = read(client.get(f"/events/{scene.event.slug}/calendar.ics").getvalue())["by_uid"]
    assert emailed.keys() == published.keys()
    for key, item in emailed.items():
        assert (item["start"], item["end"], item["sequence"]) == (
            published[key]["start"],
            published[key]["end"],
            published[key]["sequence"],
        )


def test_an_event_without_sessions_is_still_one_all_day_item(plan):
    feed = read(_writer_with(plan.event))
    assert list(feed["by_uid"]) == [uid(plan.event)]
    assert feed["by_uid"][uid(plan.event)]["status"] == "TENTATIVE"  # a draft


def test_a_long_organiser_name_is_folded_once(scene):
    # The ORGANIZER line is made once per organisation and shared by its events and sessions:
    # folded a second time, a line break landed inside the first one's (a bare CR, a blank line).
    lead = scene.event.lead
    lead.name = "Asociación Deportiva Çok Güzel für Bewegung und Gesundheit – Lisboa Norte"
    lead.save()
    body = _writer_with(scene.event)
    assert b"\r\n \r\n" not in body
    assert b"\r" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    organizers = [item["ORGANIZER"] for item in Calendar.from_ical(body).walk("VEVENT")]
    assert len(organizers) > 1
    assert {str(organizer.params["CN"]) for organizer in organizers} == {lead.name}
