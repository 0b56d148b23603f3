"""What we keep only as long as it is needed: accessibility needs serve the door and are
deleted once the event is over (the consent record stays, with its time)."""

from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from registrations.models import Participant

# Staff may still need the notes on the last day, in any time zone: delete the day after.
NEEDS_KEPT_AFTER_EVENT = timedelta(days=1)


def forget_accessibility_needs(today: date | None = None) -> int:
    """Delete the accessibility needs and notes of every event that ended before yesterday;
    returns how many participants had some."""
    cutoff = (today or timezone.localdate()) - NEEDS_KEPT_AFTER_EVENT
    return (
        Participant.objects.filter(registration__event__ends_on__lt=cutoff)
        .exclude(Q(accessibility_needs=[]) & Q(accessibility_note=""))
        .update(accessibility_needs=[], accessibility_note="")
    )
