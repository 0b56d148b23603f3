import secrets
import uuid

from django.core.validators import RegexValidator
from django.db import connection, models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField


class RefundPolicy(models.TextChoices):
    """What a participant who cancels a paid ticket gets back."""

    FULL_UNTIL = "full-until", _("Full refund until a number of days before the event")
    NONE = "none", _("No refund")
    ORGANISER = "organiser", _("The organisers decide")


class TicketTypeQuerySet(models.QuerySet):
    def with_allocation_flag(self):
        """Each row knows whether it keeps seats per partner country (`has_allocations`), so
        registering for the common ticket without allocations needs no query for them."""
        return self.annotate(
            has_allocations=Exists(TicketAllocation.objects.filter(ticket_type=OuterRef("pk")))
        )


class TicketType(models.Model):
    """What a person registers for. `taken` counts confirmed and held seats, never more than
    `capacity`: a conditional UPDATE raises it, and a check constraint backs the rule."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="ticket_types")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(_("price"), max_digits=8, decimal_places=2, default=0)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="EUR",
        validators=[
            RegexValidator(r"^[A-Z]{3}$", _("Give a three-letter ISO 4217 code, e.g. EUR."))
        ],
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    taken = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)
    sales_start = models.DateTimeField(_("sales start"), null=True, blank=True)
    sales_end = models.DateTimeField(_("sales end"), null=True, blank=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    is_active = models.BooleanField(_("on sale"), default=True)
    refund_policy = models.CharField(
        _("refunds"), max_length=16, choices=RefundPolicy.choices, default=RefundPolicy.FULL_UNTIL
    )
    refund_days_before = models.PositiveSmallIntegerField(
        _("refund until (days before the event)"), default=14
    )

    objects = TicketTypeQuerySet.as_manager()

    class Meta:
        ordering = ["event", "price", "name"]
        verbose_name = _("ticket type")
        verbose_name_plural = _("ticket types")
        constraints = [
            models.CheckConstraint(
                condition=Q(taken__lte=F("capacity")),
                name="ticket_type_never_oversold",
                violation_error_message=_("The capacity cannot be lower than the seats taken."),
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="ticket_price_not_negative"),
            models.CheckConstraint(
                condition=Q(sales_end__isnull=True)
                | Q(sales_start__isnull=True)
                | Q(sales_end__gt=F("sales_start")),
                name="ticket_sales_window_in_order",
                violation_error_message=_("The sales end before they start."),
            ),
            models.CheckConstraint(
                condition=Q(max_age__isnull=True)
                | Q(min_age__isnull=True)
                | Q(max_age__gte=F("min_age")),
                name="ticket_age_range_in_order",
                violation_error_message=_("The maximum age is below the minimum age."),
            ),
        ]

    def __str__(self):
        return f"{self.name} – {self.event}"

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.taken)

    def on_sale(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.is_active
            and (self.sales_start is None or self.sales_start <= now)
            and (self.sales_end is None or now < self.sales_end)
        )


class TicketAllocation(models.Model):
    """Seats of a ticket type kept for residents of one partner country. A ticket type with
    allocations is for residents of those countries only, each up to its seats; when they add
    up to the capacity, every partner country is sure of its share."""

    ticket_type = models.ForeignKey(
        TicketType, on_delete=models.CASCADE, related_name="allocations"
    )
    country = CountryField(_("country of residence"))
    seats = models.PositiveIntegerField(_("seats"))
    taken = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)

    class Meta:
        ordering = ["ticket_type", "country"]
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket_type", "country"], name="one_allocation_per_country"
            ),
            models.CheckConstraint(
                condition=Q(taken__lte=F("seats")), name="allocation_never_oversold"
            ),
        ]

    def __str__(self):
        return f"{self.ticket_type.name}: {self.country.code} {self.taken}/{self.seats}"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    PENDING_PAYMENT = "pending-payment", _("Pending payment")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")


# Registrations that hold seats (counted in TicketType.taken).
HOLDING = (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING_PAYMENT)


def new_reference() -> str:
    return secrets.token_hex(5).upper()


class Registration(models.Model):
    """One booking by one person (the buyer) for one or several participants of a ticket type."""

    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="registrations"
    )
    ticket_type = models.ForeignKey(
        TicketType, on_delete=models.PROTECT, related_name="registrations"
    )
    reference = models.CharField(_("reference"), max_length=12, unique=True, default=new_reference)
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email address"))
    language = models.CharField(_("language"), max_length=8, default="en")
    is_group = models.BooleanField(_("group registration"), default=False)
    seats = models.PositiveSmallIntegerField(_("seats"), default=1)
    status = models.CharField(_("status"), max_length=16, choices=RegistrationStatus.choices)
    terms_accepted_at = models.DateTimeField(_("terms accepted"))
    manage_token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("date registered"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("date cancelled"), null=True, blank=True)
    # Set when the participant erased their data: only the facts that feed counts are left.
    erased_at = models.DateTimeField(_("date erased"), null=True, blank=True)
    # A paid registration holds its seats until then; unpaid by that time, they are released.
    hold_expires_at = models.DateTimeField(_("seats held until"), null=True, blank=True)
    # Set when the seats were released because the payment did not arrive in time: a payment
    # that arrives later may still take a free seat (otherwise it is refunded).
    hold_expired_at = models.DateTimeField(_("hold expired"), null=True, blank=True)
    # Set when a paid seat was offered to this registration from the waiting list.
    offered_at = models.DateTimeField(_("seat offered"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [
            models.Index(fields=["ticket_type", "status", "created_at"]),
            models.Index(fields=["status", "hold_expires_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gte=1), name="registration_has_seats"),
            # One seat per address and ticket type, unless the person registers a group.
            models.UniqueConstraint(
                fields=["ticket_type", "email"],
                condition=Q(is_group=False) & ~Q(status="cancelled"),
                name="one_active_registration_per_email",
            ),
        ]

    def __str__(self):
        return f"{self.reference} – {self.name}"

    @property
    def holds_seats(self) -> bool:
        return self.status in HOLDING

    def waitlist_position(self) -> int | None:
        if self.status != RegistrationStatus.WAITLISTED:
            return None
        # Order of arrival: (created_at, pk), as the promotion takes them. Written out: a
        # registration rush asks it of everyone who joins the list, and Django would build and
        # compile the query each time (four times what running it costs here).
        at = connection.ops.adapt_datetimefield_value(self.created_at)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {connection.ops.quote_name(Registration._meta.db_table)}"
                " WHERE ticket_type_id = %s AND status = %s"
                " AND (created_at < %s OR (created_at = %s AND id <= %s))",
                [self.ticket_type_id, RegistrationStatus.WAITLISTED, at, at, self.pk],
            )
            return cursor.fetchone()[0]


class Role(models.TextChoices):
    ATHLETE = "athlete", _("Athlete")
    VOLUNTEER = "volunteer", _("Volunteer")
    COACH = "coach", _("Coach")
    SPECTATOR = "spectator", _("Spectator")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Another gender")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class AccessibilityNeed(models.TextChoices):
    """What a participant may ask staff to prepare; the codes match the venue features."""

    STEP_FREE = "step-free", _("Step-free access")
    SUPPORT_PERSON = "support-person", _("A support person, who comes free of charge")
    SIGN_LANGUAGE = "sign-language", _("Sign-language interpretation")
    QUIET_ROOM = "quiet-room", _("A quiet space")


class Participant(models.Model):
    """A person who takes part, with their own ticket. Email is optional: a child's ticket goes
    to the buyer."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="participants"
    )
    ticket_id = models.UUIDField(_("ticket"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email address"), blank=True)
    country = CountryField(_("country of residence"))
    year_of_birth = models.PositiveSmallIntegerField(_("year of birth"))
    gender = models.CharField(
        _("gender"), max_length=16, choices=Gender.choices, default=Gender.UNDISCLOSED
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.ATHLETE)
    guardian_name = models.CharField(_("parent or guardian"), max_length=150, blank=True)
    guardian_email = models.EmailField(_("parent or guardian's email"), blank=True)
    guardian_confirmed_at = models.DateTimeField(_("guardian's consent"), null=True, blank=True)
    survey_consent_at = models.DateTimeField(_("survey consent"), null=True, blank=True)
    survey_consent_version = models.CharField(max_length=16, blank=True)
    survey_consent_withdrawn_at = models.DateTimeField(
        _("survey consent withdrawn"), null=True, blank=True
    )
    accessibility_consent_at = models.DateTimeField(
        _("consent to store accessibility needs"), null=True, blank=True
    )
    accessibility_needs = models.JSONField(_("accessibility needs"), default=list, blank=True)
    accessibility_note = models.CharField(_("medical or dietary note"), max_length=300, blank=True)
    ticket_revoked_at = models.DateTimeField(_("ticket revoked"), null=True, blank=True)

    class Meta:
        ordering = ["registration", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            # Special-category data only behind its own explicit consent.
            models.CheckConstraint(
                condition=Q(accessibility_consent_at__isnull=False)
                | (Q(accessibility_needs=[]) & Q(accessibility_note="")),
                name="accessibility_needs_need_consent",
            ),
        ]

    def __str__(self):
        return self.name


class EventKey(models.Model):
    """An Ed25519 key pair that signs an event's tickets. Several may be valid (rotation);
    the private half never leaves the server."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="ticket_keys")
    key_id = models.CharField(max_length=16, unique=True)
    private_key = models.BinaryField(editable=False)
    public_key = models.BinaryField(editable=False)
    is_active = models.BooleanField(default=True, help_text=_("Signs new tickets."))
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True, help_text=_("No longer verifies."))

    class Meta:
        ordering = ["event", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"], condition=Q(is_active=True), name="one_signing_key_per_event"
            )
        ]

    def __str__(self):
        return self.key_id


class CheckInResult(models.TextChoices):
    VALID = "valid", _("Valid")
    ALREADY = "already", _("Already checked in")
    INVALID = "invalid", _("Invalid")


class CheckInReason(models.TextChoices):
    """Why a scan is not green. Stored as a code, shown in the reader's language; the offline
    scanner (static/js/scanner.js) uses the same codes."""

    UNREADABLE = "unreadable", _("Not a ticket: the code cannot be read.")
    OTHER_EVENT = "other_event", _("This ticket is for another event.")
    RETIRED_KEY = "retired_key", _("Signed with a key that is no longer valid: issue a new ticket.")
    FORGED = "forged", _("Forged or altered ticket: the signature does not match.")
    UNKNOWN = "unknown", _("Unknown ticket.")
    CANCELLED = "cancelled", _("This ticket was cancelled.")
    NOT_CONFIRMED = "not_confirmed", _("This registration is not confirmed.")
    ALREADY = "already", _("Already checked in.")


class CheckIn(models.Model):
    """Every scan at the door, failed ones too, and those an offline scanner sent later."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="check_ins")
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="check_ins"
    )
    result = models.CharField(max_length=16, choices=CheckInResult.choices)
    # Long enough for the sentences stored before the codes, which stay as they were.
    reason = models.CharField(max_length=200, blank=True, choices=CheckInReason.choices)
    gate = models.CharField(_("gate"), max_length=60, blank=True)
    device = models.CharField(
        _("device"), max_length=64, blank=True, help_text=_("The scanner that read the ticket.")
    )
    scanned_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    scanned_at = models.DateTimeField(default=timezone.now)
    received_at = models.DateTimeField(
        default=timezone.now, help_text=_("Later than the scan when an offline scanner synced it.")
    )
    first_scan = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a repeated scan: the scan that counts."),
    )

    class Meta:
        ordering = ["-scanned_at", "-pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            # Two scanners at the same instant: the database lets exactly one be green.
            models.UniqueConstraint(
                fields=["participant"], condition=Q(result="valid"), name="one_valid_check_in"
            )
        ]

    def __str__(self):
        return f"{self.get_result_display()} {self.scanned_at:%Y-%m-%d %H:%M}"


class DataRequestAction(models.TextChoices):
    LOOK_UP = "look-up", _("Looked up what is held")
    EXPORT = "export", _("Exported the data")
    ERASE = "erase", _("Erased the data")


class DataRequest(models.Model):
    """A person's data request answered by an administrator of an event's lead organisation:
    who did what, when, for which address. The address is kept only as a keyed hash
    (registrations.data_requests.email_hash): the record proves the answer without keeping
    the data it erased."""

    organisation = models.ForeignKey(
        "events.Organisation", on_delete=models.PROTECT, related_name="data_requests"
    )
    handled_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    handled_at = models.DateTimeField(_("date"), default=timezone.now)
    email_hash = models.CharField(max_length=64, db_index=True, editable=False)
    action = models.CharField(_("action"), max_length=16, choices=DataRequestAction.choices)
    registrations = models.PositiveIntegerField(
        _("registrations"), default=0, help_text=_("How many registrations it concerned.")
    )

    class Meta:
        ordering = ["-handled_at", "-pk"]
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")

    def __str__(self):
        return f"{self.get_action_display()} {self.handled_at:%Y-%m-%d %H:%M}"
