"""Accessibility needs serve the door: the daily task deletes them once the event is over."""

from datetime import date

import time_machine
from django.conf import settings

from registrations import tasks
from registrations.models import Participant


def _with_needs(person, **fields):
    return person(
        accessibility_consent=True,
        accessibility_needs=["step-free", "quiet-room"],
        accessibility_note="Nut allergy",
        **fields,
    )


def test_needs_stay_until_the_day_after_the_event_then_go(free_ticket, sign_up, person):
    # Move Together Week ends on 30 September 2027.
    outcome = sign_up(free_ticket, participants=[_with_needs(person)])
    participant = Participant.objects.get(registration=outcome.registration)

    with time_machine.travel(date(2027, 10, 1)):
        assert tasks.forget_accessibility_needs.delay().get() == 0
    participant.refresh_from_db()
    assert participant.accessibility_needs == ["step-free", "quiet-room"]

    with time_machine.travel(date(2027, 10, 2)):
        assert tasks.forget_accessibility_needs.delay().get() == 1
    participant.refresh_from_db()
    assert participant.accessibility_needs == []
    assert participant.accessibility_note == ""
    # The consent itself is a record of what the person agreed to, and when: it stays.
    assert participant.accessibility_consent_at is not None
    assert participant.name == "Ayşe Yılmaz"


def test_needs_of_other_events_and_people_without_needs_are_untouched(free_ticket, sign_up, person):
    with_needs = sign_up(free_ticket, participants=[_with_needs(person)])
    without = sign_up(free_ticket)
    with time_machine.travel(date(2027, 9, 15)):  # before the event
        assert tasks.forget_accessibility_needs.delay().get() == 0
    assert Participant.objects.get(registration=with_needs.registration).accessibility_note
    with time_machine.travel(date(2028, 1, 1)):
        assert tasks.forget_accessibility_needs.delay().get() == 1
        # Run again: nothing left to delete, nothing breaks.
        assert tasks.forget_accessibility_needs.delay().get() == 0
    assert Participant.objects.get(registration=without.registration).accessibility_needs == []


def test_the_task_is_scheduled_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["forget-accessibility-needs"]
    assert entry["task"] == tasks.forget_accessibility_needs.name
    assert entry["schedule"].hour == {3}
