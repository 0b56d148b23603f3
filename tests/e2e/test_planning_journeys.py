"""Planning in a real browser: an organiser builds an event, a visitor finds it.

Each page on the way is checked with axe-core.
"""

import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from events.models import Event, Role
from tests.e2e.conftest import assert_accessible
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory

NEXT_YEAR = timezone.localdate().year + 1


def log_in(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))


def test_organiser_plans_an_event_and_a_visitor_finds_it(page: Page, catalogue, snap):
    lead = OrganisationFactory(name="Istanbul Sport for All", country="TR")
    OrganisationFactory(name="Lisboa Move", country="PT")
    organiser = MembershipFactory(organisation=lead, role=Role.ADMIN).user
    log_in(page, organiser.email)

    # A venue of the organiser's own organisation; Türkiye has one time zone, filled in.
    page.goto("/venues/new/")
    assert_accessible(page)
    page.get_by_role("textbox", name=re.compile(r"^Name")).fill("Maçka Democracy Park")
    page.get_by_role("textbox", name=re.compile(r"^Address")).fill("Maçka Cd.")
    page.get_by_role("textbox", name=re.compile(r"^City")).fill("Istanbul")
    page.get_by_label("Country").select_option("TR")
    page.get_by_label("Step-free access").check()
    snap("venue form")
    page.get_by_role("button", name="Add the venue").click()
    expect(page.get_by_role("rowheader", name="Maçka Democracy Park")).to_be_visible()

    # The event itself.
    page.goto("/events/new/")
    assert_accessible(page)
    page.get_by_role("textbox", name=re.compile(r"^Title \(English\)")).fill(
        "Street Sport Festival"
    )
    page.get_by_label("Main objective").select_option("social-inclusion")
    page.get_by_label("First day").fill(f"{NEXT_YEAR}-09-23")
    page.get_by_label("Last day").fill(f"{NEXT_YEAR}-09-30")
    page.get_by_label("Running").check()
    snap("event form")
    page.get_by_role("button", name="Create the event").click()
    event = Event.objects.get()
    expect(page).to_have_url(re.compile(rf"/events/{event.slug}/plan/$"))
    assert_accessible(page)

    # A partner from Portugal.
    page.get_by_label("Organisation").select_option(label="Lisboa Move (Portugal)")
    page.get_by_role("button", name="Add the partner").click()
    expect(page.get_by_role("cell", name="Lisboa Move")).to_be_visible()

    # A session at the venue, in the venue's local time.
    page.get_by_role("link", name="Add a session").click()
    assert_accessible(page)
    page.get_by_role("textbox", name=re.compile(r"^Title")).fill("Opening festival")
    page.get_by_label("Kind").select_option("ceremony")
    page.get_by_role("combobox", name=re.compile(r"^Venue")).select_option(
        label="Maçka Democracy Park, Istanbul (Türkiye) — Europe/Istanbul"
    )
    page.get_by_label("Starts (local time at the venue)").fill(f"{NEXT_YEAR}-09-23T10:00")
    page.get_by_label("Ends (local time at the venue)").fill(f"{NEXT_YEAR}-09-23T16:00")
    snap("session form")
    page.get_by_role("button", name="Add the session").click()
    expect(page).to_have_url(re.compile(rf"/events/{event.slug}/plan/$"))
    expect(page.get_by_role("link", name="Edit Opening festival")).to_be_visible()
    # Readiness: type I needs partners in three countries; Portugal has no local event yet.
    snap("plan with readiness")

    page.get_by_role("button", name="Publish").click()
    event.refresh_from_db()
    assert event.status == "published"
    session = event.sessions.get()
    assert session.starts_at.hour == 7  # 10:00 in Istanbul (UTC+3) is 07:00 UTC

    # A visitor (logged out) filters the list and opens the event.
    page.context.clear_cookies()
    page.goto("/events/")
    assert_accessible(page)
    page.get_by_label("Country").select_option("TR")
    page.get_by_label("Accessibility").select_option("step-free")
    page.get_by_role("button", name=re.compile("Search|Filter")).click()
    expect(page).to_have_url(re.compile(r"country=TR"))
    snap("filtered list")
    page.get_by_role("link", name="Street Sport Festival").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Street Sport Festival")
    assert_accessible(page)
    expect(page.get_by_text("10:00")).to_be_visible()
    expect(page.get_by_text("UTC+03:00")).to_be_visible()
    expect(page.locator("main").get_by_text("Co-funded by the European Union")).to_be_visible()
    snap("event page")


def test_a_filter_that_matches_nothing_says_so(page: Page, catalogue):
    page.goto("/events/?country=IS")
    expect(page.locator("main")).to_contain_text(re.compile("No event", re.IGNORECASE))
    assert_accessible(page)
