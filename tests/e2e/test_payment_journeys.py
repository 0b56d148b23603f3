"""Paying in a real browser: a participant registers for a paid ticket, sees the held seats and
goes to Stripe's checkout (the fake Stripe server's page); Stripe's signed webhook confirms the
ticket; the organiser sees the payment."""

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from events import services as event_services
from payments.models import Payment
from registrations import services
from registrations.models import Registration
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_planning_journeys import log_in


def test_participant_pays_on_stripe_and_the_webhook_confirms_the_ticket(
    page: Page,
    plan,
    snap,
    settings,
    live_server,
    fake_stripe,
    deliver,
):
    settings.SITE_URL = live_server.url  # where Stripe sends the participant back
    lead = plan.people["lead"]
    event = event_services.change_status(plan.event, by=lead, status="published")
    services.create_ticket_type(
        event, by=lead, name="Half marathon", price=Decimal("25.00"), currency="EUR", capacity=5
    )
    page.goto(f"/events/{event.slug}/register/")
    page.get_by_role("radio", name=re.compile("Half marathon")).check()
    page.get_by_label("Your name").fill("Ana Sousa")
    page.get_by_label("Your email address").fill("ana@example.org")
    page.get_by_role("textbox", name=re.compile(r"^Name")).first.fill("Ana Sousa")
    page.get_by_label("Country of residence").first.select_option("PT")
    page.get_by_label("Year of birth").first.fill("1994")
    page.get_by_label(re.compile("^I accept the terms")).check()
    page.get_by_role("button", name="Register", exact=True).last.click()

    expect(page).to_have_url(re.compile(r"/registrations/[0-9a-f]+/$"))
    manage_url = page.url
    expect(page.locator("main")).to_contain_text("Your seats are held until")
    assert_accessible(page)
    snap("held seats, pay now")

    page.get_by_role("button", name="Pay now").click()
    payment = Payment.objects.get()
    expect(page).to_have_url(payment.checkout_url)
    assert page.url.startswith(fake_stripe.url + "/pay/cs_test_")
    expect(page.get_by_role("heading")).to_have_text("Pay 25.00 EUR")
    snap("stripe checkout (fake)")

    # Stripe sends the participant back and tells us by webhook.
    session = fake_stripe.complete(payment.stripe_session_id)
    assert deliver(fake_stripe.event("checkout.session.completed", session)).status_code == 200
    page.goto(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"]))
    expect(page.locator("main")).to_contain_text("Your payment is confirmed")
    assert_accessible(page)
    snap("thank you")
    page.goto(manage_url)
    expect(page.get_by_role("img", name=re.compile("QR", re.IGNORECASE))).to_be_visible()
    assert Registration.objects.get().status == "confirmed"
    snap("manage page, paid")

    log_in(page, lead.email)
    page.goto(f"/events/{event.slug}/payments/")
    expect(page.locator("main")).to_contain_text("25.00 EUR")
    assert_accessible(page)
    snap("organiser payments")
