"""Public event pages (list, event page, the catalogue's action page) and the dashboard."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from events import services
from events.models import EventSport, EventStatus, Milestone, Role, Session, Sponsorship
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    VenueFactory,
)
from venues.models import VenueFeature

pytestmark = pytest.mark.django_db

# The pages' "today": events in 2027 are upcoming.
TODAY = datetime(2027, 3, 1, 12, tzinfo=ZoneInfo("UTC"))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def member(organisation, role=Role.ORGANISER):
    return MembershipFactory(organisation=organisation, role=role).user


def add_session(event, venue, day, start, end, title="Fun run"):
    zone = ZoneInfo(venue.timezone)
    return Session.objects.create(
        event=event,
        venue=venue,
        title=title,
        kind="competition",
        starts_at=datetime(day.year, day.month, day.day, start, tzinfo=zone),
        ends_at=datetime(day.year, day.month, day.day, end, tzinfo=zone),
    )


def rich_event(**extra):
    """A published event in two countries with sports, sessions, features and a sponsor."""
    event = EventFactory(**extra)
    partner = OrganisationFactory(country="FI")
    event.partners.create(organisation=partner, role="partner")
    EventSport.objects.create(event=event, sport="running")
    lisbon = VenueFactory(organisation=event.lead)
    VenueFeature.objects.create(venue=lisbon, feature="step-free")
    helsinki = VenueFactory(
        organisation=partner, city="Helsinki", country="FI", timezone="Europe/Helsinki"
    )
    add_session(event, lisbon, event.starts_on, 9, 12)
    add_session(event, helsinki, event.starts_on, 9, 12)
    Sponsorship.objects.create(event=event, sponsor=OrganisationFactory(kind="company"))
    return event


# List --------------------------------------------------------------------------------------


def titles(response):
    return [event.title for event in response.context["page"]]


def test_list_shows_public_events_only_upcoming_first(client, catalogue):
    past = EventFactory(
        title_i18n={"en": "Last year"}, starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 2)
    )
    later = EventFactory(
        title_i18n={"en": "Autumn run"}, starts_on=date(2027, 10, 1), ends_on=date(2027, 10, 1)
    )
    sooner = EventFactory(title_i18n={"en": "Spring walk"}, starts_on=date(2027, 4, 1))
    EventFactory(title_i18n={"en": "Secret draft"}, status=EventStatus.DRAFT)
    cancelled = EventFactory(
        title_i18n={"en": "Stormy"},
        starts_on=date(2027, 5, 1),
        status=EventStatus.CANCELLED,
        cancellation_reason="Storm",
    )
    response = client.get("/events/")
    assert response.status_code == 200
    assert titles(response) == [sooner.title, cancelled.title, later.title, past.title]
    assert "Secret draft" not in response.text
    assert "Cancelled" in response.text


def test_list_hides_drafts_from_their_own_members_too(client, catalogue):
    draft = EventFactory(status=EventStatus.DRAFT)
    client.force_login(member(draft.lead))
    assert titles(client.get("/events/")) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "BIKE"}, ["Bike tour"]),
        ({"country": "FI"}, ["Bike tour"]),
        ({"sport": "cycling"}, ["Bike tour"]),
        ({"objective": "volunteering"}, ["Volunteer day"]),
        ({"feature": "hearing-loop"}, ["Bike tour"]),
        ({"date_from": "2027-06-01"}, ["Bike tour"]),
        ({"date_to": "2027-05-31"}, ["Volunteer day"]),
        ({"country": "FI", "sport": "running"}, []),
    ],
)
def test_list_filters(client, catalogue, params, expected):
    EventFactory(
        title_i18n={"en": "Volunteer day"},
        objective="volunteering",
        starts_on=date(2027, 5, 1),
        ends_on=date(2027, 5, 1),
    )
    bike = EventFactory(
        title_i18n={"en": "Bike tour"}, search_text="bike tour", starts_on=date(2027, 7, 1)
    )
    EventSport.objects.create(event=bike, sport="cycling")
    venue = VenueFactory(
        organisation=bike.lead, country="FI", city="Oulu", timezone="Europe/Helsinki"
    )
    VenueFeature.objects.create(venue=venue, feature="hearing-loop")
    add_session(bike, venue, date(2027, 7, 2), 10, 12)
    add_session(bike, venue, date(2027, 7, 3), 10, 12)  # matched twice, listed once
    assert titles(client.get("/events/", params)) == expected


@pytest.mark.parametrize(
    "params",
    [
        {"country": "XX"},
        {"sport": "quidditch"},
        {"objective": "winning"},
        {"feature": "lift"},
        {"date_from": "yesterday"},
    ],
)
def test_list_unknown_filter_is_a_400_with_a_message(client, catalogue, params):
    EventFactory()
    response = client.get("/events/", params)
    assert response.status_code == 400
    assert "not known" in response.text
    assert titles(response) == []


def test_list_pages_by_twenty_and_keeps_the_filters(client, catalogue):
    for n in range(23):
        EventFactory(title_i18n={"en": f"Run {n:02d}"}, objective="volunteering")
    first = client.get("/events/", {"objective": "volunteering"})
    assert len(titles(first)) == 20
    assert "objective=volunteering&amp;page=2" in first.text
    second = client.get("/events/", {"objective": "volunteering", "page": 2})
    assert len(titles(second)) == 3
    assert client.get("/events/", {"page": "many"}).status_code == 200


@pytest.mark.parametrize("n", [3, 15])
def test_list_query_count_is_flat(client, catalogue, django_assert_max_num_queries, n):
    for _ in range(n):
        rich_event()
    # count, page, sports, partners, their organisations (+ the session's nothing: anonymous)
    with django_assert_max_num_queries(5):
        response = client.get("/events/", {"country": "FI"})
    assert len(titles(response)) == n


# Event page --------------------------------------------------------------------------------


def test_event_page_shows_everything_a_visitor_needs(client, catalogue):
    event = rich_event(
        title_i18n={"en": "Move Together", "de": "Gemeinsam bewegen"},
        description_i18n={"en": "Run with us."},
        target_groups=["young-people"],
    )
    response = client.get(f"/events/{event.slug}/")
    assert response.status_code == 200
    text = response.text
    assert "<h1>Move Together</h1>" in text
    assert "Run with us." in text
    assert "Young people" in text
    assert "Running" in text
    assert event.action.get_absolute_url() in text
    assert "Co-funded by the European Union" in text
    assert "Portugal" in text and "Finland" in text
    assert "Lead organisation" in text and "Partner" in text
    assert "Sponsor" in text
    assert "Step-free access" in text
    assert "https://www.openstreetmap.org/" in text
    assert "Planning page" not in text
    # Two venues in two zones: the same local clock, two offsets, two UTC instants.
    assert "09:00</time>–<time" in text
    assert "(UTC+01:00)" in text  # Lisbon in summer
    assert "(UTC+03:00)" in text  # Helsinki in summer
    assert '<time datetime="2027-09-23T08:00:00Z"' in text
    assert '<time datetime="2027-09-23T06:00:00Z"' in text
    assert "js/local-times.js" in text
    assert "<script>" not in text  # no inline script: a CSP will forbid it


def test_event_page_shows_the_visitors_language_and_falls_back(client, catalogue):
    event = EventFactory(
        title_i18n={"en": "Move Together", "de": "Gemeinsam bewegen"}, default_language="en"
    )
    german = client.get(f"/events/{event.slug}/", headers={"accept-language": "de"})
    assert "Gemeinsam bewegen" in german.text
    french = client.get(f"/events/{event.slug}/", headers={"accept-language": "fr"})
    assert "Move Together" in french.text


def test_event_page_groups_the_programme_by_country_venue_and_day(client, catalogue):
    event = rich_event()
    lisbon = event.sessions.get(venue__country="PT").venue
    add_session(event, lisbon, event.starts_on + timedelta(days=1), 14, 16, title="Relay")
    programme = client.get(f"/events/{event.slug}/").context["programme"]
    assert [str(country.country) for country in programme] == ["FI", "PT"]
    portugal = programme[1]
    assert [block.venue for block in portugal.venues] == [lisbon]
    days = portugal.venues[0].days
    assert [day for day, _times in days] == [date(2027, 9, 23), date(2027, 9, 24)]
    relay = days[1][1][0]
    assert (relay.start, relay.end, relay.offset) == ("14:00", "16:00", "UTC+01:00")


def test_session_across_the_clock_change_shows_both_offsets(client, catalogue):
    event = EventFactory(starts_on=date(2027, 10, 30), ends_on=date(2027, 10, 31))
    venue = VenueFactory(organisation=event.lead)
    zone = ZoneInfo("Europe/Lisbon")
    Session.objects.create(
        event=event,
        venue=venue,
        title="Night ride",
        kind="side-event",
        starts_at=datetime(2027, 10, 30, 23, tzinfo=zone),
        ends_at=datetime(2027, 10, 31, 3, tzinfo=zone),
    )
    text = client.get(f"/events/{event.slug}/").text
    assert "(UTC+01:00 → UTC+00:00)" in text


def test_cancelled_event_shows_the_reason_prominently(client, catalogue):
    event = EventFactory(status=EventStatus.CANCELLED, cancellation_reason="Storm warning")
    response = client.get(f"/events/{event.slug}/")
    assert 'role="alert"' in response.text
    assert "This event has been cancelled" in response.text
    assert "Storm warning" in response.text


def test_draft_is_hidden_from_everyone_but_its_members(client, catalogue):
    event = EventFactory(status=EventStatus.DRAFT)
    url = f"/events/{event.slug}/"
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(member(event.lead, Role.VIEWER))
    response = client.get(url)
    assert response.status_code == 200
    assert "Draft" in response.text
    assert f"/events/{event.slug}/plan/" in response.text


def test_unknown_event_is_a_404(client, catalogue):
    assert client.get("/events/nothing-here/").status_code == 404


@pytest.mark.parametrize("n", [3, 15])
def test_event_page_query_count_is_flat(client, catalogue, django_assert_max_num_queries, n):
    event = rich_event()
    lisbon = event.sessions.get(venue__country="PT").venue
    for i in range(n):
        hour = 13 + i // 5
        add_session(event, lisbon, event.starts_on + timedelta(days=1 + i % 5), hour, hour + 1)
        event.partners.create(organisation=OrganisationFactory(country="DE"))
    client.force_login(member(event.lead))
    # session, user, event with lead and action, sports, partners, their organisations,
    # sponsorships, sponsors, sessions with venues, venue features, access, and the ticket
    # types of the register box (rendered for each request: seats go)
    with django_assert_max_num_queries(12):
        response = client.get(f"/events/{event.slug}/")
    assert response.status_code == 200


# Catalogue ---------------------------------------------------------------------------------


def test_action_page_lists_its_public_events_upcoming_first(client, catalogue):
    EventFactory(title_i18n={"en": "Open to all"})
    EventFactory(title_i18n={"en": "Hidden draft"}, status=EventStatus.DRAFT)
    EventFactory(
        title_i18n={"en": "Long gone"}, starts_on=date(2025, 1, 1), ends_on=date(2025, 1, 2)
    )
    other_action = catalogue.exclude(slug="not-for-profit-sport-events").first()
    EventFactory(title_i18n={"en": "Other action"}, action=other_action)
    response = client.get("/catalogue/not-for-profit-sport-events/")
    assert response.status_code == 200
    assert [e.title for e in response.context["events"]] == ["Open to all", "Long gone"]
    assert "Hidden draft" not in response.text


def test_action_page_without_events_says_so(client, catalogue):
    response = client.get("/catalogue/not-for-profit-sport-events/")
    assert "No published events yet." in response.text


# Dashboard ---------------------------------------------------------------------------------


@pytest.fixture
def planned(catalogue):
    """An event made by the services: the default plan, two overdue milestones by March 2027."""
    lead = OrganisationFactory(name="Istanbul Sport for All", country="TR")
    organiser = member(lead)
    event = services.create_event(
        by=organiser,
        lead=lead,
        title_i18n={"en": "Move Together Week"},
        objective="social-inclusion",
        starts_on=date(2027, 4, 20),
        ends_on=date(2027, 4, 25),
    )
    return event, organiser


def test_dashboard_needs_a_login(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_dashboard_lists_my_events_with_readiness_and_overdue_milestones(client, planned):
    event, organiser = planned
    EventFactory(title_i18n={"en": "Not mine"})
    client.force_login(organiser)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row[0] for row in rows] == [event]
    readiness = rows[0][1]
    # Venues booked (-90 d) and communication plan (-60 d) are overdue on 1 March.
    assert [m.title for m in readiness.overdue] == ["Venues booked", "Communication plan ready"]
    text = response.text
    assert "Move Together Week" in text and "Not mine" not in text
    assert "Local event in one country" in text
    assert "Overdue" in text  # in words, not colour alone
    assert "Create an event" in text and "/venues/" in text
    my_list = response.context["my_list"]
    assert len(my_list) == 7
    assert [row["overdue"] for row in my_list[:3]] == [True, True, False]
    assert all(row["editable"] for row in my_list)


def test_dashboard_my_list_shows_only_my_organisations_milestones(client, planned):
    event, organiser = planned
    partner = OrganisationFactory(country="PT")
    link = services.add_partner(event, by=organiser, organisation=partner)
    services.add_milestone(
        event,
        by=organiser,
        owner=link,
        phase="preparation",
        title="Book Lisbon",
        due_on=date(2027, 3, 5),
    )
    viewer = member(partner, Role.VIEWER)
    client.force_login(viewer)
    response = client.get("/dashboard/")
    assert [row["milestone"].title for row in response.context["my_list"]] == ["Book Lisbon"]
    assert response.context["my_list"][0]["editable"] is False
    assert "Mark done" not in response.text
    assert "Create an event" not in response.text


def test_dashboard_without_organisation_explains_what_to_do(client, user):
    client.force_login(user)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert "not a member of an organisation" in response.text


def test_mark_done_from_the_dashboard_returns_there(client, planned):
    event, organiser = planned
    milestone = event.milestones.order_by("due_on").first()
    client.force_login(organiser)
    response = client.post(
        f"/events/{event.slug}/milestones/{milestone.pk}/done/", {"done": "1", "next": "dashboard"}
    )
    assert response["Location"] == "/dashboard/"
    milestone.refresh_from_db()
    assert milestone.done_on == date(2027, 3, 1)


@pytest.mark.parametrize("n", [3, 15])
def test_dashboard_query_count_is_flat(client, catalogue, django_assert_max_num_queries, n):
    lead = OrganisationFactory()
    organiser = member(lead)
    for i in range(n):
        event = services.create_event(
            by=organiser,
            lead=lead,
            title_i18n={"en": f"Event {i}"},
            objective="volunteering",
            starts_on=date(2027, 5, 1),
            ends_on=date(2027, 5, 2),
            sports=["running"],
        )
        partner = OrganisationFactory(country="FI")
        services.add_partner(event, by=organiser, organisation=partner)
        add_session(event, VenueFactory(organisation=lead), date(2027, 5, 1), 9 + i % 8, 10 + i % 8)
    assert Milestone.objects.count() == 7 * n
    client.force_login(organiser)
    # session, user, memberships, events, partners, orgs, sessions, venues, milestones,
    # owners, their orgs, sports, survey plans, my list
    with django_assert_max_num_queries(14):
        response = client.get("/dashboard/")
    assert len(response.context["rows"]) == n
