"""Impact in a real browser: the lead organiser publishes a snapshot after confirming, the
sponsor logs in and reads it with its charts; axe checks every page on the way."""

import re

from playwright.sync_api import Page, expect

from events.models import EventStatus, Sponsorship
from tests.e2e.conftest import assert_accessible
from tests.factories import PASSWORD, OrganisationFactory
from tests.planning_fixtures import member
from tests.surveys import scene
from tests.surveys.conftest import improving


def log_in(page: Page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/profile/$"))


def test_lead_publishes_and_the_sponsor_reads_the_snapshot_with_its_charts(
    page: Page, browser, plan, snap
):
    event = plan.event
    event.status = EventStatus.COMPLETED
    event.save(update_fields=["status"])
    sponsor_org = OrganisationFactory(
        name="Healthy Foods Ltd", slug="healthy-foods", kind="company"
    )
    Sponsorship.objects.create(event=event, sponsor=sponsor_org)
    sponsor = member(sponsor_org, "viewer")
    made = scene.waves(event)
    people = improving(38, country="TR", invited=("t0", "t2"))
    people += improving(14, country="PT", role="volunteer", gender="male", invited=("t0", "t2"))
    people += improving(12, country="FI", year_of_birth=2009, start=56, gain=4)
    people += [scene.Person(country="DE", attended=False)] * 3
    scene.build(event, people, made_waves=made)

    log_in(page, plan.people["lead"])
    page.goto(f"/events/{event.slug}/impact/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Impact")
    assert_accessible(page)
    snap("organiser")
    page.get_by_role("link", name="Publish a snapshot").click()
    expect(page.get_by_text("cannot be changed or withdrawn")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publish the snapshot").click()
    expect(page.get_by_text("The snapshot is published")).to_be_visible()

    page.context.clear_cookies()
    log_in(page, sponsor)
    page.goto("/dashboard/")
    page.get_by_role("link", name="Impact of the events we sponsor").click()
    assert_accessible(page)
    snap("sponsor-home")
    page.get_by_role("link", name="Published").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Move Together Week")
    figure = page.locator("figure", has_text="Wellbeing (WHO-5, 0–100) before and after")
    expect(figure.locator("svg[role=img]")).to_be_visible()
    expect(figure.get_by_role("table")).to_contain_text("After (follow-up)")
    expect(page.locator("figure svg[role=img]")).to_have_count(6)
    assert_accessible(page)
    snap("snapshot")
    with page.expect_download() as download:
        page.get_by_role("link", name="Report (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
