import hashlib
import secrets
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField

from events.sports import Sport, sport_label
from sportevents.i18n import pick


class OrganisationKind(models.TextChoices):
    NOT_FOR_PROFIT = "not-for-profit", _("Not-for-profit organisation")
    PUBLIC_BODY = "public-body", _("Public body")
    SPORT_FEDERATION = "sport-federation", _("Sport federation")
    EDUCATION = "education", _("School or university")
    COMPANY = "company", _("Company")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    ORGANISER = "organiser", _("Organiser")
    VIEWER = "viewer", _("Viewer")


# Programme rule: only not-for-profit organisations and public bodies may lead a sport event.
LEAD_KINDS = frozenset({OrganisationKind.NOT_FOR_PROFIT, OrganisationKind.PUBLIC_BODY})


class OrganisationQuerySet(models.QuerySet):
    def looking_for_partners(self):
        return self.filter(looking_for_partners=True)

    def of_member(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)

    def with_sports(self):
        return self.prefetch_related("sports")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    country = CountryField(_("country"))
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    looking_for_partners = models.BooleanField(_("looking for partners"), default=False)
    partner_interests = models.TextField(
        _("partnership interests"),
        blank=True,
        help_text=_("What kind of partners and projects you are looking for."),
    )
    created_at = models.DateTimeField(_("date created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("date updated"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["looking_for_partners", "country"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("events:organisation", args=[self.slug])

    @property
    def can_lead_events(self) -> bool:
        return self.kind in LEAD_KINDS

    @property
    def sport_codes(self) -> list[str]:
        return [link.sport for link in self.sports.all()]

    @property
    def sport_labels(self) -> list[str]:
        return [sport_label(link.sport) for link in self.sports.all()]

    def role_of(self, user) -> str | None:
        if not user.is_authenticated:
            return None
        membership = self.memberships.filter(user=user).only("role").first()
        return membership.role if membership else None


class OrganisationSport(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sports")
    sport = models.CharField(_("sport"), max_length=32, choices=Sport.choices)

    class Meta:
        ordering = ["organisation", "sport"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "sport"], name="unique_sport_per_organisation"
            )
        ]

    def __str__(self):
        return self.get_sport_display()


class Membership(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(_("date joined"), auto_now_add=True)

    class Meta:
        ordering = ["organisation", "user__email"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_user")
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


INVITATION_VALIDITY = timedelta(days=14)


class Invitation(models.Model):
    """An invitation to join an organisation, sent by email. Only the token's hash is stored."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.ORGANISER)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("date sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expiry date"))
    accepted_at = models.DateTimeField(_("date accepted"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            # One open invitation per address and organisation; accepted ones are history.
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True),
                name="one_open_invitation_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    def set_token(self, token: str) -> None:
        self.token_hash = hash_token(token)
        self.created_at = timezone.now()
        self.expires_at = self.created_at + INVITATION_VALIDITY

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class Objective(models.TextChoices):
    """The one main objective of a not-for-profit sport event (Programme Guide)."""

    VOLUNTEERING = "volunteering", _("Volunteering in sport")
    SOCIAL_INCLUSION = "social-inclusion", _("Social inclusion through sport")
    EQUALITY = "equality", _("Fighting discrimination, incl. gender equality")
    HEALTHY_LIFESTYLES = "healthy-lifestyles", _("Healthy lifestyles for all")


class TargetGroup(models.TextChoices):
    CHILDREN = "children", _("Children")
    YOUNG_PEOPLE = "young-people", _("Young people")
    ADULTS = "adults", _("Adults")
    OLDER_PEOPLE = "older-people", _("Older people")
    DISABILITIES = "disabilities", _("People with disabilities")
    FEWER_OPPORTUNITIES = "fewer-opportunities", _("People with fewer opportunities")
    WOMEN_AND_GIRLS = "women-and-girls", _("Women and girls")
    VOLUNTEERS = "volunteers", _("Volunteers")
    COACHES = "coaches", _("Coaches and staff")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.COMPLETED, EventStatus.CANCELLED)


class EventFormat(models.TextChoices):
    """Formats of the Programme Guide, derived from an event's partners and venues."""

    EUROPEAN_WIDE = "european-wide", _("One European-wide event")
    LOCAL_TYPE_I = "local-type-1", _("European local events, type I")
    LOCAL_TYPE_II = "local-type-2", _("European local events, type II")
    LOCAL = "local", _("Local event in one country")


# People let in a minute by an event's waiting room. The default is generous: a small machine
# serves far more (README, "Registration rush"), so a line forms only in a real rush.
ADMISSION_RATE_DEFAULT = 120
ADMISSION_RATE_MAX = 6000


class EventQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status__in=PUBLIC_STATUSES)

    def published(self):
        return self.filter(status=EventStatus.PUBLISHED)

    def of_member(self, user):
        """Events whose lead or partner organisations the user belongs to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(partners__organisation__memberships__user=user).distinct()

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.public()
        member_ids = self.of_member(user).values("pk")
        return self.filter(Q(status__in=PUBLIC_STATUSES) | Q(pk__in=member_ids))

    def upcoming(self, today=None):
        return self.filter(ends_on__gte=today or timezone.localdate())

    def for_listing(self):
        return self.select_related("lead", "action").prefetch_related("sports")


RETENTION_MIN, RETENTION_MAX = settings.PERSONAL_DATA_RETENTION_MONTHS_RANGE


def default_retention_months() -> int:
    return settings.PERSONAL_DATA_RETENTION_MONTHS


class Event(models.Model):
    action = models.ForeignKey(
        "catalogue.Action",
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("funding action"),
    )
    lead = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_events",
        verbose_name=_("lead organisation"),
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title_i18n = models.JSONField(_("title"), default=dict)
    description_i18n = models.JSONField(_("description"), default=dict, blank=True)
    default_language = models.CharField(
        _("default language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # Titles and descriptions in every language, case-folded, for the search box.
    search_text = models.TextField(editable=False, default="")
    objective = models.CharField(_("main objective"), max_length=32, choices=Objective.choices)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    status = models.CharField(
        _("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)
    # The waiting room (registrations/waiting_room.py): off unless a rush is expected, so an
    # ordinary event's registration needs nothing but the database.
    waiting_room = models.BooleanField(
        _("waiting room"),
        default=False,
        help_text=_(
            "For a rush when registration opens: people beyond the admission rate wait in line, "
            "in the order they came, and the page lets them in when it is their turn."
        ),
    )
    admission_rate = models.PositiveIntegerField(
        _("admissions per minute"),
        default=ADMISSION_RATE_DEFAULT,
        validators=[MinValueValidator(1), MaxValueValidator(ADMISSION_RATE_MAX)],
        help_text=_("How many people the waiting room lets in to the registration form a minute."),
    )
    published_at = models.DateTimeField(_("date published"), null=True, blank=True)
    # The registrations' personal data is erased this many months after the last day
    # (registrations.retention); what the counts need stays.
    personal_data_retention_months = models.PositiveSmallIntegerField(
        _("keep personal data for (months after the event)"),
        default=default_retention_months,
        validators=[MinValueValidator(RETENTION_MIN), MaxValueValidator(RETENTION_MAX)],
        help_text=_(
            "Then the names, email addresses and other personal details of the registrations "
            "are erased; the anonymous counts stay."
        ),
    )
    # iCalendar SEQUENCE: raised by the planning services when the dates or the status change.
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    created_at = models.DateTimeField(_("date created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("date updated"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "slug"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["status", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="event_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=~Q(status=EventStatus.CANCELLED) | ~Q(cancellation_reason=""),
                name="cancelled_event_has_a_reason",
            ),
            models.CheckConstraint(
                condition=Q(personal_data_retention_months__gte=RETENTION_MIN)
                & Q(personal_data_retention_months__lte=RETENTION_MAX),
                name="event_retention_within_bounds",
            ),
            models.CheckConstraint(
                condition=Q(admission_rate__gte=1, admission_rate__lte=ADMISSION_RATE_MAX),
                name="event_admission_rate_in_range",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:event", args=[self.slug])

    @property
    def title(self) -> str:
        return pick(self.title_i18n, fallback=self.default_language)

    @property
    def description(self) -> str:
        return pick(self.description_i18n, fallback=self.default_language)

    @property
    def sport_codes(self) -> list[str]:
        return [link.sport for link in self.sports.all()]

    @property
    def sport_labels(self) -> list[str]:
        return [sport_label(link.sport) for link in self.sports.all()]

    @property
    def target_group_labels(self) -> list[str]:
        labels = dict(TargetGroup.choices)
        return [labels.get(code, code) for code in self.target_groups]

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES


class EventSport(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sports")
    sport = models.CharField(_("sport"), max_length=32, choices=Sport.choices)

    class Meta:
        ordering = ["event", "sport"]
        constraints = [
            models.UniqueConstraint(fields=["event", "sport"], name="unique_sport_per_event")
        ]

    def __str__(self):
        return self.get_sport_display()


class PartnerRole(models.TextChoices):
    LEAD = "lead", _("Lead organisation")
    PARTNER = "partner", _("Partner")
    ASSOCIATE = "associate", _("Associate partner")


class EventPartner(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partnerships"
    )
    role = models.CharField(
        _("role"), max_length=16, choices=PartnerRole.choices, default=PartnerRole.PARTNER
    )
    responsibilities = models.TextField(_("responsibilities"), blank=True)

    class Meta:
        ordering = ["event", "role", "organisation__name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organisation"], name="organisation_once_per_event"
            ),
            models.UniqueConstraint(
                fields=["event"], condition=Q(role="lead"), name="one_lead_per_event"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"

    @property
    def country(self):
        return self.organisation.country


class SessionKind(models.TextChoices):
    COMPETITION = "competition", _("Competition")
    TRAINING = "training", _("Training")
    WORKSHOP = "workshop", _("Workshop")
    SIDE_EVENT = "side-event", _("Side event")
    VOLUNTEER_TRAINING = "volunteer-training", _("Volunteer training")
    CEREMONY = "ceremony", _("Ceremony")


class Session(models.Model):
    """A programme item at a venue. Times are stored in UTC and shown in the venue's zone."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    venue = models.ForeignKey(
        "venues.Venue", on_delete=models.PROTECT, related_name="sessions", verbose_name=_("venue")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=SessionKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    # iCalendar SEQUENCE: raised by the planning services when the time or the place changes.
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    created_at = models.DateTimeField(_("date created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("date updated"), auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["venue", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="session_capacity_positive",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def zone(self):
        return ZoneInfo(self.venue.timezone)

    @property
    def local_start(self):
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self):
        return self.ends_at.astimezone(self.zone)


class Phase(models.TextChoices):
    PREPARATION = "preparation", _("Preparation")
    ORGANISATION = "organisation", pgettext_lazy("milestone phase", "Organisation")
    FOLLOW_UP = "follow-up", _("Follow-up")


class Milestone(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="milestones")
    phase = models.CharField(_("phase"), max_length=16, choices=Phase.choices)
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due date"))
    owner = models.ForeignKey(
        EventPartner,
        on_delete=models.PROTECT,
        related_name="milestones",
        verbose_name=_("owning partner"),
    )
    done_on = models.DateField(_("date done"), null=True, blank=True)
    # iCalendar SEQUENCE and LAST-MODIFIED of the milestone in the organisers' calendar feed.
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    updated_at = models.DateTimeField(_("date updated"), auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title

    def is_overdue(self, today=None) -> bool:
        return self.done_on is None and self.due_on < (today or timezone.localdate())


class SponsorTier(models.TextChoices):
    MAIN = "main", _("Main sponsor")
    SPONSOR = "sponsor", _("Sponsor")
    SUPPORTER = "supporter", _("Supporter")
    IN_KIND = "in-kind", _("In-kind partner")


class Sponsorship(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sponsorships")
    sponsor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sponsorships")
    tier = models.CharField(
        _("tier"), max_length=16, choices=SponsorTier.choices, default=SponsorTier.SPONSOR
    )
    created_at = models.DateTimeField(_("date created"), auto_now_add=True)

    class Meta:
        ordering = ["event", "tier", "sponsor__name"]
        verbose_name = _("sponsorship")
        verbose_name_plural = _("sponsorships")
        constraints = [
            models.UniqueConstraint(fields=["event", "sponsor"], name="sponsor_once_per_event")
        ]

    def __str__(self):
        return f"{self.sponsor} – {self.event}"


# The audit log -----------------------------------------------------------------------------


class ActorKind(models.TextChoices):
    """Who made a change: an account, or one of the parts that act without one."""

    USER = "user", _("Organiser")
    PARTICIPANT = "participant", _("Participant (form or own link)")
    SYSTEM = "system", _("System task")
    STRIPE = "stripe", _("Stripe webhook")
    DEVICE = "device", _("Door device")


class AuditObject(models.TextChoices):
    """What was changed: the kinds of rows whose changes are logged, by the model they are."""

    EVENT = "event", _("Event")
    PARTNER = "partner", _("Partner")
    SPONSORSHIP = "sponsorship", _("Sponsorship")
    SESSION = "session", _("Session")
    MILESTONE = "milestone", _("Milestone")
    VENUE = "venue", _("Venue")
    TICKET_TYPE = "ticket-type", _("Ticket type")
    REGISTRATION = "registration", _("Registration")
    CHECK_IN = "check-in", _("Check-in")
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")


class AuditAction(models.TextChoices):
    CREATED = "created", _("Created")
    CHANGED = "changed", _("Changed")
    DELETED = "deleted", _("Deleted")
    PUBLISHED = "published", _("Published")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", pgettext_lazy("audit action", "Cancelled")
    PROMOTED = "promoted", _("Promoted from the waiting list")
    CONFIRMED = "confirmed", pgettext_lazy("audit action", "Confirmed")
    HOLD_EXPIRED = "hold-expired", _("Held seats released")
    ERASED = "erased", _("Personal data erased")
    CHECKED_IN = "checked-in", pgettext_lazy("audit action", "Checked in")
    PAID = "paid", pgettext_lazy("audit action", "Paid")
    PAYMENT_FAILED = "payment-failed", _("Payment failed")
    EXPIRED = "expired", _("Checkout expired")
    REFUNDED = "refunded", _("Refund")


class AppendOnly(Exception):
    """Audit entries are written once and never changed or deleted by the application."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnly("Audit entries cannot be deleted.")

    def of_event(self, event):
        return self.filter(event=event).select_related("actor").order_by("-at", "-pk")


class AuditEntry(models.Model):
    """One change to an event or to something of it: when, by whom, what, and how it changed.

    `changes` is a list of {"field", "before", "after"}; a personal field appears by its name
    only ({"field": "email"}), never with its values (see events/audit.py). Entries go when
    their event goes; the account of the actor may go, the entry stays.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="audit_entries")
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor_kind = models.CharField(_("actor"), max_length=16, choices=ActorKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    device = models.CharField(_("device"), max_length=64, blank=True)
    object_type = models.CharField(_("object type"), max_length=16, choices=AuditObject.choices)
    object_id = models.CharField(_("object id"), max_length=40)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=AuditAction.choices)
    changes = models.JSONField(_("changes"), default=list, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["event", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.object_type} {self.object_id} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Audit entries cannot be deleted.")

    @property
    def actor_label(self) -> str:
        """Who, as the organisers read it: the person's name, the device, or the part."""
        if self.actor_kind == ActorKind.USER:
            return str(self.actor) if self.actor else str(_("A deleted account"))
        if self.actor_kind == ActorKind.DEVICE:
            device = _("Door device %(device)s") % {"device": self.device}
            return f"{device} ({self.actor})" if self.actor else device
        return str(self.get_actor_kind_display())
