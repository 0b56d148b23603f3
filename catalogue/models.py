from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sportevents.i18n import pick


class Family(models.TextChoices):
    COOPERATION = "cooperation", _("Partnerships for Cooperation")
    EXCELLENCE = "excellence", _("Partnerships for Excellence")
    INNOVATION = "innovation", _("Partnerships for Innovation")
    CAPACITY_BUILDING = "capacity-building", _("Capacity Building")
    SPORT_EVENTS = "sport-events", _("Not-for-profit sport events")
    ONLINE_PLATFORMS = "online-platforms", _("Online platforms")


class Field(models.TextChoices):
    SCHOOL = "school", _("School education")
    VET = "vet", _("Vocational education and training")
    HIGHER = "higher", _("Higher education")
    ADULT = "adult", _("Adult education")
    YOUTH = "youth", _("Youth")
    SPORT = "sport", _("Sport")


class ActionQuerySet(models.QuerySet):
    def serving(self, field: str):
        return self.filter(fields__field=field)

    def with_fields(self):
        return self.prefetch_related("fields")


class Action(models.Model):
    """An Erasmus+ Key Action 2 action. Texts are kept per language: {"en": ..., "de": ...}."""

    SPORT_EVENTS_SLUG = "not-for-profit-sport-events"

    slug = models.SlugField(_("slug"), unique=True)
    family = models.CharField(_("family"), max_length=32, choices=Family.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_i18n = models.JSONField(_("name"), default=dict)
    summary_i18n = models.JSONField(_("summary"), default=dict)
    who_may_apply_i18n = models.JSONField(_("who may apply"), default=dict)
    guide_url = models.URLField(_("official programme guide"))
    is_grant = models.BooleanField(
        _("grant"), default=True, help_text=_("Online platforms are services, not grants.")
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalogue:detail", args=[self.slug])

    @property
    def name(self) -> str:
        return pick(self.name_i18n)

    @property
    def summary(self) -> str:
        return pick(self.summary_i18n)

    @property
    def who_may_apply(self) -> str:
        return pick(self.who_may_apply_i18n)

    @property
    def field_codes(self) -> list[str]:
        return [link.field for link in self.fields.all()]

    @property
    def field_labels(self) -> list[str]:
        return [link.get_field_display() for link in self.fields.all()]


class ActionField(models.Model):
    """A field of education, training, youth or sport that an action serves."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="fields")
    field = models.CharField(_("field"), max_length=16, choices=Field.choices)

    class Meta:
        ordering = ["action", "field"]
        constraints = [
            models.UniqueConstraint(fields=["action", "field"], name="unique_field_per_action")
        ]

    def __str__(self):
        return self.get_field_display()
