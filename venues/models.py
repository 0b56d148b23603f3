from urllib.parse import quote

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Feature(models.TextChoices):
    """Accessibility features a venue offers; participants filter events by them."""

    STEP_FREE = "step-free", _("Step-free access")
    TOILETS = "accessible-toilets", _("Accessible toilets")
    HEARING_LOOP = "hearing-loop", _("Hearing loop")
    SIGN_LANGUAGE = "sign-language", _("Sign-language interpretation")
    QUIET_ROOM = "quiet-room", _("Quiet room")
    PARKING = "accessible-parking", _("Accessible parking")
    ADAPTED_EQUIPMENT = "adapted-equipment", _("Adapted equipment")
    SUPPORT_PERSON = "support-person", _("Free place for a support person")


class VenueQuerySet(models.QuerySet):
    def with_features(self):
        return self.prefetch_related("features")

    def of_organisations(self, organisation_ids):
        return self.filter(organisation_id__in=organisation_ids)


class Venue(models.Model):
    # A string reference keeps this app free of imports from the apps that use it.
    organisation = models.ForeignKey(
        "events.Organisation",
        on_delete=models.PROTECT,
        related_name="venues",
        verbose_name=_("owning organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    city = models.CharField(_("city"), max_length=120)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    country = CountryField(_("country"))
    timezone = models.CharField(_("time zone"), max_length=64)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("date created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("date updated"), auto_now=True)

    objects = VenueQuerySet.as_manager()

    class Meta:
        ordering = ["country", "city", "name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="venue_coordinates_both_and_in_range",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="venue_capacity_positive",
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.city}"

    @property
    def feature_codes(self) -> list[str]:
        return [link.feature for link in self.features.all()]

    @property
    def feature_labels(self) -> list[str]:
        return [link.get_feature_display() for link in self.features.all()]

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def map_url(self) -> str:
        """OpenStreetMap link: no external script on our pages."""
        if self.has_coordinates:
            return (
                f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
                f"#map=17/{self.latitude}/{self.longitude}"
            )
        query = quote(f"{self.address}, {self.postcode} {self.city}, {self.country.name}")
        return f"https://www.openstreetmap.org/search?query={query}"

    @property
    def full_address(self) -> str:
        parts = [self.address, f"{self.postcode} {self.city}".strip(), self.country.name]
        return ", ".join(part for part in parts if part)


class VenueFeature(models.Model):
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="features")
    feature = models.CharField(_("feature"), max_length=32, choices=Feature.choices)

    class Meta:
        ordering = ["venue", "feature"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "feature"], name="unique_feature_per_venue")
        ]

    def __str__(self):
        return self.get_feature_display()
