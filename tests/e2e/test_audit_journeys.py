"""The activity page in a real browser: a viewer of the lead organisation follows the link from
the plan, reads who changed what, and filters the list; checked with axe-core, under the CSP."""

import re

from playwright.sync_api import Page, expect

from events import services
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_planning_journeys import log_in


def test_a_viewer_reads_and_filters_the_events_activity(page: Page, plan, snap):
    lead, viewer = plan.people["lead"], plan.people["viewer"]
    services.update_partner(plan.partners["pt"], by=lead, responsibilities="The Lisbon run")
    log_in(page, viewer.email)

    page.goto(f"/events/{plan.event.slug}/plan/")
    page.get_by_role("link", name="Activity").click()
    expect(page).to_have_url(re.compile(rf"/events/{plan.event.slug}/activity/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Activity")
    expect(page.get_by_role("cell", name="responsibilities: — → The Lisbon run")).to_be_visible()
    assert_accessible(page)
    snap("activity")

    page.get_by_label("What").select_option("partner")
    page.get_by_label("Action").select_option("changed")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("status")).to_have_text("1 entry")
    expect(page.get_by_role("rowheader")).to_have_text(re.compile(r"Partner\s+· Lisboa Move"))
    assert_accessible(page)
