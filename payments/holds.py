"""Seats held while a participant pays: how long, and releasing them when the time is up.

A new paid registration holds its seats for the event's `hold_minutes`; a person promoted from
the waiting list gets an offer open for `offer_hours`. The beat task releases what is unpaid
after that: the registration is cancelled, the seats go to the next in line (who gets an offer
in turn), and any open Checkout Session is expired so it cannot be paid any more. A payment
that still arrives is handled by `webhooks.settle`: a free seat, or a refund.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from events.audit import SYSTEM, Actor
from payments import tasks
from payments.models import PaymentSettings
from registrations import services
from registrations.models import Registration, RegistrationStatus

log = logging.getLogger(__name__)


def settings_for(event_id: int) -> PaymentSettings:
    return PaymentSettings.objects.filter(event_id=event_id).first() or PaymentSettings(
        event_id=event_id
    )


def hold_until(registration: Registration, *, offered: bool, now: datetime | None = None):
    now = now or timezone.now()
    chosen = settings_for(registration.event_id)
    if offered:
        return now + timedelta(hours=chosen.offer_hours)
    return now + timedelta(minutes=chosen.hold_minutes)


def expired_holds(now: datetime | None = None):
    return Registration.objects.filter(
        status=RegistrationStatus.PENDING_PAYMENT, hold_expires_at__lte=now or timezone.now()
    ).order_by("hold_expires_at", "pk")


def release(
    registration: Registration, *, now: datetime | None = None, actor: Actor = SYSTEM
) -> bool:
    """Release one expired hold (if it still is one) and promote the waiting list. The
    cancellation's receiver expires the open Checkout Sessions after commit."""
    offered = registration.offered_at is not None
    promoted = services.release_hold(registration, now=now, actor=actor)
    if promoted is None:
        return False
    transaction.on_commit(
        lambda: tasks.send_payment_email.delay(
            registration.pk, "offer_expired" if offered else "hold_expired"
        )
    )
    return True


def release_expired_holds(*, now: datetime | None = None, limit: int = 500) -> int:
    """Each registration in its own transaction: one slow row does not hold up the others."""
    released = 0
    for registration in expired_holds(now)[:limit]:
        if release(registration, now=now):
            released += 1
    if released:
        log.info("Released %s expired seat holds", released)
    return released
