"""When an event's survey waves open and close (domain.md §4), created by `ensure_waves` when an
event is published or on first need (a registration, the daily task).

- T0 (baseline): from publication (or now) until the event starts.
- T1 (experience, if the plan has it): from the event's end, for 14 days.
- T2 (follow-up): `follow_up_weeks` after the event's end, for 28 days.

The event starts with its first session (else at midnight of its first day in the lead
organisation's time zone) and ends with its last session (else at the end of its last day).
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone

from events.models import Event
from surveys.instruments import VERSION
from surveys.models import SurveyPlan, Wave, WaveKind
from venues.timezones import suggested_zone

EXPERIENCE_DAYS = 14
FOLLOW_UP_DAYS = 28
BASELINE_INVITATION_BEFORE = timedelta(days=14)


def event_window(event: Event) -> tuple[datetime, datetime]:
    span = event.sessions.aggregate(start=Min("starts_at"), end=Max("ends_at"))
    zone = ZoneInfo(suggested_zone(event.lead.country) or "UTC")
    start = span["start"] or datetime.combine(event.starts_on, time.min, zone)
    end = span["end"] or datetime.combine(event.ends_on + timedelta(days=1), time.min, zone)
    return start, end


def planned_windows(event: Event, plan: SurveyPlan, now: datetime) -> dict[str, tuple]:
    start, end = event_window(event)
    # Open from publication; an event published (or surveyed) late still gets a valid window.
    opens = min(event.published_at or now, now, start - timedelta(days=1))
    windows = {WaveKind.BASELINE: (opens, start)}
    if plan.experience_wave:
        windows[WaveKind.EXPERIENCE] = (end, end + timedelta(days=EXPERIENCE_DAYS))
    follow_up = end + timedelta(weeks=plan.follow_up_weeks)
    windows[WaveKind.FOLLOW_UP] = (follow_up, follow_up + timedelta(days=FOLLOW_UP_DAYS))
    return windows


def ensure_waves(event: Event, now: datetime | None = None) -> dict[str, Wave]:
    """The event's waves by kind, created with the plan's defaults where missing. Safe to call
    from two requests at once: the unique (event, kind) constraint decides, the loser reads."""
    now = now or timezone.now()
    waves = {wave.kind: wave for wave in Wave.objects.filter(event=event)}
    plan, _created = SurveyPlan.objects.get_or_create(event=event)
    wanted = planned_windows(event, plan, now)
    for kind, (opens, closes) in wanted.items():
        if kind in waves:
            continue
        try:
            with transaction.atomic():
                waves[kind] = Wave.objects.create(
                    event=event,
                    kind=kind,
                    instrument_version=VERSION,
                    opens_at=opens,
                    closes_at=closes,
                )
        except IntegrityError:
            waves[kind] = Wave.objects.get(event=event, kind=kind)
    return waves
