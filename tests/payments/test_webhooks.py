"""The money path's core: a paid registration, its Checkout Session, and the signed webhook that
alone confirms it; replays, duplicates, forgeries and out-of-order events change nothing twice."""

import json
import time

import pytest
import stripe
from django.core import mail

from outbox.models import Email
from payments import holds
from payments.models import Payment, PaymentStatus, Refund, StripeEvent
from registrations.models import Registration, RegistrationStatus
from tests.payments.fixtures import SECRET, signed

# Real commits: refunds, emails and expiries go out after commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

CONFIRMED = RegistrationStatus.CONFIRMED
PENDING = RegistrationStatus.PENDING_PAYMENT


def status(outcome) -> str:
    return Registration.objects.get(pk=outcome.registration.pk).status


def test_paid_registration_checkout_and_signed_webhook_confirm_the_ticket(
    paid_ticket, sign_up, pay, fake_stripe
):
    outcome = sign_up(paid_ticket)
    assert status(outcome) == PENDING
    mail.outbox.clear()

    payment = pay(outcome.registration)

    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.payment_intent_id.startswith("pi_test_")
    assert status(outcome) == CONFIRMED
    paid_ticket.refresh_from_db()
    assert paid_ticket.taken == 1
    # The confirmation with the tickets goes out once.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments  # the PDF ticket and the calendar


def test_the_same_webhook_ten_times_makes_one_payment(paid_ticket, sign_up, fake_stripe, deliver):
    from payments import checkout

    outcome = sign_up(paid_ticket)
    payment = checkout.start_checkout(outcome.registration)
    event = fake_stripe.event(
        "checkout.session.completed", fake_stripe.complete(payment.stripe_session_id)
    )
    mail.outbox.clear()

    answers = [deliver(event).content.decode() for _ in range(10)]

    assert answers[0] == "confirmed"
    assert set(answers[1:]) == {"duplicate"}
    assert StripeEvent.objects.count() == 1
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED
    assert not Refund.objects.exists()
    assert len(mail.outbox) == 1
    paid_ticket.refresh_from_db()
    assert paid_ticket.taken == 1


def test_a_second_event_for_the_same_payment_changes_nothing(
    paid_ticket, sign_up, fake_stripe, deliver, pay
):
    outcome = sign_up(paid_ticket)
    payment = pay(outcome.registration)
    session = fake_stripe.sessions[payment.stripe_session_id]
    # Stripe may send the success twice under different ids, or the expiry after it.
    assert deliver(fake_stripe.event("checkout.session.completed", session)).content == (
        b"already paid"
    )
    assert deliver(fake_stripe.event("checkout.session.expired", session)).content == b"no change"
    assert status(outcome) == CONFIRMED
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    "tamper",
    ["body", "signature", "wrong secret", "too old", "no header", "not json"],
)
def test_an_unverified_webhook_gets_400_and_changes_nothing(
    paid_ticket, sign_up, fake_stripe, deliver, tamper
):
    from payments import checkout

    outcome = sign_up(paid_ticket)
    payment = checkout.start_checkout(outcome.registration)
    event = fake_stripe.event(
        "checkout.session.completed", fake_stripe.complete(payment.stripe_session_id)
    )
    payload = json.dumps(event)
    if tamper == "body":
        # Signed as sent, then changed on the way: the signature no longer matches.
        response = deliver(event, body=payload.replace('"paid"', '"paid" '))
    elif tamper == "signature":
        header = signed(event)[1]
        response = deliver(event, header=header[:-4] + "0000")
    elif tamper == "wrong secret":
        response = deliver(event, secret="whsec_someone_else")
    elif tamper == "too old":
        response = deliver(event, timestamp=int(time.time()) - 301)
    elif tamper == "no header":
        response = deliver(event, header="")
    else:  # signed, but not an event
        body = "not json"
        header = stripe.WebhookSignature.generate_signature_header(body, SECRET)
        response = deliver(event, body=body, header=header)

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    assert Payment.objects.get().status == PaymentStatus.OPEN
    assert status(outcome) == PENDING


def test_both_secrets_are_accepted_while_the_secret_is_rolled_over(
    settings, paid_ticket, sign_up, fake_stripe, deliver
):
    from payments import checkout

    settings.STRIPE_WEBHOOK_SECRETS = ["whsec_new_one", SECRET]
    outcome = sign_up(paid_ticket)
    payment = checkout.start_checkout(outcome.registration)
    session = fake_stripe.complete(payment.stripe_session_id)

    assert deliver(fake_stripe.event("checkout.session.completed", session)).status_code == 200
    assert (
        deliver(
            fake_stripe.event("checkout.session.completed", session), secret="whsec_new_one"
        ).content
        == b"already paid"
    )
    settings.STRIPE_WEBHOOK_SECRETS = ["whsec_new_one"]
    response = deliver(fake_stripe.event("checkout.session.completed", session))
    assert response.status_code == 400


def test_other_events_are_recorded_and_ignored(deliver, fake_stripe):
    response = deliver(fake_stripe.event("customer.created", {"id": "cus_1"}))
    assert response.status_code == 200
    assert StripeEvent.objects.get().outcome == "ignored"


def test_a_session_we_do_not_know_is_recorded_and_changes_nothing(deliver, fake_stripe):
    response = deliver(
        fake_stripe.event("checkout.session.completed", {"id": "cs_other", "metadata": {}})
    )
    assert response.content == b"unknown session"


def test_a_bank_debit_keeps_the_seat_until_its_outcome(
    paid_ticket, sign_up, pay, fake_stripe, deliver
):
    outcome = sign_up(paid_ticket)
    payment = pay(outcome.registration, payment_status="unpaid")
    assert payment.status == PaymentStatus.PROCESSING
    registration = Registration.objects.get(pk=outcome.registration.pk)
    assert registration.status == PENDING
    assert registration.hold_expires_at is None  # the expiry task leaves it alone
    assert holds.release_expired_holds() == 0

    session = fake_stripe.sessions[payment.stripe_session_id]
    session["payment_status"] = "paid"
    assert (
        deliver(fake_stripe.event("checkout.session.async_payment_succeeded", session)).content
        == b"confirmed"
    )
    assert status(outcome) == CONFIRMED


def test_a_failed_bank_debit_holds_the_seat_for_another_try(
    paid_ticket, sign_up, pay, fake_stripe, deliver
):
    outcome = sign_up(paid_ticket)
    payment = pay(outcome.registration, payment_status="unpaid")
    mail.outbox.clear()
    session = fake_stripe.sessions[payment.stripe_session_id]

    deliver(fake_stripe.event("checkout.session.async_payment_failed", session))

    payment.refresh_from_db()
    registration = Registration.objects.get(pk=outcome.registration.pk)
    assert payment.status == PaymentStatus.FAILED
    assert registration.status == PENDING
    assert registration.hold_expires_at is not None
    assert "did not go through" in mail.outbox[0].subject
    # One per failed payment: a second try that fails is told again.
    assert Email.objects.filter(
        key=f"registration:{registration.pk}:payment_failed:payment-{payment.pk}"
    ).exists()
    # A failure after the success (out of order) changes nothing.
    session["payment_status"] = "paid"
    deliver(fake_stripe.event("checkout.session.async_payment_succeeded", session))
    deliver(fake_stripe.event("checkout.session.async_payment_failed", session))
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED
    assert status(outcome) == CONFIRMED
