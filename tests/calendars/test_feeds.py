"""The feeds over HTTP: content, filters, conditional requests, changes reaching subscribers, and
a fixed number of queries whatever the size."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from events import services as planning
from events.models import EventStatus
from tests.calendars.conftest import LISBON, read, uid
from tests.factories import EventFactory, OrganisationFactory, VenueFactory

pytestmark = pytest.mark.django_db

PUBLIC = "/calendar/events.ics"


def event_url(event) -> str:
    return reverse("calendars:event", args=[event.slug])


# The per-event feed ------------------------------------------------------------------------


def test_event_feed_is_text_calendar_with_validators_and_caching(client, scene):
    response = client.get(event_url(scene.event))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["ETag"].startswith('"') and response["ETag"].endswith('"')
    assert response["Last-Modified"]
    assert response["Cache-Control"] == "public, max-age=3600"
    feed = read(response.getvalue())
    assert set(feed["by_uid"]) == {uid(scene.event), *map(uid, scene.sessions.values())}
    assert feed["refresh_interval"] == "PT1H"


def test_event_feed_answers_304_to_its_etag_and_to_its_date(client, scene):
    first = client.get(event_url(scene.event))
    again = client.get(event_url(scene.event), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.getvalue() == b""
    assert again["ETag"] == first["ETag"]
    since = client.get(event_url(scene.event), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    stale = client.get(event_url(scene.event), HTTP_IF_NONE_MATCH='"something-else"')
    assert stale.status_code == 200


def test_a_moved_session_gets_a_new_etag_a_higher_sequence_and_its_new_time(client, scene):
    before = client.get(event_url(scene.event))
    old = read(before.getvalue())["by_uid"][uid(scene.sessions["pt"])]
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        planning.update_session(
            scene.sessions["pt"],
            by=scene.plan.people["pt"],
            starts_at=datetime(2027, 10, 30, 20, tzinfo=LISBON),
            ends_at=datetime(2027, 10, 30, 22, tzinfo=LISBON),
        )
    after = client.get(event_url(scene.event), HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after["Last-Modified"] != before["Last-Modified"]
    new = read(after.getvalue())["by_uid"][uid(scene.sessions["pt"])]
    assert new["sequence"] > old["sequence"]
    assert (new["start"], new["end"]) == ("2027-10-30T19:00:00.000Z", "2027-10-30T21:00:00.000Z")
    # A client that only remembers the date is told about the change too.
    since = client.get(event_url(scene.event), HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
    assert since.status_code == 200


def test_a_renamed_session_changes_the_feed_but_not_its_sequence(client, scene):
    old = read(client.get(event_url(scene.event)).getvalue())["by_uid"][uid(scene.sessions["tr"])]
    planning.update_session(scene.sessions["tr"], by=scene.lead, title="Opening parade")
    new = read(client.get(event_url(scene.event)).getvalue())["by_uid"][uid(scene.sessions["tr"])]
    assert new["summary"] == "Opening parade – Move Together Week"
    assert new["sequence"] == old["sequence"]


def test_a_moved_venue_raises_the_sequence_of_its_sessions(client, scene):
    old = read(client.get(event_url(scene.event)).getvalue())["by_uid"]
    planning.update_venue(
        scene.plan.venues["fi"], by=scene.plan.people["fi"], address="Mannerheimintie 1"
    )
    new = read(client.get(event_url(scene.event)).getvalue())["by_uid"]
    fi, tr = uid(scene.sessions["fi"]), uid(scene.sessions["tr"])
    assert new[fi]["sequence"] > old[fi]["sequence"]
    assert new[fi]["location"] == "Kaisaniemi, Mannerheimintie 1, Helsinki, Finland"
    assert new[tr]["sequence"] == old[tr]["sequence"]


def test_new_dates_raise_the_sequence_of_the_event(client, scene):
    old = read(client.get(event_url(scene.event)).getvalue())["by_uid"][uid(scene.event)]
    planning.update_event(scene.event, by=scene.lead, ends_on=date(2027, 11, 3))
    new = read(client.get(event_url(scene.event)).getvalue())["by_uid"][uid(scene.event)]
    assert new["sequence"] > old["sequence"]
    assert new["end"] == "2027-11-04"


def test_a_cancelled_event_stays_in_its_feeds_as_cancelled_with_a_higher_sequence(client, scene):
    old = read(client.get(event_url(scene.event)).getvalue())["by_uid"]
    planning.change_status(
        scene.event, by=scene.lead, status=EventStatus.CANCELLED, reason="Storm warning"
    )
    for body in (client.get(event_url(scene.event)).getvalue(), client.get(PUBLIC).getvalue()):
        new = read(body)["by_uid"]
        assert new.keys() == old.keys()
        for key, item in new.items():
            assert item["status"] == "CANCELLED"
            assert item["sequence"] > old[key]["sequence"]
            assert item["summary"].startswith("Cancelled: ")
        assert "Storm warning" in new[uid(scene.event)]["description"]


def test_a_removed_session_leaves_the_feed_and_moves_its_date(client, scene):
    before = client.get(event_url(scene.event))
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        planning.delete_session(scene.sessions["tr"], by=scene.lead)
    after = client.get(event_url(scene.event), HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
    assert after.status_code == 200
    assert uid(scene.sessions["tr"]) not in read(after.getvalue())["by_uid"]


def test_a_draft_feed_is_a_404_for_outsiders_and_private_for_members(client, plan):
    assert client.get(event_url(plan.event)).status_code == 404
    client.force_login(plan.people["viewer"])
    response = client.get(event_url(plan.event))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=900"
    assert read(response.getvalue())["by_uid"][uid(plan.event)]["status"] == "TENTATIVE"


def test_event_feed_of_an_unknown_event_is_a_404(client, db):
    assert client.get("/events/no-such-event/calendar.ics").status_code == 404


def test_feeds_refuse_writes(client, scene):
    assert client.post(event_url(scene.event)).status_code == 405
    assert client.post(PUBLIC).status_code == 405


# The public feed ---------------------------------------------------------------------------


@pytest.fixture
def world(scene, catalogue):
    """Besides the scene (Türkiye, sessions in TR, PT and FI): a French football event, a draft,
    and an event that ended two years ago."""
    lyon = OrganisationFactory(name="Lyon Foot", slug="lyon-foot", country="FR")
    football = EventFactory(
        lead=lyon, title_i18n={"en": "Lyon Street Football"}, objective="equality"
    )
    football.sports.create(sport="football")
    football.sessions.create(
        venue=VenueFactory(organisation=lyon, country="FR", city="Lyon", timezone="Europe/Paris"),
        title="Tournament",
        kind="competition",
        starts_at=datetime(2027, 9, 24, 8, tzinfo=LISBON),
        ends_at=datetime(2027, 9, 24, 12, tzinfo=LISBON),
    )
    draft = EventFactory(status=EventStatus.DRAFT)
    old = EventFactory(
        starts_on=timezone.localdate() - timedelta(days=800),
        ends_on=timezone.localdate() - timedelta(days=799),
        status=EventStatus.COMPLETED,
    )
    return {"scene": scene.event, "football": football, "draft": draft, "old": old}


def test_public_feed_holds_the_published_events_of_the_last_year_and_onwards(client, world):
    feed = read(client.get(PUBLIC).getvalue())
    assert {key for key in feed["by_uid"] if key.startswith("event-")} == {
        uid(world["scene"]),
        uid(world["football"]),
    }
    assert feed["refresh_interval"] == "PT6H"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("country=FR", {"football"}),
        ("country=PT", {"scene"}),  # a session there
        ("sport=football", {"football"}),
        ("objective=social-inclusion", {"scene"}),
        ("organisation=lyon-foot", {"football"}),
        ("organisation=lisboa-move", {"scene"}),  # a partner
        ("country=FR&sport=running", set()),
    ],
)
def test_public_feed_filters(client, world, query, expected):
    response = client.get(f"{PUBLIC}?{query}")
    assert response.status_code == 200
    events = {key for key in read(response.getvalue())["by_uid"] if key.startswith("event-")}
    assert events == {uid(world[name]) for name in expected}


@pytest.mark.parametrize(
    "query, message",
    [
        ("country=XX", "country: Select a valid choice."),
        ("sport=quidditch", "sport: Select a valid choice."),
        ("objective=fame", "objective: Select a valid choice."),
        ("organisation=nobody", "organisation: Select a valid choice."),
        ("colour=red", "Unknown filter: colour."),
    ],
)
def test_public_feed_refuses_unknown_filters_with_a_message(client, world, query, message):
    response = client.get(f"{PUBLIC}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.getvalue().decode()


def test_public_feed_answers_304(client, world):
    first = client.get(PUBLIC)
    assert client.get(PUBLIC, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    later = http_date((timezone.now() + timedelta(hours=1)).timestamp())
    assert client.get(PUBLIC, HTTP_IF_MODIFIED_SINCE=later).status_code == 304


def test_public_feed_runs_the_same_queries_for_one_event_or_many(
    client, scene, catalogue, django_assert_num_queries
):
    with django_assert_num_queries(5):  # events, leads, sessions, venues, sports
        client.get(PUBLIC)
    for _ in range(4):
        event = EventFactory()
        event.sports.create(sport="swimming")
        venue = VenueFactory()
        for day in (24, 25):
            event.sessions.create(
                venue=venue,
                title="Swim",
                kind="training",
                starts_at=datetime(2027, 9, day, 9, tzinfo=LISBON),
                ends_at=datetime(2027, 9, day, 10, tzinfo=LISBON),
            )
    with django_assert_num_queries(5):
        response = client.get(PUBLIC)
    assert len(read(response.getvalue())["by_uid"]) == 1 + 3 + 4 * 3


def test_the_public_feed_is_written_once_and_an_edit_shows_at_once(
    client, world, django_assert_num_queries
):
    first = client.get(PUBLIC).getvalue()
    with django_assert_num_queries(0):  # from the cache: no event, session or venue is read
        again = client.get(PUBLIC)
        assert again.getvalue() == first
    football = world["football"]
    football.title_i18n = {"en": "Lyon Street Football Cup"}
    football.save()
    assert b"Lyon Street Football Cup" in client.get(PUBLIC).getvalue()
    # In another language it is written (and kept) on its own.
    english = client.get(PUBLIC).getvalue()
    german = client.get(PUBLIC, HTTP_ACCEPT_LANGUAGE="de").getvalue()
    assert german != english
    assert client.get(PUBLIC, HTTP_ACCEPT_LANGUAGE="de").getvalue() == german


def test_a_filtered_public_feed_is_written_for_each_request(
    client, world, django_assert_num_queries
):
    client.get(f"{PUBLIC}?country=FR")
    with django_assert_num_queries(5):
        client.get(f"{PUBLIC}?country=FR")
