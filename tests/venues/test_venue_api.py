"""Venues through the API: who sees which, notes for the owners, time zones, features."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from events import services
from events.models import Role
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    VenueFactory,
)
from venues.models import Venue

pytestmark = pytest.mark.django_db

VENUES = "/api/v1/venues/"
NEW = {
    "name": "Parque das Nações",
    "address": "Av. D. João II",
    "city": "Lisboa",
    "postcode": "1990-000",
    "country": "PT",
    "timezone": "Europe/Lisbon",
    "latitude": "38.768",
    "longitude": "-9.094",
    "capacity": 500,
    "features": ["step-free", "accessible-toilets"],
    "notes": "Gate code 1234",
}


def member(organisation, role=Role.ORGANISER):
    return MembershipFactory(organisation=organisation, role=role).user


def as_user(api, user):
    api.force_authenticate(user)
    return api


@pytest.fixture
def lisbon():
    return OrganisationFactory(name="Lisboa Move", slug="lisboa-move", country="PT")


@pytest.fixture
def used_venue(catalogue):
    """A venue with a session of a published event, and the event's lead organiser."""
    event = EventFactory(lead=OrganisationFactory(country="PT"))
    organiser = member(event.lead)
    venue = VenueFactory(organisation=event.lead, notes="Ask for Rui")
    zone = ZoneInfo("Europe/Lisbon")
    services.add_session(
        event,
        by=organiser,
        venue=venue,
        title="Fun run",
        kind="competition",
        starts_at=datetime(2027, 9, 24, 9, tzinfo=zone),
        ends_at=datetime(2027, 9, 24, 11, tzinfo=zone),
    )
    return venue, organiser


def ids(response):
    assert response.status_code == 200, response.json()
    return [venue["id"] for venue in response.json()["results"]]


# Reading -----------------------------------------------------------------------------------


def test_anonymous_sees_venues_of_public_events_without_notes(api, used_venue):
    venue, _organiser = used_venue
    VenueFactory()  # nobody's event uses it
    body = api.get(VENUES).json()
    assert [v["id"] for v in body["results"]] == [venue.pk]
    assert body["results"][0]["notes"] is None
    assert body["results"][0]["timezone"] == "Europe/Lisbon"
    assert api.get(f"{VENUES}{venue.pk}/").json()["notes"] is None


def test_members_see_their_own_venues_with_notes(api, lisbon, used_venue):
    public_venue, _organiser = used_venue
    own = VenueFactory(organisation=lisbon, notes="Gate code 1234")
    hidden = VenueFactory()
    as_user(api, member(lisbon, Role.VIEWER))
    body = api.get(VENUES).json()["results"]
    assert {v["id"]: v["notes"] for v in body} == {own.pk: "Gate code 1234", public_venue.pk: None}
    assert ids(api.get(VENUES, {"mine": "true"})) == [own.pk]
    assert api.get(f"{VENUES}{hidden.pk}/").status_code == 404


def test_venues_of_draft_events_stay_hidden(api, catalogue):
    event = EventFactory(status="draft")
    venue = VenueFactory(organisation=event.lead)
    assert ids(api.get(VENUES)) == []
    assert api.get(f"{VENUES}{venue.pk}/").status_code == 404
    as_user(api, UserFactory())
    assert ids(api.get(VENUES)) == []


def test_the_lead_sees_its_partners_venues(api, catalogue, lisbon):
    event = EventFactory(status="draft")
    lead_organiser = member(event.lead)
    services.add_partner(event, by=lead_organiser, organisation=lisbon)
    partner_venue = VenueFactory(organisation=lisbon, notes="Partner's secret")
    as_user(api, lead_organiser)
    body = api.get(f"{VENUES}{partner_venue.pk}/").json()
    assert (body["organisation"], body["notes"]) == ("lisboa-move", None)


def test_list_filters(api, lisbon):
    step_free = VenueFactory(organisation=lisbon, city="Porto")
    step_free.features.create(feature="step-free")
    VenueFactory(organisation=lisbon, country="ES", timezone="Europe/Madrid")
    as_user(api, member(lisbon))
    assert ids(api.get(VENUES, {"feature": "step-free"})) == [step_free.pk]
    assert len(ids(api.get(VENUES, {"country": "ES"}))) == 1
    assert len(ids(api.get(VENUES, {"organisation": "lisboa-move"}))) == 2
    assert api.get(VENUES, {"feature": "lift"}).status_code == 400


def test_list_query_count_does_not_grow_with_venues(api, lisbon, django_assert_max_num_queries):
    as_user(api, member(lisbon))

    def make(n):
        for _ in range(n):
            venue = VenueFactory(organisation=lisbon)
            venue.features.create(feature="step-free")
            venue.features.create(feature="quiet-room")

    make(3)
    with django_assert_max_num_queries(4):
        assert api.get(VENUES).json()["count"] == 3
    make(12)
    with django_assert_max_num_queries(4):
        assert len(api.get(VENUES).json()["results"]) == 15


# Creating ----------------------------------------------------------------------------------


def test_organiser_creates_a_venue(api, lisbon):
    as_user(api, member(lisbon))
    response = api.post(VENUES, {**NEW, "organisation": "lisboa-move"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["timezone"] == "Europe/Lisbon"
    assert body["features"] == ["accessible-toilets", "step-free"]
    assert body["notes"] == "Gate code 1234"
    assert (body["latitude"], body["longitude"]) == ("38.768000", "-9.094000")
    assert body["map_url"].startswith("https://www.openstreetmap.org/")
    assert Venue.objects.get().organisation == lisbon


def test_create_needs_a_login_and_an_editing_role(api, lisbon):
    assert api.post(VENUES, {**NEW, "organisation": "lisboa-move"}).status_code == 401
    for user in (member(lisbon, Role.VIEWER), UserFactory()):
        as_user(api, user)
        response = api.post(VENUES, {**NEW, "organisation": "lisboa-move"})
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    assert not Venue.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timezone": ""}, "timezone"),  # Portugal has several zones: choose one
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": "Europe/Berlin"}, "timezone"),  # not a Portuguese zone
        ({"latitude": "91"}, "latitude"),
        ({"longitude": "abc"}, "longitude"),
        ({"latitude": None}, "non_field_errors"),  # both or neither
        ({"features": ["lift"]}, "features"),
        ({"capacity": 0}, "capacity"),
        ({"country": "XX"}, "country"),
        ({"name": ""}, "name"),
        ({"organisation": "nobody"}, "organisation"),
    ],
)
def test_bad_venue_input_is_400_and_saves_nothing(api, lisbon, changes, field):
    as_user(api, member(lisbon))
    response = api.post(VENUES, {**NEW, "organisation": "lisboa-move", **changes})
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert not Venue.objects.exists()


def test_finer_coordinates_are_rounded(api, lisbon):
    as_user(api, member(lisbon))
    response = api.post(
        VENUES,
        {**NEW, "organisation": "lisboa-move", "latitude": 38.76812345, "longitude": -9.0941},
    )
    assert response.status_code == 201, response.json()
    assert response.json()["latitude"] == "38.768123"


def test_zone_is_optional_where_a_country_has_one(api, lisbon):
    as_user(api, member(lisbon))
    body = {**NEW, "organisation": "lisboa-move", "country": "FI", "city": "Helsinki"}
    del body["timezone"]
    response = api.post(VENUES, body)
    assert response.status_code == 201, response.json()
    assert response.json()["timezone"] == "Europe/Helsinki"


# Changing ----------------------------------------------------------------------------------


def test_organiser_edits_a_venue(api, lisbon):
    venue = VenueFactory(organisation=lisbon)
    as_user(api, member(lisbon))
    response = api.patch(
        f"{VENUES}{venue.pk}/", {"capacity": 80, "features": ["hearing-loop"], "city": "Porto"}
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["capacity"], body["features"], body["city"]) == (80, ["hearing-loop"], "Porto")


def test_others_may_not_edit_a_venue(api, lisbon, used_venue):
    venue, _organiser = used_venue
    as_user(api, member(lisbon))  # sees it (a public event uses it), but it is not theirs
    response = api.patch(f"{VENUES}{venue.pk}/", {"name": "Mine now"})
    assert response.status_code == 403
    as_user(api, member(venue.organisation, Role.VIEWER))
    assert api.patch(f"{VENUES}{venue.pk}/", {"name": "Mine now"}).status_code == 403
    api.force_authenticate(None)
    assert api.patch(f"{VENUES}{venue.pk}/", {"name": "Mine now"}).status_code == 401
    hidden = VenueFactory()
    as_user(api, member(lisbon))
    assert api.patch(f"{VENUES}{hidden.pk}/", {"name": "Mine now"}).status_code == 404
    venue.refresh_from_db()
    assert venue.name != "Mine now"


def test_a_venue_in_use_cannot_change_country_or_strand_sessions(api, used_venue):
    venue, organiser = used_venue
    event = venue.sessions.get().event
    zone = ZoneInfo("Europe/Lisbon")
    services.add_session(
        event,
        by=organiser,
        venue=venue,
        title="Midnight walk",
        kind="side-event",
        starts_at=datetime(2027, 9, 23, 0, 30, tzinfo=zone),
        ends_at=datetime(2027, 9, 23, 1, 30, tzinfo=zone),
    )
    as_user(api, organiser)
    moved = api.patch(f"{VENUES}{venue.pk}/", {"country": "ES", "timezone": "Europe/Madrid"})
    assert (moved.status_code, moved.json()["code"]) == (409, "venue_in_use")
    # An hour west, the midnight walk would start the day before the event.
    stranded = api.patch(f"{VENUES}{venue.pk}/", {"timezone": "Atlantic/Azores"})
    assert stranded.status_code == 400
    assert "timezone" in stranded.json()["errors"]
    venue.refresh_from_db()
    assert (venue.country, venue.timezone) == ("PT", "Europe/Lisbon")


def test_bad_patch_is_400_and_changes_nothing(api, lisbon):
    venue = VenueFactory(organisation=lisbon, capacity=50)
    as_user(api, member(lisbon))
    response = api.patch(f"{VENUES}{venue.pk}/", {"capacity": -1, "features": ["lift"]})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"capacity", "features"}
    venue.refresh_from_db()
    assert venue.capacity == 50
