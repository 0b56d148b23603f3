"""The payments side of the registration services' signals (sent inside their transactions)."""

from django.db import transaction
from django.dispatch import receiver

from events.audit import Actor
from payments import holds, refunds, tasks
from payments.models import Payment, PaymentStatus
from registrations.models import Registration, RegistrationStatus
from registrations.signals import payment_due, registration_cancelled


@receiver(payment_due, sender=Registration)
def set_hold_expiry(sender, *, registration: Registration, offered: bool, **kwargs) -> None:
    # From the moment of the registration, or of the offer.
    since = registration.offered_at if offered else registration.created_at
    registration.hold_expires_at = holds.hold_until(registration, offered=offered, now=since)


@receiver(registration_cancelled, sender=Registration)
def settle_cancellation(
    sender, *, registration: Registration, previous_status: str, actor: Actor, **kwargs
):
    """Refund what the ticket's policy gives back; close the checkouts that may still be open."""
    if previous_status == RegistrationStatus.CONFIRMED:
        refunds.refund_cancellation(registration, actor=actor)
    open_sessions = list(
        Payment.objects.filter(
            registration=registration,
            status=PaymentStatus.OPEN,
            stripe_session_id__isnull=False,
        ).values_list("pk", flat=True)
    )
    for pk in open_sessions:
        transaction.on_commit(lambda pk=pk: tasks.expire_checkout.delay(pk))
