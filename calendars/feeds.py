"""What each feed holds, read in a fixed number of queries whatever its size, and written by the
one iCalendar writer in events.ical."""

from collections import defaultdict
from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from events.ical import CalendarWriter, Status
from events.models import Event, Milestone
from registrations.models import Registration, RegistrationStatus

# Past events leave the public feed a year after their last day; calendars then drop them.
PUBLIC_HISTORY = timedelta(days=365)
PUBLIC_REFRESH_HOURS = 6
PERSONAL_REFRESH_HOURS = 1

# A registration only moves forward (waiting list or payment → confirmed → cancelled), and a new
# one adds its rank: the sum of ranks rises whenever what the feed shows of them changes.
RANK = {
    RegistrationStatus.WAITLISTED: 1,
    RegistrationStatus.PENDING_PAYMENT: 1,
    RegistrationStatus.CONFIRMED: 2,
    RegistrationStatus.CANCELLED: 3,
}


def with_programme(queryset):
    """Events with what the writer reads: the lead, the sports, the sessions and their venues."""
    return queryset.select_related("lead").prefetch_related("sports", "sessions__venue")


def event_calendar(event: Event) -> CalendarWriter:
    writer = CalendarWriter(
        name=event.title,
        description=_("The programme of %(title)s.") % {"title": event.title},
        refresh_hours=PERSONAL_REFRESH_HOURS,
    )
    writer.add_event(event)
    return writer


def public_events():
    since = timezone.localdate() - PUBLIC_HISTORY
    return Event.objects.public().filter(ends_on__gte=since)


def public_calendar(events) -> CalendarWriter:
    writer = CalendarWriter(
        name=_("Sport events – sportevents"),
        description=_("Not-for-profit sport events and their programmes."),
        refresh_hours=PUBLIC_REFRESH_HOURS,
    )
    for event in with_programme(events):
        writer.add_event(event)
    return writer


def participant_calendar_name() -> str:
    return _("My sport events – sportevents")


def participant_calendar(email: str) -> CalendarWriter:
    """The events registered for under `email`, however it was capitalised: confirmed ones as
    they are, a waiting list or an unpaid seat as tentative, cancelled registrations cancelled."""
    registrations = defaultdict(list)
    rows = Registration.objects.filter(email__iexact=email).values_list(
        "event_id", "status", "created_at", "cancelled_at"
    )
    for event_id, status, created_at, cancelled_at in rows:
        registrations[event_id].append((status, max(filter(None, (created_at, cancelled_at)))))
    writer = CalendarWriter(
        name=participant_calendar_name(),
        description=_("The events you registered for."),
        refresh_hours=PERSONAL_REFRESH_HOURS,
    )
    if not registrations:
        return writer
    for event in with_programme(Event.objects.filter(pk__in=registrations)):
        mine = registrations[event.pk]
        statuses = {status for status, _date in mine}
        if RegistrationStatus.CONFIRMED in statuses:
            status = None  # as the event itself is
        elif statuses - {RegistrationStatus.CANCELLED}:
            status = Status.TENTATIVE
        else:
            status = Status.CANCELLED
        writer.add_event(
            event,
            status=status,
            sequence=sum(RANK[state] for state, _date in mine),
            modified=max(date for _status, date in mine),
        )
    return writer


def member_calendar_name() -> str:
    return _("My organisations' events – sportevents")


def member_calendar(user) -> CalendarWriter:
    """The events of the user's organisations, drafts included, and their milestones."""
    events = with_programme(Event.objects.of_member(user)).prefetch_related(
        Prefetch("milestones", Milestone.objects.select_related("owner__organisation"))
    )
    writer = CalendarWriter(
        name=member_calendar_name(),
        description=_("Events, programme sessions and milestones of your organisations."),
        refresh_hours=PERSONAL_REFRESH_HOURS,
    )
    for event in events:
        writer.add_event(event)
        for milestone in event.milestones.all():
            writer.add_milestone(milestone, event)
    return writer
