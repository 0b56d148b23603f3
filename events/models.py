import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from events.sports import Sport


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
        return [link.get_sport_display() for link in self.sports.all()]

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
