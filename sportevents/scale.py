"""Scale data for the benchmarks: many events, registrations and survey answers, made fast.

`seed_scale(events=1000, registrations=100_000, responses=50_000)` fills the configured database
with rows that look like a busy season, so that pages, the API, the door, the calendar feed and
the impact summary can be measured at the size they must bear:

- `events` events of 100 organisations at 40 venues in 8 time zones, each with a lead and a
  partner from another country, one or two sports, `sessions_per_event` programme sessions and
  one free ticket type; most are published, some completed, cancelled or still drafts.
- `IMPACT_EVENT`, a completed event whose first `responses` registrations were checked in and
  answered the baseline and the follow-up survey (two responses each, waves closed): the impact
  summary's data.
- `DOOR_EVENT`, a published event holding half of the other registrations, none checked in yet,
  with `ORGANISER` as its lead organisation's organiser: the check-in benchmark's door.
- the other registrations spread over the remaining public events, one participant each.

Rows are made with bulk_create, not the services: the services' rules (seat counters equal to
the seats held, one participant per seat, one green check-in per ticket, one response per
respondent and wave) are kept by hand, and `manage.py check_integrity` passes on the result.

Everything made here carries the `PREFIX` in its slugs and addresses, and seeding again first
removes what an earlier run made. A database that holds anything else (people, organisations,
events) is refused unless `force` is given: then the scale data is added beside it, and nothing
that is not the scale data's is changed.
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from catalogue.models import Action
from events.models import (
    Event,
    EventPartner,
    EventSport,
    EventStatus,
    Membership,
    Objective,
    Organisation,
    Role,
    Session,
    Sponsorship,
)
from events.sports import Sport
from registrations.models import Participant, Registration, TicketType
from sportevents.errors import DomainError
from surveys.models import Response, Wave
from venues.models import Feature, Venue, VenueFeature

PREFIX = "seed-scale-"
DOOR_EVENT = f"{PREFIX}door"
IMPACT_EVENT = f"{PREFIX}impact"
ORGANISER = f"organiser@{PREFIX}example.org"
BATCH = 5000
ZONES = [
    ("PT", "Europe/Lisbon"),
    ("FI", "Europe/Helsinki"),
    ("TR", "Europe/Istanbul"),
    ("DE", "Europe/Berlin"),
    ("IE", "Europe/Dublin"),
    ("ES", "Atlantic/Canary"),
    ("PT", "Atlantic/Azores"),
    ("GR", "Europe/Athens"),
]
COUNTRIES = ["TR", "PT", "FI", "DE", "ES", "FR", "IT", "PL", "NL", "BE"]
SPORTS = Sport.values
FEATURES = Feature.values
OBJECTIVES = Objective.values


@dataclass(frozen=True)
class ScaleFigures:
    events: int
    sessions: int
    registrations: int
    responses: int
    seconds: float
    made: bool  # False: the same scale data was there already


def real_data_present() -> bool:
    """Anything in the database that the scale data did not make (the catalogue aside)."""
    return (
        get_user_model().objects.exclude(email__endswith=f"@{PREFIX}example.org").exists()
        or Organisation.objects.exclude(slug__startswith=PREFIX).exists()
        or Event.objects.exclude(slug__startswith=PREFIX).exists()
    )


def _present() -> tuple[int, int, int, int]:
    events = Event.objects.filter(slug__startswith=PREFIX)
    return (
        events.count(),
        Session.objects.filter(event__in=events).count(),
        Registration.objects.filter(event__in=events).count(),
        Response.objects.filter(wave__event__in=events).count(),
    )


def seed_scale(
    *,
    events: int,
    registrations: int,
    responses: int,
    sessions_per_event: int = 4,
    force: bool = False,
) -> ScaleFigures:
    """Fill the database, or leave it as it is when it holds this very scale data already."""
    if connection.vendor != "postgresql":
        raise DomainError("Scale data is made in PostgreSQL only: set DATABASE_URL.")
    if min(events, registrations, responses, sessions_per_event) < 0:
        raise DomainError("Sizes cannot be negative.")
    if registrations and events < 3:
        raise DomainError(
            "Registrations need at least 3 events (the door, the impact event, one more)."
        )
    if responses > registrations:
        raise DomainError("Every survey respondent is a registration: responses ≤ registrations.")
    started = time.perf_counter()
    wanted = (events, events * sessions_per_event, registrations, 2 * responses)
    present = _present()
    if present == wanted:
        return ScaleFigures(*wanted[:3], wanted[3], seconds=0.0, made=False)
    if present[0]:
        raise DomainError(
            f"The database {connection.settings_dict['NAME']} holds scale data of another size "
            f"({present[0]} events, {present[2]} registrations): make it in a new database."
        )
    if real_data_present() and not force:
        raise DomainError(
            f"The database {connection.settings_dict['NAME']} holds data that is not scale data "
            "(people, organisations or events). Use a database made for benchmarks, or add "
            "--force to add the scale data beside it."
        )
    with transaction.atomic():
        built = _Builder(events, sessions_per_event)
        built.registrations(registrations, responses)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # plans for the new sizes, as a live database would have
    return ScaleFigures(
        *_present()[:3],
        responses=_present()[3],
        seconds=round(time.perf_counter() - started, 1),
        made=True,
    )


class _Builder:
    def __init__(self, count: int, sessions_per_event: int):
        self.today = timezone.localdate()
        action = Action.objects.get(slug=Action.SPORT_EVENTS_SLUG)
        self.organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Club {n}, Sport for all",
                slug=f"{PREFIX}club-{n}",
                country=COUNTRIES[n % len(COUNTRIES)],
                kind="not-for-profit",
                looking_for_partners=n % 3 == 0,
                description="A not-for-profit sport club.",
            )
            for n in range(100)
        )
        venues = Venue.objects.bulk_create(
            Venue(
                organisation=self.organisations[n],
                name=f"Hall {n}",
                address=f"Street {n}, 1",
                city=f"City {n % 8}",
                country=ZONES[n % 8][0],
                timezone=ZONES[n % 8][1],
                latitude=38 + n / 100,
                longitude=-9 + n / 100,
            )
            for n in range(40)
        )
        VenueFeature.objects.bulk_create(
            VenueFeature(venue=venue, feature=FEATURES[(n + k) % len(FEATURES)])
            for n, venue in enumerate(venues)
            for k in range(n % 3)
        )
        self.events = Event.objects.bulk_create(self._event(n, action) for n in range(count))
        EventPartner.objects.bulk_create(
            partner
            for n, event in enumerate(self.events)
            for partner in (
                EventPartner(event=event, organisation=event.lead, role="lead"),
                EventPartner(
                    event=event, organisation=self.organisations[(n + 7) % 100], role="partner"
                ),
            )
        )
        EventSport.objects.bulk_create(
            EventSport(event=event, sport=SPORTS[(n + k) % len(SPORTS)])
            for n, event in enumerate(self.events)
            for k in range(1 + n % 2)
        )
        Sponsorship.objects.bulk_create(
            Sponsorship(event=event, sponsor=self.organisations[(n + 13) % 100], tier="main")
            for n, event in enumerate(self.events)
            if n % 5 == 0
        )
        self.session_count = 0
        for start in range(0, count, BATCH // max(1, sessions_per_event)):
            chunk = self.events[start : start + BATCH // max(1, sessions_per_event)]
            made = Session.objects.bulk_create(
                self._session(start + n, event, k, venues)
                for n, event in enumerate(chunk)
                for k in range(sessions_per_event)
            )
            self.session_count += len(made)
        self.ticket_types = {
            ticket.event_id: ticket
            for ticket in TicketType.objects.bulk_create(
                TicketType(event=event, name="Entry", capacity=1) for event in self.events
            )
        }
        organiser = get_user_model().objects.create_user(email=ORGANISER, password=None)
        door_lead = self.events[0].lead if self.events else self.organisations[0]
        Membership.objects.create(organisation=door_lead, user=organiser, role=Role.ORGANISER)

    def _event(self, n: int, action: Action) -> Event:
        """Event 0 is the door, event 1 the completed impact event; of the others one in ten
        is over, one in twenty cancelled, one in twenty-five a draft."""
        slug, status, first = f"{PREFIX}event-{n:05d}", EventStatus.PUBLISHED, n % 365
        if n == 0:
            slug, first = DOOR_EVENT, 0
        elif n == 1:
            slug, status, first = IMPACT_EVENT, EventStatus.COMPLETED, -120
        elif n % 10 == 3:
            status, first = EventStatus.COMPLETED, -(n % 300) - 10
        elif n % 20 == 7:
            status = EventStatus.CANCELLED
        elif n % 25 == 11:
            status = EventStatus.DRAFT
        title = f"Sport event {n}, for everyone"
        description = "Run, walk, swim.\nEveryone is welcome. " * 4
        starts_on = self.today + timedelta(days=first)
        return Event(
            action=action,
            lead=self.organisations[n % 100],
            slug=slug,
            title_i18n={"en": title, "de": f"Sportveranstaltung {n} für alle"},
            description_i18n={"en": description},
            search_text=f"{title} sportveranstaltung {n} für alle {description}".casefold(),
            objective=OBJECTIVES[n % len(OBJECTIVES)],
            target_groups=["adults", "young-people"][: 1 + n % 2],
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=2),
            status=status,
            cancellation_reason="The venue is flooded." if status == EventStatus.CANCELLED else "",
            published_at=None if status == EventStatus.DRAFT else timezone.now(),
        )

    def _session(self, n: int, event: Event, k: int, venues: list[Venue]) -> Session:
        day = datetime.combine(event.starts_on, datetime.min.time(), UTC)
        return Session(
            event=event,
            venue=venues[(n + k) % len(venues)],
            title=f"Session {k + 1}",
            kind="training",
            starts_at=day + timedelta(days=k % 3, hours=8 + 2 * k),
            ends_at=day + timedelta(days=k % 3, hours=9 + 2 * k),
            languages=["en"],
        )

    def registrations(self, count: int, responses: int) -> None:
        """`responses` registrations for the impact event, half the rest for the door, the
        rest spread over the other public events; ticket types hold exactly their seats."""
        door, impact, *others = self.events if count else (None, None)
        plan = []
        if count:
            spread = [e for e in others if e.status in (EventStatus.PUBLISHED, "completed")]
            rest = count - responses
            at_door = rest if not spread else rest // 2
            plan = [(impact, responses), (door, at_door)]
            left = rest - at_door
            plan += [
                (event, left // len(spread) + (1 if i < left % len(spread) else 0))
                for i, event in enumerate(spread)
            ]
        seats = {self.ticket_types[event.pk].pk: n for event, n in plan}
        for ticket in self.ticket_types.values():
            ticket.taken = seats.get(ticket.pk, 0)
            ticket.capacity = max(100, ticket.taken + ticket.taken // 10)
        TicketType.objects.bulk_update(self.ticket_types.values(), ["taken", "capacity"])
        if not count:
            return
        firsts = [0]
        for _event, n in plan:
            firsts.append(firsts[-1] + n)
        baseline, follow_up = self._survey_waves(impact) if responses else (None, None)
        with connection.cursor() as cursor:
            cursor.execute(
                REGISTRATIONS,
                {
                    "events": [event.pk for event, _n in plan],
                    "tickets": [self.ticket_types[event.pk].pk for event, _n in plan],
                    "firsts": firsts[:-1],
                    "lasts": firsts[1:],
                    "impact": impact.pk,
                    "scanned": datetime.combine(impact.starts_on, datetime.min.time(), UTC)
                    + timedelta(hours=9),
                    "domain": f"@{PREFIX}example.org",
                    "countries": COUNTRIES,
                },
            )
            if responses:
                cursor.execute(RESPONDENTS, {"event": impact.pk, "people": responses})
                cursor.execute(
                    RESPONSES,
                    {"event": impact.pk, "baseline": baseline.pk, "follow_up": follow_up.pk},
                )

    def _survey_waves(self, event: Event) -> tuple[Wave, Wave]:
        """The impact event's three waves, closed: the baseline and the follow-up are answered."""
        opened = datetime.combine(event.starts_on, datetime.min.time(), UTC) - timedelta(weeks=4)
        waves = {}
        for number, kind in enumerate(("t0", "t1", "t2")):
            opens = opened + timedelta(weeks=8 * number)
            waves[kind] = Wave.objects.create(
                event=event,
                kind=kind,
                instrument_version="2026-1",
                opens_at=opens,
                closes_at=opens + timedelta(weeks=4),
                closed_at=opens + timedelta(weeks=4),
            )
        return waves["t0"], waves["t2"]


# The many rows are made by INSERT … SELECT in the database: what is measured later is the data,
# not the loading. Registration n gets reference S<n>, email person<n>@…, one participant.
REGISTRATIONS = """
WITH plan AS (
  SELECT * FROM unnest(%(events)s::bigint[], %(tickets)s::bigint[], %(firsts)s::int[],
                       %(lasts)s::int[]) AS p(event_id, ticket_type_id, first, last)
),
regs AS (
  INSERT INTO registrations_registration
    (event_id, ticket_type_id, reference, name, email, language, is_group, seats, status,
     terms_accepted_at, manage_token_hash, created_at)
  SELECT p.event_id, p.ticket_type_id, 'S' || lpad(n::text, 9, '0'), 'Person ' || n,
         'person' || n || %(domain)s, 'en', false, 1, 'confirmed', now(),
         encode(sha256(('seed-scale-' || n)::bytea), 'hex'), now()
  FROM plan p, generate_series(p.first, p.last - 1) AS n
  RETURNING id, event_id, substr(reference, 2)::int AS n
),
parts AS (
  INSERT INTO registrations_participant
    (registration_id, ticket_id, name, email, country, year_of_birth, gender, role,
     guardian_name, guardian_email, survey_consent_at, survey_consent_version,
     accessibility_needs, accessibility_note)
  SELECT id, gen_random_uuid(), 'Person ' || n, '',
         (%(countries)s::text[])[1 + n %% cardinality(%(countries)s::text[])],
         1950 + n %% 60,
         (ARRAY['female', 'male', 'other', 'undisclosed'])[1 + n %% 4],
         (ARRAY['athlete', 'volunteer', 'coach', 'spectator'])[1 + n %% 4],
         '', '', now(), '2026-1', '[]'::jsonb, ''
  FROM regs RETURNING id, registration_id
)
INSERT INTO registrations_checkin
  (event_id, participant_id, result, reason, gate, device, scanned_at, received_at)
SELECT regs.event_id, parts.id, 'valid', '', '', '', %(scanned)s, %(scanned)s
FROM parts JOIN regs ON regs.id = parts.registration_id
WHERE regs.event_id = %(impact)s
"""
RESPONDENTS = """
INSERT INTO surveys_respondent (event_id, pseudonym, created_at)
SELECT %(event)s, md5('seed-scale-respondent' || g), now() FROM generate_series(1, %(people)s) g
"""
# Scores vary with the row so that means, spreads and every 2×2 cell are non-trivial.
RESPONSES = """
INSERT INTO surveys_response
  (respondent_id, wave_id, instrument_version, submitted_at, answers, who5, active_days,
   health_good, limited, ucla3, lonely_often, fewer_opportunities, felt_welcome,
   met_other_countries, intend_active, joined_club, new_activity, volunteered)
SELECT r.id, w.id, '2026-1', now(), '{}'::jsonb,
       CASE WHEN w.kind = 't0' THEN 20 + (r.id * 7) %% 60 ELSE 28 + (r.id * 11) %% 64 END,
       CASE WHEN w.kind = 't0' THEN r.id %% 6 ELSE (r.id * 3) %% 8 END,
       (r.id + length(w.kind)) %% 3 <> 0, r.id %% 9 = 0, 3 + (r.id * 5) %% 7,
       (r.id * 13) %% 7 = 0, CASE WHEN w.kind = 't0' THEN r.id %% 6 = 0 END,
       CASE WHEN w.kind = 't2' THEN r.id %% 10 <> 0 END,
       CASE WHEN w.kind = 't2' THEN r.id %% 3 = 0 END,
       CASE WHEN w.kind = 't2' THEN r.id %% 4 <> 0 END,
       CASE WHEN w.kind = 't2' THEN r.id %% 8 = 0 END,
       CASE WHEN w.kind = 't2' THEN r.id %% 5 = 0 END,
       CASE WHEN w.kind = 't2' THEN r.id %% 7 = 0 END
FROM surveys_respondent r JOIN surveys_wave w ON w.id IN (%(baseline)s, %(follow_up)s)
WHERE r.event_id = %(event)s
"""


def door_tickets(limit: int) -> list[str]:
    """Signed tickets of the door event's participants not yet checked in, for the scanners."""
    from registrations import tickets

    event = Event.objects.get(slug=DOOR_EVENT)
    key = tickets.signing_key(event)
    participants = (
        Participant.objects.filter(registration__event=event, check_ins__isnull=True)
        .select_related("registration")
        .order_by("pk")[:limit]
    )
    now = timezone.now()
    return [tickets.sign(p, key=key, now=now) for p in participants]


__all__ = [
    "DOOR_EVENT",
    "IMPACT_EVENT",
    "ORGANISER",
    "PREFIX",
    "ScaleFigures",
    "door_tickets",
    "real_data_present",
    "seed_scale",
]
