"""Money for paid tickets: Stripe Checkout payments, refunds, each Stripe event once, and an
event's payment settings (how long seats are held and offers stay open)."""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PaymentSettings(models.Model):
    """Per event; an event without a row uses the defaults."""

    event = models.OneToOneField(
        "events.Event", on_delete=models.CASCADE, related_name="payment_settings"
    )
    hold_minutes = models.PositiveSmallIntegerField(
        _("seats held while paying (minutes)"),
        default=30,
        validators=[MinValueValidator(10), MaxValueValidator(24 * 60)],
        help_text=_("How long a new registration keeps its seats while the participant pays."),
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("waiting-list offers open (hours)"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(14 * 24)],
        help_text=_(
            "How long a person promoted from the waiting list has to pay before the seat goes to "
            "the next in line."
        ),
    )

    class Meta:
        verbose_name = _("payment settings")
        verbose_name_plural = _("payment settings")

    def __str__(self):
        return str(self.event)


class PaymentStatus(models.TextChoices):
    OPEN = "open", _("Waiting for payment")
    PROCESSING = "processing", _("Processing")
    SUCCEEDED = "succeeded", _("Paid")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class PaymentQuerySet(models.QuerySet):
    def for_event(self, event):
        return self.filter(registration__event=event)

    def paid(self):
        return self.filter(status=PaymentStatus.SUCCEEDED)


class Payment(models.Model):
    """One Stripe Checkout Session for a registration. Only a verified webhook marks it paid."""

    registration = models.ForeignKey(
        "registrations.Registration", on_delete=models.PROTECT, related_name="payments"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.OPEN
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    # Sent with the session's creation: a retried request never makes a second session.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    stripe_session_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("checkout expires"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    objects = PaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.registration.reference} {self.amount} {self.currency}"

    @property
    def refunded(self):
        """Refunded, or on its way back (not failed)."""
        return self.refunds.exclude(status=RefundStatus.FAILED).aggregate(total=Sum("amount"))[
            "total"
        ] or type(self.amount)(0)


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Being refunded")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", _("Refund failed")


class RefundReason(models.TextChoices):
    CANCELLED = "cancelled", _("Cancelled within the refund period")
    ORGANISER = "organiser", _("Refunded by the organisers")
    NO_SEAT = "no-seat", _("Paid after the hold expired, and no seat was left")
    CANCELLED_BEFORE_PAYMENT = "cancelled-unpaid", _("Paid after the registration was cancelled")
    DUPLICATE = "duplicate", _("Paid twice")
    STRIPE = "stripe", _("Refunded in Stripe")


class Refund(models.Model):
    """Money going back, through Stripe's Refund API. The row exists before the request is sent;
    its idempotency key makes a retried request refund once."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=16, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    reason = models.CharField(_("reason"), max_length=20, choices=RefundReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    stripe_refund_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    failure = models.CharField(_("why it failed"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent to Stripe"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self):
        return f"{self.amount} {self.payment.currency} ({self.get_status_display()})"


class StripeEvent(models.Model):
    """Every Stripe event we acted on, once: a replayed or duplicated delivery finds its row and
    changes nothing."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=255, blank=True)
    created = models.DateTimeField(help_text=_("When Stripe created the event."))
    received_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")

    def __str__(self):
        return f"{self.event_id} {self.type}"
