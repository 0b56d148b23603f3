"""Held seats: the beat task releases unpaid holds and offers the seats to the waiting list;
an abandoned checkout does the same; a late payment takes a free seat or is refunded."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from payments import checkout, holds, tasks
from payments.models import Payment, PaymentStatus, Refund, RefundReason, RefundStatus
from registrations import services
from registrations.models import Registration, RegistrationStatus

pytestmark = pytest.mark.django_db(transaction=True)

PENDING = RegistrationStatus.PENDING_PAYMENT
CONFIRMED = RegistrationStatus.CONFIRMED
CANCELLED = RegistrationStatus.CANCELLED
WAITLISTED = RegistrationStatus.WAITLISTED


def fresh(registration) -> Registration:
    return Registration.objects.get(pk=registration.pk)


@pytest.fixture
def one_seat(event, lead):
    return services.create_ticket_type(
        event, by=lead, name="Gala dinner", price="40.00", currency="EUR", capacity=1
    )


def later(minutes: int):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def test_a_paid_registration_holds_its_seat_for_thirty_minutes(paid_ticket, sign_up):
    registration = sign_up(paid_ticket).registration
    held = registration.hold_expires_at - registration.created_at
    assert held == timedelta(minutes=30)


def test_the_task_releases_an_expired_hold_and_offers_the_seat_to_the_next_in_line(
    one_seat, sign_up, fake_stripe
):
    first = sign_up(one_seat).registration
    payment = checkout.start_checkout(first)
    second = sign_up(one_seat, join_waiting_list=True).registration
    mail.outbox.clear()

    assert tasks.release_expired_holds.delay().get() == 0  # not yet
    with later(31):
        assert tasks.release_expired_holds.delay().get() == 1
        assert tasks.release_expired_holds.delay().get() == 0

    first, second = fresh(first), fresh(second)
    assert first.status == CANCELLED and first.hold_expired_at is not None
    assert second.status == PENDING and second.offered_at is not None
    # An offer stays open for 48 hours (from the task's run, 31 minutes on).
    assert second.hold_expires_at - second.offered_at == timedelta(hours=48)
    one_seat.refresh_from_db()
    assert one_seat.taken == 1
    # The abandoned session can no longer be paid.
    assert fake_stripe.sessions[payment.stripe_session_id]["status"] == "expired"
    subjects = sorted(message.subject for message in mail.outbox)
    assert any("released" in subject for subject in subjects)
    offer = next(m for m in mail.outbox if m.to == [second.email])
    assert "pay" in offer.body.lower()
    # A payment email task that runs again (its worker died before acknowledging it) finds
    # its email sent already.
    sent = len(mail.outbox)
    tasks.send_payment_email.delay(first.pk, "hold_expired")
    assert len(mail.outbox) == sent


def test_an_expired_checkout_releases_the_seat_and_offers_it_to_the_next(
    one_seat, sign_up, fake_stripe, deliver
):
    first = sign_up(one_seat).registration
    payment = checkout.start_checkout(first)
    second = sign_up(one_seat, join_waiting_list=True).registration

    with later(32):
        session = fake_stripe.sessions[payment.stripe_session_id]
        session["status"] = "expired"
        response = deliver(fake_stripe.event("checkout.session.expired", session))

    assert response.content == b"expired, seats released"
    assert fresh(first).status == CANCELLED
    assert fresh(second).status == PENDING
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.EXPIRED


def test_an_unanswered_offer_goes_to_the_next_in_line(one_seat, sign_up):
    first = sign_up(one_seat).registration
    second = sign_up(one_seat, join_waiting_list=True).registration
    third = sign_up(one_seat, join_waiting_list=True).registration
    with later(31):
        holds.release_expired_holds()
    assert fresh(second).status == PENDING
    with later(31 + 47 * 60):
        assert holds.release_expired_holds() == 0
    with later(31 + 48 * 60 + 1):
        assert holds.release_expired_holds() == 1
    assert [fresh(r).status for r in (first, second, third)] == [CANCELLED, CANCELLED, PENDING]


def test_a_late_payment_takes_a_seat_that_is_still_free(paid_ticket, sign_up, fake_stripe, deliver):
    registration = sign_up(paid_ticket).registration
    payment = checkout.start_checkout(registration)
    with later(31):
        holds.release_expired_holds()
    assert fresh(registration).status == CANCELLED
    paid_ticket.refresh_from_db()
    assert paid_ticket.taken == 0

    session = fake_stripe.complete(payment.stripe_session_id)
    assert deliver(fake_stripe.event("checkout.session.completed", session)).content == (
        b"confirmed"
    )
    registration = fresh(registration)
    assert registration.status == CONFIRMED
    assert registration.cancelled_at is None
    assert not registration.participants.filter(ticket_revoked_at__isnull=False).exists()
    paid_ticket.refresh_from_db()
    assert paid_ticket.taken == 1
    assert not Refund.objects.exists()


def test_a_late_payment_without_a_seat_left_is_refunded_and_the_payer_told(
    one_seat, sign_up, fake_stripe, deliver
):
    first = sign_up(one_seat).registration
    payment = checkout.start_checkout(first)
    second = sign_up(one_seat, join_waiting_list=True).registration
    with later(31):
        holds.release_expired_holds()
    mail.outbox.clear()

    session = fake_stripe.complete(payment.stripe_session_id)
    response = deliver(fake_stripe.event("checkout.session.completed", session))

    assert response.content == b"refunded: no-seat"
    assert fresh(first).status == CANCELLED
    assert fresh(second).status == PENDING  # the offer stands
    refund = Refund.objects.get()
    assert refund.reason == RefundReason.NO_SEAT
    assert refund.amount == payment.amount
    assert refund.status == RefundStatus.SUCCEEDED
    sent = fake_stripe.calls("POST", "/v1/refunds")
    assert len(sent) == 1
    assert sent[0]["idempotency_key"] == f"refund-{refund.idempotency_key}"
    assert sent[0]["params"]["amount"] == "4000"
    assert sent[0]["params"]["payment_intent"] == session["payment_intent"]
    assert [m.to for m in mail.outbox] == [[first.email]]
    assert "refunded" in mail.outbox[0].subject
    one_seat.refresh_from_db()
    assert one_seat.taken == 1


def test_a_payment_for_a_registration_cancelled_meanwhile_is_refunded(
    paid_ticket, sign_up, fake_stripe, deliver
):
    registration = sign_up(paid_ticket).registration
    payment = checkout.start_checkout(registration)
    services.cancel_registration(registration)
    # Cancelling closes the checkout; a payment that slipped through is refunded in full.
    assert fake_stripe.sessions[payment.stripe_session_id]["status"] == "expired"
    fake_stripe.sessions[payment.stripe_session_id]["status"] = "open"
    session = fake_stripe.complete(payment.stripe_session_id)
    assert deliver(fake_stripe.event("checkout.session.completed", session)).content == (
        b"refunded: cancelled"
    )
    assert Refund.objects.get().reason == RefundReason.CANCELLED_BEFORE_PAYMENT


def test_paying_twice_refunds_the_second_payment(paid_ticket, sign_up, fake_stripe, deliver):
    registration = sign_up(paid_ticket).registration
    first = checkout.start_checkout(registration)
    Payment.objects.filter(pk=first.pk).update(expires_at=timezone.now())  # not reused
    second = checkout.start_checkout(registration)
    assert first.pk != second.pk
    for payment in (first, second):
        session = fake_stripe.complete(payment.stripe_session_id)
        deliver(fake_stripe.event("checkout.session.completed", session))
    assert fresh(registration).status == CONFIRMED
    refund = Refund.objects.get()
    assert (refund.payment_id, refund.reason) == (second.pk, RefundReason.DUPLICATE)
    assert fake_stripe.calls("POST", "/v1/refunds")[0]["params"]["reason"] == "duplicate"


def test_no_checkout_after_the_hold_expired(paid_ticket, sign_up, fake_stripe):
    registration = sign_up(paid_ticket).registration
    with later(31), pytest.raises(services.Conflict) as refused:
        checkout.start_checkout(registration)
    assert refused.value.code == "hold_expired"
    assert not fake_stripe.requests
