"""The impact survey in a real browser: a participant registers with the survey consent and
answers the baseline from the confirmation page; after the event the follow-up arrives by email
and is answered by its link. axe checks every page on the way."""

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from registrations import checkins, tickets
from registrations.models import Participant
from surveys import tasks
from surveys.models import Response, Wave
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_registration_journeys import published


def test_participant_answers_the_baseline_then_the_follow_up_by_email(page: Page, plan, snap):
    event, _ticket = published(plan)
    page.goto(f"/events/{event.slug}/register/")
    page.get_by_role("radio", name=re.compile("Festival pass")).check()
    page.get_by_label("Your name").fill("Ana Sousa")
    page.get_by_label("Your email address").fill("ana@example.org")
    page.get_by_role("textbox", name=re.compile(r"^Name")).first.fill("Ana Sousa")
    page.get_by_label("Country of residence").first.select_option("PT")
    page.get_by_label("Year of birth").first.fill("1994")
    page.get_by_label(re.compile("^Yes, this participant may be asked")).check()
    page.get_by_label(re.compile("^I accept the terms")).check()
    page.get_by_role("button", name="Register", exact=True).last.click()
    expect(page).to_have_url(re.compile(r"/registrations/[0-9a-f]+/$"))
    assert_accessible(page)
    snap("confirmation page offering the baseline")

    page.get_by_role("link", name="Answer the short baseline survey now").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your survey about")
    assert_accessible(page)
    snap("baseline survey")
    wellbeing = ["Most of the time", "More than half of the time", "Some of the time"]
    for number, answer in zip(range(1, 6), wellbeing * 2, strict=False):
        group = page.get_by_role("group", name=re.compile(f"Question {number} of 13"))
        group.get_by_label(answer, exact=True).check()
    page.get_by_role("group", name=re.compile("health in general")).get_by_label(
        "Good", exact=True
    ).check()
    page.get_by_label("Economic barriers").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your answers")
    expect(page.locator("main")).to_contain_text("116 123")
    assert_accessible(page)
    snap("thank you")
    baseline = Response.objects.get(wave__kind="t0")
    assert (baseline.who5, baseline.health_good, baseline.fewer_opportunities) == (60, True, True)
    page.go_back()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Survey answered")

    # The event took place and Ana was checked in; twelve weeks later the follow-up opens.
    participant = Participant.objects.get()
    checkins.check_in(event, token=tickets.sign(participant), gate="A", by=plan.people["lead"])
    now = timezone.now()
    Wave.objects.filter(event=event, kind="t2").update(
        opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=28)
    )
    mail.outbox.clear()
    tasks.send_survey_invitations.delay()
    [message] = mail.outbox
    link = re.search(r"http://\S+/surveys/[0-9a-f]{40}/", message.body)[0]
    page.goto(link.split("/", 3)[3].join(["/", ""]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your survey about")
    assert_accessible(page)
    snap("follow-up survey")
    for number in range(1, 6):
        group = page.get_by_role("group", name=re.compile(f"Question {number} of 18"))
        group.get_by_label("All of the time", exact=True).check()
    page.get_by_role("group", name=re.compile("joined a sports club")).get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your answers")
    follow_up = Response.objects.get(wave__kind="t2")
    assert (follow_up.who5, follow_up.joined_club) == (100, True)

    # Leaving the survey, from the link in the email.
    page.get_by_role("link", name=re.compile("Delete my answers")).click()
    assert_accessible(page)
    page.get_by_label(re.compile("Yes, delete my answers")).check()
    page.get_by_role("button", name="Leave the survey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You have left the survey")
    assert not Response.objects.exists()
    snap("left the survey")
