"""Calendar subscriptions in a real browser: the event page's subscribe links, and an organiser
making, renewing and using their own calendar address. Each page is checked with axe-core."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from events import services as planning
from events.models import EventStatus, Role
from tests.calendars.conftest import read
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_planning_journeys import log_in
from tests.factories import MembershipFactory, OrganisationFactory


@pytest.fixture(autouse=True)
def _site_url(settings, live_server):
    # Links and feed addresses point at the server the browser talks to.
    settings.SITE_URL = live_server.url


def _published_event(organiser):
    lead = organiser.memberships.get().organisation
    venue = planning.create_venue(
        by=organiser,
        organisation=lead,
        name="Parque das Nações",
        address="Av. D. João II",
        city="Lisboa",
        country="PT",
        timezone="Europe/Lisbon",
    )
    event = planning.create_event(
        by=organiser,
        lead=lead,
        title_i18n={"en": "Lisbon River Run"},
        objective="healthy-lifestyles",
        starts_on=date(2027, 10, 30),
        ends_on=date(2027, 10, 31),
        sports=["running"],
    )
    planning.add_session(
        event,
        by=organiser,
        venue=venue,
        title="10 km",
        kind="competition",
        starts_at=datetime(2027, 10, 31, 9, tzinfo=ZoneInfo("Europe/Lisbon")),
        ends_at=datetime(2027, 10, 31, 11, tzinfo=ZoneInfo("Europe/Lisbon")),
    )
    return planning.change_status(event, by=organiser, status=EventStatus.PUBLISHED)


def test_event_page_offers_calendar_subscriptions(page: Page, catalogue, snap):
    lead = OrganisationFactory(name="Lisboa Move", country="PT")
    organiser = MembershipFactory(organisation=lead, role=Role.ADMIN).user
    event = _published_event(organiser)

    page.goto(event.get_absolute_url())
    section = page.get_by_role("region", name="Add to your calendar")
    expect(section).to_be_visible()
    feed = f"/events/{event.slug}/calendar.ics"
    expect(section.get_by_role("link", name="Google Calendar")).to_have_attribute(
        "href", re.compile(r"^https://calendar\.google\.com/calendar/render\?cid=webcal%3A%2F%2F")
    )
    expect(section.get_by_role("link", name="Outlook.com")).to_have_attribute(
        "href", re.compile(r"^https://outlook\.live\.com/calendar/0/addfromweb\?url=")
    )
    expect(section.get_by_role("link", name=re.compile("^Apple Calendar"))).to_have_attribute(
        "href", re.compile(rf"^webcal://.*{re.escape(feed)}$")
    )
    section.scroll_into_view_if_needed()
    snap("event page with subscribe links")
    assert_accessible(page)

    # The .ics link gives the feed a calendar program subscribes to.
    href = section.get_by_role("link", name="The .ics file").get_attribute("href")
    response = page.request.get(href)
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    items = read(response.body())["by_uid"]
    session = next(item for key, item in items.items() if key.startswith("session-"))
    assert session["start"] == "2027-10-31T09:00:00.000Z"  # winter time again in Lisbon


def test_organiser_gets_renews_and_uses_their_calendar_address(page: Page, catalogue, snap):
    lead = OrganisationFactory(name="Lisboa Move", country="PT")
    organiser = MembershipFactory(organisation=lead, role=Role.ADMIN).user
    _published_event(organiser)
    log_in(page, organiser.email)

    page.goto("/dashboard/")
    page.get_by_role("link", name="Subscribe in your calendar").click()
    expect(page.get_by_role("heading", level=1, name="My calendar")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Make my calendar address").click()
    address = page.get_by_label(re.compile("^Your calendar address"))
    first = address.input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/calendar/o/[0-9a-f]{40}\.ics", first)
    snap("calendar address")
    assert_accessible(page)

    path = "/calendar/o/" + first.rsplit("/calendar/o/", 1)[1]
    feed = read(page.request.get(path).body())
    assert any(key.startswith("milestone-") for key in feed["by_uid"])

    page.get_by_role("button", name="Make a new address").click()
    expect(page.get_by_role("status")).to_contain_text("the old one no longer works")
    assert page.request.get(path).status == 404
