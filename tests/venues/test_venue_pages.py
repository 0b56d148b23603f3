"""Venue pages: the list of my organisations' venues, create and edit with time zone help."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from events.models import Role, Session
from tests.factories import EventFactory, MembershipFactory, OrganisationFactory, VenueFactory
from venues.models import Venue

pytestmark = pytest.mark.django_db


def member(organisation, role=Role.ORGANISER):
    return MembershipFactory(organisation=organisation, role=role).user


def venue_form(organisation=None, **changes):
    data = {
        "name": "Parque das Nações",
        "address": "Av. D. João II",
        "postcode": "1990-096",
        "city": "Lisboa",
        "country": "PT",
        "timezone": "Europe/Lisbon",
        "latitude": "38.768",
        "longitude": "-9.094",
        "capacity": "500",
        "features": ["step-free", "hearing-loop"],
        "notes": "",
        **changes,
    }
    if organisation is not None:
        data["organisation"] = organisation.pk
    return data


def test_venue_pages_need_a_login(client):
    for path in ("/venues/", "/venues/new/", "/venues/1/edit/"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_list_shows_only_my_organisations_venues(client):
    mine, theirs = OrganisationFactory(), OrganisationFactory()
    VenueFactory(organisation=mine, name="Our hall")
    VenueFactory(organisation=theirs, name="Their hall")
    client.force_login(member(mine))
    response = client.get("/venues/")
    assert response.status_code == 200
    assert "Our hall" in response.text and "Their hall" not in response.text
    assert "Add a venue" in response.text and "Edit" in response.text


def test_viewer_sees_venues_without_controls(client):
    organisation = OrganisationFactory()
    VenueFactory(organisation=organisation, name="Our hall")
    client.force_login(member(organisation, Role.VIEWER))
    response = client.get("/venues/")
    assert "Our hall" in response.text
    assert "Add a venue" not in response.text
    assert response.context["rows"][0]["editable"] is False
    assert client.get("/venues/new/").status_code == 403


def test_list_query_count_is_flat(client, django_assert_max_num_queries):
    organisation = OrganisationFactory()
    for _ in range(12):
        VenueFactory(organisation=organisation)
    client.force_login(member(organisation))
    # session, user, memberships, venues with organisations, features
    with django_assert_max_num_queries(5):
        client.get("/venues/")


def test_create_fills_in_a_countrys_only_zone(client):
    organisation = OrganisationFactory()
    client.force_login(member(organisation))
    data = venue_form(organisation, country="FI", city="Helsinki", timezone="")
    response = client.post("/venues/new/", data)
    assert response["Location"] == "/venues/"
    venue = Venue.objects.get()
    assert venue.organisation == organisation
    assert venue.timezone == "Europe/Helsinki"
    assert sorted(venue.feature_codes) == ["hearing-loop", "step-free"]
    assert venue.capacity == 500


def test_a_country_with_several_zones_lists_them_and_offers_them(client):
    organisation = OrganisationFactory()
    client.force_login(member(organisation))
    data = venue_form(organisation, country="ES", city="Madrid", timezone="")
    response = client.post("/venues/new/", data)
    assert response.status_code == 400
    message = " ".join(response.context["form"].errors["timezone"])
    assert "several time zones" in message
    assert "Europe/Madrid" in message and "Atlantic/Canary" in message
    offered = [
        value for value, _label in response.context["form"].fields["timezone"].widget.choices
    ]
    assert offered == ["", "Europe/Madrid", "Africa/Ceuta", "Atlantic/Canary"]
    assert not Venue.objects.exists()
    data = venue_form(organisation, country="ES", city="Madrid", timezone="Europe/Madrid")
    assert client.post("/venues/new/", data).status_code == 302


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"timezone": "Europe/Berlin"}, "timezone", "not a time zone of this country"),
        ({"timezone": "Mars/Olympus"}, "timezone", "not a known IANA time zone"),
        ({"longitude": ""}, None, "both latitude and longitude"),
        ({"latitude": "91"}, "latitude", "less than or equal to 90"),
        ({"capacity": "0"}, "capacity", "greater than or equal to 1"),
        ({"country": "XX"}, "country", "valid choice"),
        ({"features": ["lift"]}, "features", "valid choice"),
        ({"name": ""}, "name", "required"),
    ],
)
def test_bad_venue_input_is_refused_on_its_field(client, changes, field, message):
    organisation = OrganisationFactory()
    client.force_login(member(organisation))
    response = client.post("/venues/new/", venue_form(organisation, **changes))
    assert response.status_code == 400
    form = response.context["form"]
    errors = form.non_field_errors() if field is None else form.errors.get(field, [])
    assert message in " ".join(errors), form.errors
    assert not Venue.objects.exists()


def test_venue_for_an_organisation_i_do_not_edit_is_refused(client):
    mine, other = OrganisationFactory(), OrganisationFactory()
    user = member(mine)
    MembershipFactory(organisation=other, user=user, role=Role.VIEWER)
    client.force_login(user)
    assert client.post("/venues/new/", venue_form(other)).status_code == 400
    assert not Venue.objects.exists()


def test_organiser_edits_a_venue_and_its_features(client):
    organisation = OrganisationFactory()
    venue = VenueFactory(organisation=organisation)
    client.force_login(member(organisation))
    page = client.get(f"/venues/{venue.pk}/edit/")
    assert page.status_code == 200
    assert page.context["form"].initial["timezone"] == "Europe/Lisbon"
    assert "organisation" not in page.context["form"].fields
    data = venue_form(name="New name", timezone="Europe/Lisbon", features=["quiet-room"])
    assert client.post(f"/venues/{venue.pk}/edit/", data).status_code == 302
    venue.refresh_from_db()
    assert venue.name == "New name"
    assert venue.feature_codes == ["quiet-room"]


@pytest.mark.parametrize(("role", "status"), [(Role.VIEWER, 403), (None, 404)])
def test_others_cannot_edit_a_venue(client, user, role, status):
    organisation = OrganisationFactory()
    venue = VenueFactory(organisation=organisation, name="Hall")
    if role:
        MembershipFactory(organisation=organisation, user=user, role=role)
    client.force_login(user)
    assert client.get(f"/venues/{venue.pk}/edit/").status_code == status
    assert client.post(f"/venues/{venue.pk}/edit/", venue_form(name="Mine")).status_code == status
    venue.refresh_from_db()
    assert venue.name == "Hall"


def test_a_venue_in_use_cannot_move_country_or_push_a_session_out(client, catalogue):
    event = EventFactory(starts_on=date(2027, 9, 23), ends_on=date(2027, 9, 23))
    venue = VenueFactory(
        organisation=event.lead, country="ES", city="Las Palmas", timezone="Atlantic/Canary"
    )
    Session.objects.create(
        event=event,
        venue=venue,
        title="Late run",
        kind="competition",
        starts_at=datetime(2027, 9, 23, 23, tzinfo=ZoneInfo("Atlantic/Canary")),
        ends_at=datetime(2027, 9, 23, 23, 30, tzinfo=ZoneInfo("Atlantic/Canary")),
    )
    client.force_login(member(event.lead))
    edit = f"/venues/{venue.pk}/edit/"
    response = client.post(edit, venue_form(country="PT", timezone="Europe/Lisbon"))
    assert response.status_code == 400
    assert "cannot move to another country" in response.text
    # At midnight in Madrid the session would fall on the day after the event.
    response = client.post(edit, venue_form(country="ES", timezone="Europe/Madrid"))
    assert response.status_code == 400
    assert "would fall outside its event" in " ".join(response.context["form"].errors["timezone"])
    venue.refresh_from_db()
    assert (venue.country, venue.timezone) == ("ES", "Atlantic/Canary")
