"""Paying for held seats with a Stripe Checkout Session (Stripe's hosted payment page).

The session offers the payment methods enabled in the Stripe Dashboard for the currency (cards,
and the common European ones such as SEPA debit, iDEAL, Bancontact), in the participant's
language. It carries the registration's reference in its metadata; the success and cancel pages
are ours, at the registration's private link. Nothing is confirmed here: only a verified
webhook (webhooks.py) confirms a payment.
"""

import logging
from datetime import datetime, timedelta

import stripe
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.audit import PARTICIPANT
from payments import audit, config
from payments.models import Payment, PaymentStatus
from registrations import services
from registrations.links import manage_token_for
from registrations.models import Registration, RegistrationStatus
from sportevents.errors import Conflict, DomainError

log = logging.getLogger(__name__)

# Stripe accepts a session's expiry between 30 minutes and 24 hours after its creation.
SESSION_MIN = timedelta(minutes=31)
SESSION_MAX = timedelta(hours=23, minutes=55)
# An open session is reused while it has at least this long to go.
REUSE_MARGIN = timedelta(minutes=5)
STRIPE_LOCALES = {"en", "de", "es", "fr", "tr"}


class PaymentUnavailable(DomainError):
    """Stripe could not be reached or refused the request: try again later."""

    status = 503
    code = "payment_unavailable"


def _session_expiry(registration: Registration, now: datetime) -> datetime:
    # A session outliving the hold is fine: a late payment gets a free seat or a refund.
    wanted = registration.hold_expires_at or now + SESSION_MIN
    return min(max(wanted, now + SESSION_MIN), now + SESSION_MAX)


def _prepare(registration: Registration, now: datetime) -> Payment:
    """The payment to send the participant to: an open one still valid, or a new row."""
    with transaction.atomic():
        registration = services.lock_registration(registration)
        if registration.status != RegistrationStatus.PENDING_PAYMENT:
            raise Conflict(_("This registration is not waiting for a payment."), code="not_pending")
        payments = registration.payments.all()
        if payments.filter(status__in=[PaymentStatus.PROCESSING, PaymentStatus.SUCCEEDED]):
            raise Conflict(
                _("A payment for this registration is being processed already."),
                code="payment_processing",
            )
        if registration.hold_expires_at is not None and registration.hold_expires_at <= now:
            raise Conflict(
                _("The time to pay is over: the seats are no longer held."), code="hold_expired"
            )
        reusable = payments.filter(
            status=PaymentStatus.OPEN,
            stripe_session_id__isnull=False,
            expires_at__gt=now + REUSE_MARGIN,
        ).first()
        if reusable is not None:
            return reusable
        ticket_type = registration.ticket_type
        payment = Payment.objects.create(
            registration=registration,
            amount=ticket_type.price * registration.seats,
            currency=ticket_type.currency,
            expires_at=_session_expiry(registration, now),
            created_at=now,
        )
        audit.checkout_created(payment, actor=PARTICIPANT)
        return payment


def _params(registration: Registration, payment: Payment) -> dict:
    ticket_type = registration.ticket_type
    token = manage_token_for(registration)
    site = settings.SITE_URL
    metadata = {"registration": registration.reference, "payment": str(payment.pk)}
    return {
        "mode": "payment",
        "line_items": [
            {
                "quantity": registration.seats,
                "price_data": {
                    "currency": ticket_type.currency.lower(),
                    "unit_amount": config.to_minor(ticket_type.price, ticket_type.currency),
                    "product_data": {"name": f"{ticket_type.name} – {registration.event.title}"},
                },
            }
        ],
        "client_reference_id": registration.reference,
        "customer_email": registration.email,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "locale": registration.language if registration.language in STRIPE_LOCALES else "auto",
        "expires_at": int(payment.expires_at.timestamp()),
        "success_url": site
        + reverse("payments:paid", args=[token])
        + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": site + reverse("payments:not_paid", args=[token]),
    }


def start_checkout(registration: Registration, *, now: datetime | None = None) -> Payment:
    """A Checkout Session for the registration's held seats; its `checkout_url` is where the
    participant pays. An open session is reused. Stripe is called outside the transaction, with
    the payment's idempotency key: a retried call returns the same session."""
    if not config.configured():
        raise Conflict(
            _("Paid tickets cannot be bought at the moment: payments are not set up."),
            code="payments_unavailable",
        )
    now = now or timezone.now()
    payment = _prepare(registration, now)
    if payment.stripe_session_id:
        return payment
    try:
        session = config.client().v1.checkout.sessions.create(
            _params(payment.registration, payment),
            {"idempotency_key": f"checkout-{payment.idempotency_key}"},
        )
    except stripe.StripeError as error:
        log.warning("Checkout Session for payment %s failed: %s", payment.pk, error)
        Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.FAILED)
        raise PaymentUnavailable(
            _("The payment service cannot be reached. Please try again in a few minutes.")
        ) from error
    payment.stripe_session_id = session.id
    payment.checkout_url = session.url
    payment.save(update_fields=["stripe_session_id", "checkout_url"])
    return payment


def expire_session(payment: Payment) -> None:
    """Close an open Checkout Session so it can no longer be paid (hold released, cancelled).
    Already completed or expired: nothing to do, the webhook tells the outcome."""
    if not payment.stripe_session_id or payment.status != PaymentStatus.OPEN:
        return
    try:
        config.client().v1.checkout.sessions.expire(payment.stripe_session_id)
    except stripe.InvalidRequestError as error:
        log.info("Session %s not expired: %s", payment.stripe_session_id, error)
