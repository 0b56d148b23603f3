"""Payment tasks: the beat jobs (release expired holds, resend refunds Stripe did not take yet),
sending a refund and expiring a checkout after commit, and the emails about payments."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from outbox.tasks import EMAIL_TASK, send_once
from registrations.links import manage_token_for
from registrations.models import Registration
from registrations.tasks import email_key

SUBJECTS = {
    "hold_expired": _("Your held seats were released: %(title)s"),
    "offer_expired": _("The seat offered to you went to the next in line: %(title)s"),
    "late_refund": _("Your payment is refunded: %(title)s"),
    "refund": _("A refund is on its way: %(title)s"),
    "payment_failed": _("Your payment did not go through: %(title)s"),
}


@shared_task
def release_expired_holds() -> int:
    """Every minute (CELERY_BEAT_SCHEDULE)."""
    from payments import holds

    return holds.release_expired_holds()


@shared_task
def retry_refunds() -> int:
    """Refunds still pending without a Stripe id (Stripe was unreachable): send them again."""
    from payments import refunds
    from payments.models import Refund, RefundStatus

    stuck = Refund.objects.filter(
        status=RefundStatus.PENDING,
        stripe_refund_id__isnull=True,
        created_at__lte=timezone.now() - timedelta(minutes=2),
    ).select_related("payment__registration")
    for refund in stuck:
        refunds.send(refund)
    return len(stuck)


@shared_task
def send_refund(refund_id: int) -> None:
    from payments import refunds
    from payments.models import Refund

    refund = Refund.objects.select_related("payment__registration").filter(pk=refund_id).first()
    if refund is not None:
        refunds.send(refund)


@shared_task
def expire_checkout(payment_id: int) -> None:
    from payments import checkout
    from payments.models import Payment

    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is not None:
        checkout.expire_session(payment)


@shared_task(**EMAIL_TASK)
def send_payment_email(
    self,
    registration_id: int,
    kind: str,
    refund_id: int | None = None,
    payment_id: int | None = None,
) -> None:
    """One email of `kind` about a registration's payment, once: per refund for the refund
    emails, per payment for a failed one (each try to pay may fail), once for an expired hold
    or offer (a registration holds seats once)."""
    if kind not in SUBJECTS:
        return
    what = [kind]
    if refund_id is not None:
        what.append(f"refund-{refund_id}")
    if payment_id is not None:
        what.append(f"payment-{payment_id}")
    send_once(
        self,
        email_key(registration_id, ":".join(what)),
        lambda: _payment_message(registration_id, kind, refund_id),
    )


def _payment_message(registration_id: int, kind: str, refund_id: int | None):
    from payments.models import Refund

    registration = (
        Registration.objects.select_related("event", "ticket_type")
        .filter(pk=registration_id, erased_at__isnull=True)
        .first()
    )
    if registration is None:
        return None
    with translation.override(registration.language):
        context = {
            "kind": kind,
            "registration": registration,
            "event": registration.event,
            "refund": Refund.objects.filter(pk=refund_id).first() if refund_id else None,
            "manage_url": settings.SITE_URL
            + reverse("registrations:manage", args=[manage_token_for(registration)]),
        }
        subject = str(SUBJECTS[kind]) % {"title": registration.event.title}
        body = render_to_string("emails/payment.txt", context)
    return EmailMessage(subject, body, to=[registration.email])
