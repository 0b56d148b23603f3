"""What we keep only as long as it is needed, run daily by Celery beat (CELERY_BEAT_SCHEDULE):

- Accessibility needs serve the door: deleted the day after the event (the consent record
  stays, with its time).
- The personal data of an event's registrations serves the event and its follow-up: erased
  `Event.personal_data_retention_months` after the event's last day, by the same anonymisation
  as an erasure on request (registrations.privacy), so the counts by country, role, gender,
  age group, status and check-in stay. The consent records stay too, with their time and text
  version, tied to no one.
- Survey answers follow the surveys' own rules (surveys.services.close_waves): kept under a
  pseudonym, whose tie to the participant is deleted once the event's last wave closes. An
  erased registration gets no more survey invitations.
"""

import calendar
import logging
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from events.audit import SYSTEM
from events.models import Event
from registrations import audit, privacy
from registrations.models import Participant, Registration

log = logging.getLogger(__name__)

# Staff may still need the notes on the last day, in any time zone: delete the day after.
NEEDS_KEPT_AFTER_EVENT = timedelta(days=1)
# The shortest retention period (one month) is never shorter than this.
SHORTEST_MONTH = timedelta(days=28)


def forget_accessibility_needs(today: date | None = None) -> int:
    """Delete the accessibility needs and notes of every event that ended before yesterday;
    returns how many participants had some."""
    cutoff = (today or timezone.localdate()) - NEEDS_KEPT_AFTER_EVENT
    with transaction.atomic():
        holding = Participant.objects.filter(registration__event__ends_on__lt=cutoff).exclude(
            Q(accessibility_needs=[]) & Q(accessibility_note="")
        )
        registrations = list(
            Registration.objects.filter(pk__in=holding.values("registration_id"))
            .only("pk", "event_id", "reference")
            .order_by("pk")
        )
        forgotten = holding.update(accessibility_needs=[], accessibility_note="")
        audit.needs_forgotten(registrations)
    return forgotten


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day if it is shorter (31 Jan → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def erasure_day(event: Event) -> date:
    """The day the event's personal data is erased: its retention period after the last day."""
    return add_months(event.ends_on, event.personal_data_retention_months)


def erase_expired_personal_data(today: date | None = None) -> dict[str, int]:
    """Erase the personal data of the registrations of every event whose retention period is
    over. Idempotent: erased registrations are left as they are. Returns the counts."""
    today = today or timezone.localdate()
    now = timezone.now()
    totals = {"events": 0, "registrations": 0, "participants": 0}
    candidates = (
        Event.objects.filter(
            ends_on__lte=today - SHORTEST_MONTH,
            pk__in=Registration.objects.filter(erased_at__isnull=True).values("event_id"),
        )
        .only("pk", "slug", "ends_on", "starts_on", "personal_data_retention_months")
        .order_by("ends_on", "pk")
    )
    for event in candidates:
        if erasure_day(event) > today:
            continue
        registrations, participants = _erase_event(event, now=now)
        log.info(
            "Retention: erased the personal data of %d registrations (%d participants) of "
            "event %s, %d months after it ended on %s",
            registrations,
            participants,
            event.slug,
            event.personal_data_retention_months,
            event.ends_on,
        )
        totals["events"] += 1
        totals["registrations"] += registrations
        totals["participants"] += participants
    return totals


@transaction.atomic
def _erase_event(event: Event, *, now) -> tuple[int, int]:
    """One event's registrations, all or none."""
    registrations = list(
        Registration.objects.select_for_update()
        .filter(event=event, erased_at__isnull=True)
        .order_by("pk")
    )
    participants = 0
    for registration in registrations:
        registration.event = event
        people = privacy.anonymise_registration(registration, now=now, on_request=False)
        audit.erased(registration, actor=SYSTEM, on_request=False)
        participants += len(people)
    return len(registrations), participants
