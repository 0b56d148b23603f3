"""What each feed holds, read in a fixed number of queries whatever its size, and written by the
one iCalendar writer in events.ical."""

from collections import defaultdict
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from events.ical import CalendarWriter, Status
from events.models import Event, EventSport, Milestone, Session
from registrations.models import Registration, RegistrationStatus
from venues.models import Venue

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


class SessionRow(NamedTuple):
    """What the writer reads of a session, without the weight of a model instance."""

    pk: int
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    sequence: int
    updated_at: datetime
    venue: Venue


SESSION_COLUMNS = ("pk", "title", "kind", "starts_at", "ends_at", "sequence", "updated_at")
# What the writer reads of an event (events/ical.py). The rest stays in the database: the search
# text (every language's title and description, folded), the target groups, and so on.
EVENT_FIELDS = (
    "slug",
    "title_i18n",
    "description_i18n",
    "default_language",
    "objective",
    "starts_on",
    "ends_on",
    "status",
    "cancellation_reason",
    "sequence",
    "updated_at",
    "lead",
)


def programmes(events) -> list[tuple[Event, list[SessionRow], list[str]]]:
    """Each event of the queryset `events` with its sessions and sport codes, in five queries
    however many there are: events, their leads (each loaded once), sessions, venues, sports.
    Sessions are read as rows: a feed of 20,000 of them stays small in memory."""
    rows = list(events.only(*EVENT_FIELDS).prefetch_related("lead"))
    chosen = events.values("pk")
    venues = Venue.objects.filter(
        pk__in=Session.objects.filter(event__in=chosen).values("venue_id")
    ).in_bulk()
    sessions: dict[int, list] = defaultdict(list)
    session_rows = (
        Session.objects.filter(event__in=chosen)
        .order_by("starts_at", "pk")
        .values_list("event_id", "venue_id", *SESSION_COLUMNS)
    )
    for event_id, venue_id, *columns in _rows(session_rows):
        sessions[event_id].append(SessionRow(*columns, venue=venues[venue_id]))
    sports: dict[int, list[str]] = defaultdict(list)
    for event_id, sport in (
        EventSport.objects.filter(event__in=chosen)
        .order_by("sport")
        .values_list("event_id", "sport")
    ):
        sports[event_id].append(sport)
    return [(event, sessions[event.pk], sports[event.pk]) for event in rows]


def _rows(values_list, chunk: int = 2000):
    """The rows of a values_list() of plain columns. On PostgreSQL they come in one result (a
    feed's 20,000 sessions take a few MB there) and are made into tuples a chunk at a time; its
    timestamps are read by psycopg's own loader: Django's wraps it in Python to set the time
    zone, and a feed's 60,000 session times took 0.2 s of its second that way. The connection's
    time zone is UTC (Django sets it), so psycopg's gives the same aware datetimes in UTC."""
    if connection.vendor != "postgresql":
        yield from values_list.iterator(chunk_size=chunk)
        return
    import psycopg

    timestamptz = psycopg.postgres.types["timestamptz"].oid
    sql, params = values_list.query.sql_with_params()
    with connection.cursor() as cursor:
        loader = psycopg.adapters.get_loader(timestamptz, psycopg.pq.Format.TEXT)
        cursor.cursor.adapters.register_loader(timestamptz, loader)
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk):
            yield from rows


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
    for event, sessions, sports in programmes(events):
        writer.add_event(event, sessions=sessions, sports=sports)
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
    for event, sessions, sports in programmes(Event.objects.filter(pk__in=registrations)):
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
            sessions=sessions,
            sports=sports,
            status=status,
            sequence=sum(RANK[state] for state, _date in mine),
            modified=max(date for _status, date in mine),
        )
    return writer


def member_calendar_name() -> str:
    return _("My organisations' events – sportevents")


def member_calendar(user) -> CalendarWriter:
    """The events of the user's organisations, drafts included, and their milestones."""
    events = Event.objects.of_member(user)
    milestones = defaultdict(list)
    for milestone in Milestone.objects.filter(event__in=events.values("pk")).select_related(
        "owner__organisation"
    ):
        milestones[milestone.event_id].append(milestone)
    writer = CalendarWriter(
        name=member_calendar_name(),
        description=_("Events, programme sessions and milestones of your organisations."),
        refresh_hours=PERSONAL_REFRESH_HOURS,
    )
    for event, sessions, sports in programmes(events):
        writer.add_event(event, sessions=sessions, sports=sports)
        for milestone in milestones[event.pk]:
            writer.add_milestone(milestone, event)
    return writer
