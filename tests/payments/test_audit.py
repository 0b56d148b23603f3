"""The audit log of payments: the checkout the participant opened, what Stripe's webhook changed
(paid, failed, expired, refunds made in the Dashboard), the beat task releasing unpaid seats,
refunds by organisers and by the ticket's policy, and how each refund ended."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from events.models import ActorKind, AuditAction, AuditEntry, AuditObject
from payments import checkout, holds, refunds
from registrations import services

pytestmark = pytest.mark.django_db(transaction=True)


def later(minutes: int):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


def log(object_type: str, action: str | None = None):
    entries = AuditEntry.objects.filter(object_type=object_type).order_by("pk")
    return entries.filter(action=action) if action else entries


def fields(entry: AuditEntry) -> dict:
    return {
        change["field"]: (change.get("before"), change.get("after")) for change in entry.changes
    }


@pytest.fixture
def one_seat(event, lead):
    return services.create_ticket_type(
        event, by=lead, name="Gala dinner", price="40.00", currency="EUR", capacity=1
    )


def test_a_checkout_and_its_payment_are_logged_by_the_participant_then_stripe(
    paid_ticket, sign_up, pay
):
    registration = sign_up(paid_ticket).registration
    payment = pay(registration)

    created = log(AuditObject.PAYMENT, AuditAction.CREATED).get()
    assert (created.actor_kind, created.object_id) == (ActorKind.PARTICIPANT, str(payment.pk))
    assert created.object_label == registration.reference
    assert fields(created) == {
        "status": (None, "open"),
        "amount": (None, "25.00"),
        "currency": (None, "EUR"),
    }
    paid = log(AuditObject.PAYMENT, AuditAction.PAID).get()
    assert (paid.actor_kind, fields(paid)) == (ActorKind.STRIPE, {"status": ("open", "succeeded")})
    confirmed = log(AuditObject.REGISTRATION, AuditAction.CONFIRMED).get()
    assert confirmed.actor_kind == ActorKind.STRIPE
    assert fields(confirmed)["status"] == ("pending-payment", "confirmed")
    assert confirmed.event_id == paid.event_id == registration.event_id


def test_the_beat_task_releasing_a_hold_is_the_system(one_seat, sign_up, fake_stripe):
    first = sign_up(one_seat).registration
    checkout.start_checkout(first)
    second = sign_up(one_seat, join_waiting_list=True).registration
    with later(31):
        assert holds.release_expired_holds() == 1  # what the beat task runs

    released = log(AuditObject.REGISTRATION, AuditAction.HOLD_EXPIRED).get()
    assert (released.object_id, released.actor_kind) == (str(first.pk), ActorKind.SYSTEM)
    assert fields(released)["status"] == ("pending-payment", "cancelled")
    promoted = log(AuditObject.REGISTRATION, AuditAction.PROMOTED).get()
    assert (promoted.object_id, promoted.actor_kind) == (str(second.pk), ActorKind.SYSTEM)
    assert fields(promoted)["status"] == ("waitlisted", "pending-payment")


def test_an_expired_checkout_is_stripe_releasing_the_seats(one_seat, sign_up, fake_stripe, deliver):
    first = sign_up(one_seat).registration
    payment = checkout.start_checkout(first)
    with later(32):
        session = fake_stripe.sessions[payment.stripe_session_id]
        session["status"] = "expired"
        deliver(fake_stripe.event("checkout.session.expired", session))

    expired = log(AuditObject.PAYMENT, AuditAction.EXPIRED).get()
    assert (expired.actor_kind, fields(expired)) == (
        ActorKind.STRIPE,
        {"status": ("open", "expired")},
    )
    released = log(AuditObject.REGISTRATION, AuditAction.HOLD_EXPIRED).get()
    assert released.actor_kind == ActorKind.STRIPE


def test_a_failed_bank_debit_is_logged_as_stripe(paid_ticket, sign_up, pay, fake_stripe, deliver):
    registration = sign_up(paid_ticket).registration
    payment = pay(registration, payment_status="unpaid")
    processing = log(AuditObject.PAYMENT, AuditAction.CHANGED).get()
    assert fields(processing) == {"status": ("open", "processing")}
    kept = log(AuditObject.REGISTRATION, AuditAction.CHANGED).get()
    assert kept.actor_kind == ActorKind.STRIPE and list(fields(kept)) == ["hold_expires_at"]

    session = fake_stripe.sessions[payment.stripe_session_id]
    deliver(fake_stripe.event("checkout.session.async_payment_failed", session))
    failed = log(AuditObject.PAYMENT, AuditAction.PAYMENT_FAILED).get()
    assert (failed.actor_kind, fields(failed)) == (
        ActorKind.STRIPE,
        {"status": ("processing", "failed")},
    )


def test_an_organisers_refund_is_logged_and_how_it_ended(lead, sign_up, pay, event):
    ticket = services.create_ticket_type(
        event, by=lead, name="Race", price="25.00", capacity=5, refund_policy="organiser"
    )
    payment = pay(sign_up(ticket).registration)
    refund = refunds.refund_by_organiser(payment, by=lead, amount=Decimal("10.00"), note="rain")

    requested = log(AuditObject.REFUND, AuditAction.REFUNDED).get()
    assert (requested.actor_kind, requested.actor, requested.object_id) == (
        ActorKind.USER,
        lead,
        str(refund.pk),
    )
    assert fields(requested) == {
        "amount": (None, "10.00"),
        "status": (None, "pending"),
        "reason": (None, "organiser"),
        "currency": (None, "EUR"),
    }
    # Sent after commit by the task; Stripe answered "succeeded".
    ended = log(AuditObject.REFUND, AuditAction.CHANGED).get()
    assert (ended.actor_kind, fields(ended)) == (
        ActorKind.SYSTEM,
        {"status": ("pending", "succeeded")},
    )


def test_a_refund_by_the_tickets_policy_is_the_cancelling_participants(paid_ticket, sign_up, pay):
    with time_machine.travel(datetime(2027, 8, 1, tzinfo=UTC), tick=False):
        registration = sign_up(paid_ticket).registration
        pay(registration)
        services.cancel_registration(registration)
    requested = log(AuditObject.REFUND, AuditAction.REFUNDED).get()
    assert requested.actor_kind == ActorKind.PARTICIPANT
    assert fields(requested)["reason"] == (None, "cancelled")


def test_a_late_payment_without_a_seat_is_refunded_by_stripes_webhook(
    one_seat, sign_up, fake_stripe, deliver
):
    first = sign_up(one_seat).registration
    payment = checkout.start_checkout(first)
    sign_up(one_seat, join_waiting_list=True)
    with later(31):
        holds.release_expired_holds()
    session = fake_stripe.complete(payment.stripe_session_id)
    deliver(fake_stripe.event("checkout.session.completed", session))
    requested = log(AuditObject.REFUND, AuditAction.REFUNDED).get()
    assert requested.actor_kind == ActorKind.STRIPE
    assert fields(requested)["reason"] == (None, "no-seat")
    assert not log(AuditObject.REGISTRATION, AuditAction.CONFIRMED).exists()


def test_a_dashboard_refund_arrives_by_webhook(
    lead, paid_ticket, sign_up, pay, fake_stripe, deliver
):
    payment = pay(sign_up(paid_ticket).registration)
    fake_stripe.refunds["re_dashboard"] = {
        "id": "re_dashboard",
        "amount": 300,
        "payment_intent": payment.payment_intent_id,
        "status": "succeeded",
        "metadata": {},
    }
    stripe_event = fake_stripe.event(
        "charge.refunded", fake_stripe.charge(payment.payment_intent_id)
    )
    deliver(stripe_event)
    deliver(stripe_event)  # a replay changes nothing, logs nothing
    [made] = log(AuditObject.REFUND, AuditAction.REFUNDED)
    assert made.actor_kind == ActorKind.STRIPE
    assert fields(made) == {
        "amount": (None, "3.00"),
        "status": (None, "succeeded"),
        "reason": (None, "stripe"),
        "currency": (None, "EUR"),
    }
