"""Registration in a real browser: a participant registers, sees the QR ticket, and cancels;
an organiser checks a ticket in at the door by typing its code."""

import io
import re

import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from events import services as event_services
from registrations import services, tickets
from registrations.models import Registration
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_planning_journeys import log_in


def published(plan):
    event = event_services.change_status(plan.event, by=plan.people["lead"], status="published")
    ticket = services.create_ticket_type(
        event, by=plan.people["lead"], name="Festival pass", capacity=20
    )
    return event, ticket


def test_participant_registers_sees_the_qr_ticket_and_cancels(page: Page, plan, snap):
    event, _ticket = published(plan)
    page.goto(f"/events/{event.slug}/")
    page.get_by_role("link", name=re.compile("^Register")).first.click()
    assert_accessible(page)
    page.get_by_label("Your name").fill("Ana Sousa")
    page.get_by_label("Your email address").fill("ana@example.org")
    page.get_by_role("textbox", name=re.compile(r"^Name")).first.fill("Ana Sousa")
    page.get_by_label("Country of residence").first.select_option("PT")
    page.get_by_label("Year of birth").first.fill("1994")
    page.get_by_label(re.compile("^I accept the terms")).check()
    snap("registration form")
    page.get_by_role("button", name="Register", exact=True).last.click()
    expect(page).to_have_url(re.compile(r"/registrations/[0-9a-f]+/$"))
    assert_accessible(page)
    snap("manage page with ticket")
    registration = Registration.objects.get()
    assert registration.status == "confirmed"

    # The QR code on the page is the signed ticket, and a phone's scanner reads it.
    participant = registration.participants.get()
    qr = page.get_by_role("img", name=re.compile("QR", re.IGNORECASE)).first
    png = qr.screenshot()
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert decoded, "the QR code on the page could not be read"
    claims = tickets.verify(decoded[0].text, tickets.public_keys(event))
    assert claims.ticket_id == participant.ticket_id

    page.get_by_role("link", name="Cancel the registration").click()
    page.get_by_role("button", name="Yes, cancel the registration").click()
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    expect(page.locator("main")).to_contain_text(re.compile("cancelled", re.IGNORECASE))
    snap("cancelled")


def test_organiser_checks_a_ticket_in_by_typing_its_code(page: Page, plan, snap):
    event, ticket = published(plan)
    outcome = services.register(
        event,
        ticket_type=ticket,
        name="Mehmet Demir",
        email="mehmet@example.org",
        language="tr",
        accept_terms=True,
        notify=False,
        participants=[{"name": "Mehmet Demir", "country": "TR", "year_of_birth": 1990}],
    )
    code = tickets.sign(outcome.registration.participants.get())
    log_in(page, plan.people["lead"].email)
    page.goto(f"/events/{event.slug}/check-in/")
    assert_accessible(page)
    page.get_by_label("Ticket code").fill(code)
    page.get_by_label("Gate").fill("North")
    page.get_by_role("button", name="Check the ticket").click()
    expect(page.get_by_role("status").first).to_contain_text("Valid")
    expect(page.get_by_role("status").first).to_contain_text("Mehmet Demir")
    assert_accessible(page)
    snap("valid")
    page.get_by_label("Ticket code").fill(code)
    page.get_by_role("button", name="Check the ticket").click()
    expect(page.get_by_role("status").first).to_contain_text("Already checked in")
    expect(page.get_by_role("status").first).to_contain_text("North")
    snap("already")
    page.get_by_label("Ticket code").fill(code[:-4] + "AAAA")
    page.get_by_role("button", name="Check the ticket").click()
    expect(page.get_by_role("status").first).to_contain_text("Invalid")
    snap("forged")
