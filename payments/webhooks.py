"""Stripe's webhook: verify the signature, record each event once, act on it once.

Every handler is written so that a replayed, duplicated or out-of-order event changes nothing
twice: the event id is stored in the same transaction as its effects (a second delivery finds
it), and each handler moves a payment only forward from the states it expects, under the row
locks of the ticket type, the registration and the payment (in that order, as everywhere).
"""

import json
import logging
from datetime import UTC, datetime

import stripe
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from events.audit import STRIPE
from events.models import AuditAction
from payments import audit, config, holds, refunds, tasks
from payments.models import (
    Payment,
    PaymentStatus,
    Refund,
    RefundReason,
    RefundStatus,
    StripeEvent,
)
from registrations import services
from registrations.models import RegistrationStatus

log = logging.getLogger(__name__)


class Unverified(Exception):
    """Not signed by Stripe with one of our secrets, too old, or not an event."""


def verify(payload: bytes, header: str | None) -> dict:
    """The event, if `header` signs `payload` with one of the configured secrets (two while the
    endpoint's secret is rolled over) within the tolerance window."""
    for secret in settings.STRIPE_WEBHOOK_SECRETS:
        try:
            stripe.WebhookSignature.verify_header(
                payload, header, secret, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE
            )
        except (stripe.SignatureVerificationError, UnicodeDecodeError):
            continue
        try:
            event = json.loads(payload)
        except ValueError:
            break
        if (
            isinstance(event, dict)
            and isinstance(event.get("id"), str)
            and isinstance(event.get("type"), str)
            and isinstance(event.get("data", {}).get("object"), dict)
        ):
            return event
        break
    raise Unverified


def _lock_timeout() -> None:
    # Waiting longer than this for a row lock ends in OperationalError, answered 503 (retried).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, true)",
                [f"{settings.STRIPE_WEBHOOK_LOCK_TIMEOUT_MS}ms"],
            )


def process(event: dict) -> str:
    """Act on a verified event once; returns what happened (stored with the event)."""
    obj = event["data"]["object"]
    with transaction.atomic():
        _lock_timeout()
        stored, created = StripeEvent.objects.get_or_create(
            event_id=event["id"],
            defaults={
                "type": event["type"][:100],
                "object_id": str(obj.get("id", ""))[:255],
                "created": datetime.fromtimestamp(int(event.get("created") or 0), UTC),
            },
        )
        if not created:
            return "duplicate"
        handler = HANDLERS.get(event["type"])
        outcome = handler(obj) if handler else "ignored"
        stored.outcome = outcome[:200]
        stored.save(update_fields=["outcome"])
    log.info("Stripe event %s %s: %s", event["id"], event["type"], outcome)
    return outcome


# Checkout Sessions -----------------------------------------------------------------------------


def _payment_for_session(session: dict) -> Payment | None:
    payment = Payment.objects.filter(stripe_session_id=session.get("id")).first()
    if payment is None:
        # The webhook may come before we stored the session's id (the create call's answer).
        metadata = session.get("metadata") or {}
        if str(metadata.get("payment", "")).isdigit():
            payment = Payment.objects.filter(
                pk=int(metadata["payment"]),
                registration__reference=metadata.get("registration"),
                stripe_session_id__isnull=True,
            ).first()
    return payment


def _locked(payment: Payment):
    """Lock the ticket type, the registration, then the payment; both as stored."""
    registration = services.lock_registration(payment.registration)
    return registration, Payment.objects.select_for_update().get(pk=payment.pk)


def _session(handler):
    def handle(session: dict) -> str:
        payment = _payment_for_session(session)
        if payment is None:
            return "unknown session"
        registration, payment = _locked(payment)
        if not payment.stripe_session_id:
            payment.stripe_session_id = session["id"]
            payment.save(update_fields=["stripe_session_id"])
        return handler(session, registration, payment)

    return handle


def settle(session: dict, registration, payment: Payment) -> str:
    """The money arrived. Confirm the seats; if there are none for it (hold expired and the seats
    gone, cancelled meanwhile, paid twice), refund it in full and tell the participant."""
    if payment.status == PaymentStatus.SUCCEEDED:
        return "already paid"
    audit.payment_moves(payment, registration, AuditAction.PAID, to=PaymentStatus.SUCCEEDED)
    payment.status = PaymentStatus.SUCCEEDED
    payment.paid_at = timezone.now()
    payment.payment_intent_id = str(session.get("payment_intent") or "")[:255]
    payment.save(update_fields=["status", "paid_at", "payment_intent_id"])
    paid = session.get("amount_total")
    if paid is not None and paid != config.to_minor(payment.amount, payment.currency):
        log.error("Payment %s: Stripe charged %s, expected %s", payment.pk, paid, payment.amount)
    result = services.confirm_paid(registration)
    if result == services.Paid.CONFIRMED:
        return "confirmed"
    reason = {
        services.Paid.ALREADY: RefundReason.DUPLICATE,
        services.Paid.NO_SEAT: RefundReason.NO_SEAT,
        services.Paid.CANCELLED: RefundReason.CANCELLED_BEFORE_PAYMENT,
    }[result]
    refund = refunds.create_refund(payment, amount=payment.amount, reason=reason, actor=STRIPE)
    transaction.on_commit(
        lambda: tasks.send_payment_email.delay(registration.pk, "late_refund", refund.pk)
    )
    return f"refunded: {result}"


def completed(session: dict, registration, payment: Payment) -> str:
    if session.get("payment_status") in ("paid", "no_payment_required"):
        return settle(session, registration, payment)
    # A delayed method (a bank debit): the outcome comes in a later event, the seats wait.
    if payment.status != PaymentStatus.OPEN:
        return "no change"
    audit.payment_moves(payment, registration, AuditAction.CHANGED, to=PaymentStatus.PROCESSING)
    payment.status = PaymentStatus.PROCESSING
    payment.payment_intent_id = str(session.get("payment_intent") or "")[:255]
    payment.save(update_fields=["status", "payment_intent_id"])
    services.keep_hold(registration)
    return "processing"


def failed(session: dict, registration, payment: Payment) -> str:
    if payment.status not in (PaymentStatus.OPEN, PaymentStatus.PROCESSING):
        return "no change"
    audit.payment_moves(payment, registration, AuditAction.PAYMENT_FAILED, to=PaymentStatus.FAILED)
    payment.status = PaymentStatus.FAILED
    payment.save(update_fields=["status"])
    if registration.status == RegistrationStatus.PENDING_PAYMENT:
        # Another try is allowed: the seats stay held for a new hold period.
        registration.hold_expires_at = holds.hold_until(registration, offered=False)
        registration.save(update_fields=["hold_expires_at"])
        transaction.on_commit(
            lambda: tasks.send_payment_email.delay(
                registration.pk, "payment_failed", payment_id=payment.pk
            )
        )
    return "failed"


def expired(session: dict, registration, payment: Payment) -> str:
    if payment.status != PaymentStatus.OPEN:
        return "no change"
    audit.payment_moves(payment, registration, AuditAction.EXPIRED, to=PaymentStatus.EXPIRED)
    payment.status = PaymentStatus.EXPIRED
    payment.save(update_fields=["status"])
    # Abandoned: when the hold is over too, the seats go to the next in line now.
    if holds.release(registration, actor=STRIPE):
        return "expired, seats released"
    return "expired"


# Refunds ---------------------------------------------------------------------------------------


def charge_refunded(charge: dict) -> str:
    payment = Payment.objects.filter(payment_intent_id=charge.get("payment_intent") or "-").first()
    if payment is None:
        return "unknown charge"
    _registration, payment = _locked(payment)
    listed = (charge.get("refunds") or {}).get("data") or []
    for item in listed:
        refunds.record_stripe_refund(
            payment,
            stripe_id=item["id"],
            amount=config.from_minor(int(item.get("amount") or 0), payment.currency),
            status=refunds.STRIPE_REFUND_STATUS.get(item.get("status"), RefundStatus.PENDING),
            ours=(item.get("metadata") or {}).get("refund"),
        )
    if not listed and charge.get("refunded") is not None:
        # Recent API versions leave the list out: the refunds we sent are through.
        total = config.from_minor(int(charge.get("amount_refunded") or 0), payment.currency)
        sent = Refund.objects.filter(
            payment=payment, status=RefundStatus.PENDING, stripe_refund_id__isnull=False
        )
        if total >= payment.refunded:
            audit.refunds_move(sent, to=RefundStatus.SUCCEEDED)
            sent.update(status=RefundStatus.SUCCEEDED)
    return "refunds updated"


HANDLERS = {
    "checkout.session.completed": _session(completed),
    "checkout.session.async_payment_succeeded": _session(settle),
    "checkout.session.async_payment_failed": _session(failed),
    "checkout.session.expired": _session(expired),
    "charge.refunded": charge_refunded,
}
