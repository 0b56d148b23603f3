"""The waiting room in a real browser, on a phone-sized screen: with one person let in a minute,
a second visitor waits in line as number 1, and the page opens the registration form by itself
when the turn comes; without JavaScript the page's refresh does the same.

The live server runs in this process, so time-machine moves its clock: the turn comes when the
clock says so, as on a real rush day, without waiting a minute.
"""

import re

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from events.models import Event
from registrations import waiting_room
from registrations.models import Registration
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_door_journeys import PHONE
from tests.e2e.test_registration_journeys import published

IN_LINE = re.compile(r"You are number 1 in line\. Estimated wait: less than a minute\.")


@pytest.fixture
def rush(plan):
    """The event on sale, its waiting room on at one person a minute, and this minute's person
    already let in; the clock under the test's control (`rush.clock.shift(seconds)`)."""
    event, _ticket = published(plan)
    Event.objects.filter(pk=event.pk).update(waiting_room=True, admission_rate=1)
    event.refresh_from_db()
    waiting_room.forget(event)
    with time_machine.travel(timezone.now(), tick=True) as clock:
        assert waiting_room.join(event, at=waiting_room.now()).number == 1
        event.clock = clock
        yield event
    waiting_room.forget(event)


def test_a_second_visitor_waits_in_line_then_the_page_lets_them_register(page: Page, rush, snap):
    page.set_viewport_size(PHONE)
    page.goto(f"/events/{rush.slug}/register/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("You are in line to register")
    expect(page.get_by_role("status")).to_have_text(IN_LINE)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    snap("in line on a phone")

    page.reload()  # the place is kept: still the next in line, not a new place at the back
    expect(page.get_by_role("status")).to_have_text(IN_LINE)

    rush.clock.shift(60)
    # No click: the page's script asks where it stands and opens the form when the turn comes.
    expect(page.get_by_label("Your name")).to_be_visible(timeout=20_000)
    assert_accessible(page)
    page.get_by_role("radio", name=re.compile("Festival pass")).check()
    page.get_by_label("Your name").fill("Ana Sousa")
    page.get_by_label("Your email address").fill("ana@example.org")
    page.get_by_role("textbox", name=re.compile(r"^Name")).first.fill("Ana Sousa")
    page.get_by_label("Country of residence").first.select_option("PT")
    page.get_by_label("Year of birth").first.fill("1994")
    page.get_by_label(re.compile("^I accept the terms")).check()
    snap("the form, let in")
    page.get_by_role("button", name="Register", exact=True).last.click()
    expect(page).to_have_url(re.compile(r"/registrations/[0-9a-f]+/$"))
    assert Registration.objects.get().email == "ana@example.org"


def test_without_javascript_the_line_page_refreshes_itself_into_the_form(
    browser, live_server, rush
):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport=PHONE, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(f"/events/{rush.slug}/register/")
        expect(page.locator("[data-waiting-room-status]")).to_have_text(IN_LINE)
        rush.clock.shift(60)
        expect(page.get_by_label("Your name")).to_be_visible(timeout=20_000)
    finally:
        context.close()
