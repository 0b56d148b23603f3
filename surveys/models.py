"""Impact surveys, stored apart from identity (domain.md §4–§7).

- `SurveyPlan`: an event's survey settings (follow-up delay, whether the short experience wave
  runs).
- `Wave`: one wave of one event's survey (T0 baseline, T1 experience, T2 follow-up), open from
  `opens_at`, closed at `closed_at`; answers are given against one instrument version.
- `Respondent`: a random pseudonym per participant and event. Answers hang off it, never off a
  person. `withdrawn_at` removes its answers from every summary computed afterwards.
- `RespondentLink`: the only tie between a participant and a pseudonym, in its own table; a task
  deletes the event's links once its last wave closes. After that no one can say whose answers
  they are.
- `Invitation`: one per respondent and wave (a unique constraint: never two invitations for one
  wave), with the hash of its signed, expiring link and the reminders sent.
- `Response`: the answers of one respondent in one wave. The raw answers stay in `answers`; the
  scored outcomes are columns, so that summaries aggregate in the database.
- `Snapshot`: a published, immutable summary of closed waves, with the disclosure rules applied:
  the only thing sponsors ever see.
"""

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_pseudonym() -> str:
    return secrets.token_hex(16)


class WaveKind(models.TextChoices):
    BASELINE = "t0", _("Baseline (before the event)")
    EXPERIENCE = "t1", _("Experience (right after the event)")
    FOLLOW_UP = "t2", _("Follow-up (weeks after the event)")


class SurveyPlan(models.Model):
    event = models.OneToOneField(
        "events.Event", on_delete=models.CASCADE, related_name="survey_plan"
    )
    follow_up_weeks = models.PositiveSmallIntegerField(_("follow-up after (weeks)"), default=12)
    experience_wave = models.BooleanField(
        _("short experience survey after the event"), default=True
    )

    class Meta:
        verbose_name = _("survey plan")
        verbose_name_plural = _("survey plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_weeks__gte=1) & Q(follow_up_weeks__lte=104),
                name="follow_up_within_two_years",
            )
        ]

    def __str__(self):
        return f"{self.event} ({self.follow_up_weeks} weeks)"


class Wave(models.Model):
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="waves")
    kind = models.CharField(_("wave"), max_length=2, choices=WaveKind.choices)
    instrument_version = models.CharField(_("instrument version"), max_length=20)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["event", "kind"]
        verbose_name = _("survey wave")
        verbose_name_plural = _("survey waves")
        constraints = [
            models.UniqueConstraint(fields=["event", "kind"], name="one_wave_of_each_kind"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="wave_closes_after_opening"
            ),
        ]

    def __str__(self):
        return f"{self.event} {self.kind}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.closed_at is None and self.opens_at <= now < self.closes_at


class Respondent(models.Model):
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="respondents")
    pseudonym = models.CharField(max_length=32, unique=True, default=new_pseudonym, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")

    def __str__(self):
        return self.pseudonym[:8]


class RespondentLink(models.Model):
    """Who a pseudonym is: deleted for the whole event when its last wave closes."""

    respondent = models.OneToOneField(Respondent, on_delete=models.CASCADE, related_name="link")
    participant = models.OneToOneField(
        "registrations.Participant", on_delete=models.CASCADE, related_name="survey_link"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("respondent link")
        verbose_name_plural = _("respondent links")

    def __str__(self):
        return f"{self.respondent} ↔ {self.participant_id}"


class Invitation(models.Model):
    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="invitations")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=8)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminder_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(fields=["respondent", "wave"], name="one_invitation_per_wave")
        ]

    def __str__(self):
        return f"{self.respondent} {self.wave.kind}"


class Response(models.Model):
    """One respondent's answers in one wave. Scores are computed by the instrument's code when
    the answers are saved (never typed in), and are never shown to anyone per person."""

    respondent = models.ForeignKey(Respondent, on_delete=models.CASCADE, related_name="responses")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    instrument_version = models.CharField(max_length=20)
    submitted_at = models.DateTimeField(default=timezone.now)
    answers = models.JSONField(default=dict)

    # Scored outcomes (null: not asked in this wave, or not answered).
    who5 = models.PositiveSmallIntegerField(null=True, blank=True)  # 0-100
    active_days = models.PositiveSmallIntegerField(null=True, blank=True)  # 0-7
    health_good = models.BooleanField(null=True, blank=True)  # very good or good
    limited = models.BooleanField(null=True, blank=True)  # GALI: limited (severely or not)
    ucla3 = models.PositiveSmallIntegerField(null=True, blank=True)  # 3-9
    lonely_often = models.BooleanField(null=True, blank=True)  # often or always
    fewer_opportunities = models.BooleanField(null=True, blank=True)  # any barrier category
    felt_welcome = models.BooleanField(null=True, blank=True)
    met_other_countries = models.BooleanField(null=True, blank=True)
    intend_active = models.BooleanField(null=True, blank=True)
    joined_club = models.BooleanField(null=True, blank=True)
    new_activity = models.BooleanField(null=True, blank=True)
    volunteered = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(fields=["respondent", "wave"], name="one_response_per_wave"),
            models.CheckConstraint(
                condition=Q(who5__isnull=True) | Q(who5__lte=100), name="who5_in_range"
            ),
            models.CheckConstraint(
                condition=Q(active_days__isnull=True) | Q(active_days__lte=7),
                name="active_days_in_range",
            ),
            models.CheckConstraint(
                condition=Q(ucla3__isnull=True) | (Q(ucla3__gte=3) & Q(ucla3__lte=9)),
                name="ucla3_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.respondent} {self.wave.kind}"


class SnapshotScope(models.TextChoices):
    EVENT = "event", _("Event")
    SPONSOR = "sponsor", _("Sponsor")


class Snapshot(models.Model):
    """A published summary: immutable once saved (the service never updates one; a newer
    snapshot replaces it in the pages). `tables` holds the disclosed figures only."""

    scope = models.CharField(max_length=8, choices=SnapshotScope.choices)
    event = models.ForeignKey(
        "events.Event", on_delete=models.PROTECT, related_name="snapshots", null=True, blank=True
    )
    sponsor = models.ForeignKey(
        "events.Organisation",
        on_delete=models.PROTECT,
        related_name="impact_snapshots",
        null=True,
        blank=True,
    )
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    instrument_versions = models.JSONField(default=dict)  # {wave kind: version}
    waves = models.JSONField(default=list)  # the closed waves it summarises
    tables = models.JSONField()  # the disclosed summary, ready to render

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("impact snapshot")
        verbose_name_plural = _("impact snapshots")
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="event") & Q(event__isnull=False))
                | (Q(scope="sponsor") & Q(sponsor__isnull=False)),
                name="snapshot_has_its_subject",
            )
        ]

    def __str__(self):
        return f"{self.scope} {self.event_id or self.sponsor_id} {self.published_at:%Y-%m-%d}"
