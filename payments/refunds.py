"""Refunds: what a cancellation gives back under the ticket type's policy, partial refunds by
the organisers, and sending them through Stripe's Refund API.

A refund is a row first (pending), written in the transaction that decides it; it is sent to
Stripe after commit with the row's idempotency key, so a retried send refunds once. The sum of
a payment's refunds never exceeds what was paid: checked under the payment's row lock.
"""

import logging
from datetime import date, timedelta
from decimal import Decimal

import stripe
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.audit import STRIPE, Actor
from events.permissions import require_lead_editor
from payments import audit, config, tasks
from payments.models import Payment, PaymentStatus, Refund, RefundReason, RefundStatus
from registrations.models import RefundPolicy, Registration
from sportevents.errors import Conflict

log = logging.getLogger(__name__)

# Stripe's refund statuses in ours.
STRIPE_REFUND_STATUS = {
    "succeeded": RefundStatus.SUCCEEDED,
    "pending": RefundStatus.PENDING,
    "requires_action": RefundStatus.PENDING,
    "failed": RefundStatus.FAILED,
    "canceled": RefundStatus.FAILED,
}


def refund_deadline(registration: Registration) -> date | None:
    """The last day a cancellation is refunded in full; None when the policy gives nothing back
    by itself (no refunds, or the organisers decide)."""
    ticket_type = registration.ticket_type
    if ticket_type.refund_policy != RefundPolicy.FULL_UNTIL:
        return None
    return registration.event.starts_on - timedelta(days=ticket_type.refund_days_before)


def cancellation_refund(registration: Registration, payment: Payment, *, today=None) -> Decimal:
    deadline = refund_deadline(registration)
    if deadline is None or (today or timezone.localdate()) > deadline:
        return Decimal(0)
    return payment.amount - payment.refunded


def refund_cancellation(registration: Registration, *, actor: Actor) -> list[Refund]:
    """Called inside the cancellation's transaction, with whoever cancelled."""
    made = []
    for payment in registration.payments.filter(status=PaymentStatus.SUCCEEDED):
        amount = cancellation_refund(registration, payment)
        if amount > 0:
            made.append(
                create_refund(payment, amount=amount, reason=RefundReason.CANCELLED, actor=actor)
            )
    for refund in made:
        transaction.on_commit(
            lambda refund=refund: tasks.send_payment_email.delay(
                registration.pk, "refund", refund.pk
            )
        )
    return made


def create_refund(
    payment: Payment, *, amount: Decimal, reason: str, actor: Actor, by=None, note: str = ""
) -> Refund:
    """A pending refund of `amount`, sent to Stripe after commit. Call inside a transaction."""
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status != PaymentStatus.SUCCEEDED:
        raise Conflict(_("Only a payment that went through can be refunded."), code="not_paid")
    left = payment.amount - payment.refunded
    if amount <= 0:
        raise Conflict(_("Give an amount above zero."), code="invalid_amount")
    if amount > left:
        raise Conflict(
            _("At most %(left)s %(currency)s of this payment can still be refunded.")
            % {"left": left, "currency": payment.currency},
            code="refund_too_large",
        )
    refund = Refund.objects.create(
        payment=payment, amount=amount, reason=reason, requested_by=by, note=note
    )
    audit.refund_requested(refund, actor=actor)
    transaction.on_commit(lambda: tasks.send_refund.delay(refund.pk))
    return refund


@transaction.atomic
def refund_by_organiser(payment: Payment, *, by, amount: Decimal, note: str = "") -> Refund:
    """A full or partial refund decided by the lead organisation's organisers."""
    require_lead_editor(by, payment.registration.event)
    refund = create_refund(
        payment,
        amount=amount,
        reason=RefundReason.ORGANISER,
        actor=Actor.of(by),
        by=by,
        note=note.strip(),
    )
    registration_id = payment.registration_id
    transaction.on_commit(
        lambda: tasks.send_payment_email.delay(registration_id, "refund", refund.pk)
    )
    return refund


def send(refund: Refund) -> Refund:
    """Send a pending refund to Stripe (again: the idempotency key makes it one refund)."""
    if refund.status != RefundStatus.PENDING or refund.stripe_refund_id:
        return refund
    payment = refund.payment
    try:
        result = config.client().v1.refunds.create(
            {
                "payment_intent": payment.payment_intent_id,
                "amount": config.to_minor(refund.amount, payment.currency),
                "reason": "duplicate"
                if refund.reason == RefundReason.DUPLICATE
                else "requested_by_customer",
                "metadata": {
                    "refund": str(refund.pk),
                    "registration": payment.registration.reference,
                },
            },
            {"idempotency_key": f"refund-{refund.idempotency_key}"},
        )
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as error:
        # Stripe unreachable or busy: stays pending; tasks.retry_refunds sends it again.
        log.warning("Refund %s not sent yet: %s", refund.pk, error)
        return refund
    except stripe.StripeError as error:
        with transaction.atomic():
            audit.refund_moves(refund, to=RefundStatus.FAILED)
            refund.status = RefundStatus.FAILED
            refund.failure = str(error.user_message or error)[:300]
            refund.save(update_fields=["status", "failure"])
        log.error("Refund %s refused by Stripe: %s", refund.pk, error)
        return refund
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        refund.stripe_refund_id = result.id
        refund.sent_at = timezone.now()
        if refund.status == RefundStatus.PENDING:  # a webhook may have told the outcome first
            status = STRIPE_REFUND_STATUS.get(result.status, RefundStatus.PENDING)
            audit.refund_moves(refund, to=status)
            refund.status = status
        refund.save(update_fields=["stripe_refund_id", "sent_at", "status"])
    return refund


def record_stripe_refund(
    payment: Payment, *, stripe_id: str, amount: Decimal, status: str, ours: str | None
) -> Refund:
    """A refund as Stripe reports it: ours (by id, or by the metadata we sent when its id is not
    stored yet), or one made in the Stripe Dashboard. The caller holds the payment's lock."""
    refund = Refund.objects.filter(stripe_refund_id=stripe_id).first()
    if refund is None and ours and str(ours).isdigit():
        refund = Refund.objects.filter(
            pk=int(ours), payment=payment, stripe_refund_id__isnull=True
        ).first()
    if refund is None:
        refund = Refund.objects.create(
            payment=payment,
            amount=amount,
            reason=RefundReason.STRIPE,
            status=status,
            stripe_refund_id=stripe_id,
        )
        audit.refund_requested(refund, actor=STRIPE)
        return refund
    refund.stripe_refund_id = stripe_id
    # Only forward: a late "pending" does not undo "succeeded".
    if refund.status == RefundStatus.PENDING:
        audit.refund_moves(refund, to=status, actor=STRIPE)
        refund.status = status
    refund.save(update_fields=["stripe_refund_id", "status"])
    return refund
