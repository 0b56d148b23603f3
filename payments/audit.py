"""What payments write in the event's audit log: checkouts created, payments moving from one
status to the next, refunds requested and how they end. Amounts and statuses only; a payment is
named by its registration's reference. Each function is called inside the transaction of the
change it logs, just before the change (so the status it moves from is still on the row)."""

from events import audit
from events.audit import STRIPE, SYSTEM, Actor
from events.models import AuditAction
from payments.models import Payment, Refund
from registrations.models import Registration


def checkout_created(payment: Payment, *, actor: Actor) -> None:
    registration = payment.registration
    audit.record(
        registration.event_id,
        AuditAction.CREATED,
        payment,
        actor=actor,
        changes=audit.created(audit.values(payment, ("status", "amount", "currency"))),
        label=registration.reference,
    )


def payment_moves(
    payment: Payment, registration: Registration, action: str, *, to: str, actor: Actor = STRIPE
) -> None:
    """`payment` of `registration` is about to move to the status `to`."""
    audit.record(
        registration.event_id,
        action,
        payment,
        actor=actor,
        changes=audit.diff({"status": payment.status}, {"status": to}),
        label=registration.reference,
    )


def refund_requested(refund: Refund, *, actor: Actor) -> None:
    registration = refund.payment.registration
    audit.record(
        registration.event_id,
        AuditAction.REFUNDED,
        refund,
        actor=actor,
        changes=audit.created(
            {
                **audit.values(refund, ("amount", "status", "reason")),
                "currency": refund.payment.currency,
            }
        ),
        label=registration.reference,
    )


def refund_moves(refund: Refund, *, to: str, actor: Actor = SYSTEM) -> None:
    """`refund` is about to move to the status `to` (nothing is logged if it stays)."""
    if refund.status == to:
        return
    audit.record(
        refund.payment.registration.event_id,
        AuditAction.CHANGED,
        refund,
        actor=actor,
        changes=audit.diff({"status": refund.status}, {"status": to}),
        label=refund.payment.registration.reference,
    )


def refunds_move(refunds, *, to: str, actor: Actor = STRIPE) -> None:
    for refund in refunds.select_related("payment__registration"):
        refund_moves(refund, to=to, actor=actor)
