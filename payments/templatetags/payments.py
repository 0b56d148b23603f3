"""The payment parts of the registration's own pages, so that registrations needs no import of
payments: `{% payment_panel registration token %}` and `{% refund_notice registration %}`."""

from django import template
from django.utils import timezone

from payments import config, refunds
from payments.models import PaymentStatus, RefundStatus

register = template.Library()


@register.inclusion_tag("payments/_panel.html")
def payment_panel(registration, token: str) -> dict:
    payments = [
        payment
        for payment in registration.payments.prefetch_related("refunds")
        if payment.status != PaymentStatus.OPEN or payment.stripe_session_id
    ]
    return {
        "registration": registration,
        "token": token,
        "payments": payments,
        "may_pay": registration.status == "pending-payment"
        and config.configured()
        and (registration.hold_expires_at is None or registration.hold_expires_at > timezone.now())
        and not any(p.status == PaymentStatus.PROCESSING for p in payments),
        "processing": any(p.status == PaymentStatus.PROCESSING for p in payments),
        "deadline": refunds.refund_deadline(registration),
        "pending_refund": RefundStatus.PENDING,
    }


@register.inclusion_tag("payments/_refund_notice.html")
def refund_notice(registration) -> dict:
    paid = [
        payment
        for payment in registration.payments.filter(status=PaymentStatus.SUCCEEDED)
        if payment.amount > payment.refunded
    ]
    return {
        "registration": registration,
        "paid": bool(paid),
        "amount": sum((refunds.cancellation_refund(registration, p) for p in paid), 0),
        "currency": paid[0].currency if paid else "",
        "policy": registration.ticket_type.refund_policy,
        "deadline": refunds.refund_deadline(registration),
    }
