"""The webhook and the expiry task racing for one hold, on PostgreSQL with real threads: one
outcome, whichever wins. And a webhook that waits too long for a lock answers 503."""

import threading

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from payments import checkout, holds
from payments.models import Payment, PaymentStatus, Refund, RefundReason, StripeEvent
from registrations import services
from registrations.models import Registration, RegistrationStatus, TicketType
from tests.payments.fixtures import signed
from tests.registrations.test_race import at_once

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Real concurrent transactions need PostgreSQL (set DATABASE_URL).",
    ),
    pytest.mark.django_db(transaction=True),
]


def post(stripe_event: dict):
    payload, header = signed(stripe_event)
    return Client().post(
        "/payments/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )


@pytest.mark.parametrize("round", range(6))
def test_webhook_and_expiry_task_on_one_hold_end_in_one_outcome(
    event, lead, sign_up, fake_stripe, round
):
    ticket = services.create_ticket_type(
        event, by=lead, name="Gala", price="40.00", currency="EUR", capacity=1
    )
    payer = sign_up(ticket).registration
    payment = checkout.start_checkout(payer)
    waiting = sign_up(ticket, join_waiting_list=True).registration
    # The hold ran out just as the participant paid.
    Registration.objects.filter(pk=payer.pk).update(hold_expires_at=timezone.now())
    paid = fake_stripe.event(
        "checkout.session.completed", fake_stripe.complete(payment.stripe_session_id)
    )

    work = [lambda: post(paid).status_code, holds.release_expired_holds]
    if round % 2:
        work.reverse()
    results = at_once(2, lambda i: work[i]())
    assert not [r for r in results if isinstance(r, Exception)], results

    payer.refresh_from_db()
    waiting.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert TicketType.objects.get(pk=ticket.pk).taken == 1
    refunds = list(Refund.objects.filter(payment=payment))
    if payer.status == RegistrationStatus.CONFIRMED:  # the webhook came first
        assert refunds == []
        assert waiting.status == RegistrationStatus.WAITLISTED
    else:  # the task came first: the seat went to the next in line, the money goes back
        assert payer.status == RegistrationStatus.CANCELLED
        assert [r.reason for r in refunds] == [RefundReason.NO_SEAT]
        assert waiting.status == RegistrationStatus.PENDING_PAYMENT


def test_a_webhook_waiting_too_long_for_a_lock_answers_503_and_changes_nothing(
    settings, paid_ticket, sign_up, fake_stripe
):
    settings.STRIPE_WEBHOOK_LOCK_TIMEOUT_MS = 200
    registration = sign_up(paid_ticket).registration
    payment = checkout.start_checkout(registration)
    paid = fake_stripe.event(
        "checkout.session.completed", fake_stripe.complete(payment.stripe_session_id)
    )
    locked, release = threading.Event(), threading.Event()

    def hold_the_ticket_row():
        try:
            with transaction.atomic():
                TicketType.objects.select_for_update().get(pk=paid_ticket.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_ticket_row)
    holder.start()
    try:
        assert locked.wait(10)
        response = post(paid)
    finally:
        release.set()
        holder.join(10)

    assert response.status_code == 503
    assert response["Retry-After"]
    assert not StripeEvent.objects.exists()
    assert Payment.objects.get().status == PaymentStatus.OPEN
    # Stripe's retry then goes through.
    assert post(paid).content == b"confirmed"
