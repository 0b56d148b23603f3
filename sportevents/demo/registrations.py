"""Demo registrations: tickets for Move Together Week with participants from several
countries and a full clinic with a waiting list, and a completed autumn walk whose
participants were checked in at the door."""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import User
from events import services as event_services
from events.models import Event, Organisation, Role
from registrations import checkins, services, tickets
from registrations.models import Registration
from sportevents.demo.people import LOGINS
from sportevents.demo.planning import WEEK_OF_SPORT_SLUG

AUTUMN_WALK_SLUG = "helsinki-autumn-walk"
FIRST_NAMES = [
    "Ana",
    "Mehmet",
    "Lena",
    "Jonas",
    "Aino",
    "Zeynep",
    "Tiago",
    "Marie",
    "Emre",
    "Sofia",
    "Mikko",
    "Inês",
    "Paul",
    "Elif",
    "Hanna",
    "Rui",
    "Can",
    "Laura",
]
LAST_NAMES = [
    "Silva",
    "Yıldız",
    "Schmidt",
    "Virtanen",
    "Costa",
    "Demir",
    "Weber",
    "Korhonen",
    "Santos",
    "Kaya",
    "Fischer",
    "Laine",
]
COUNTRIES = ["PT", "TR", "DE", "FI", "PT", "TR", "DE", "FI", "ES", "FR"]
ROLES = ["athlete", "athlete", "athlete", "spectator", "volunteer", "coach"]


def _person(rng: random.Random, n: int) -> tuple[str, str, dict]:
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    email = f"participant{n}@demo.sportevents.eu"
    return (
        name,
        email,
        {
            "name": name,
            "country": rng.choice(COUNTRIES),
            "year_of_birth": rng.randint(1955, 2007),
            "gender": rng.choice(["female", "male", "undisclosed"]),
            "role": rng.choice(ROLES),
            "survey_consent": rng.random() < 0.7,
        },
    )


def _register(event, ticket_type, rng, n, **extra):
    name, email, person = _person(rng, n)
    return services.register(
        event,
        ticket_type=ticket_type,
        name=name,
        email=email,
        language=rng.choice(["en", "tr", "de", "es", "fr"]),
        participants=[person],
        accept_terms=True,
        notify=False,
        **extra,
    )


def _seed_week_of_sport(rng: random.Random, participant: User) -> None:
    event = Event.objects.get(slug=WEEK_OF_SPORT_SLUG)
    organiser = event.lead.memberships.filter(role=Role.ADMIN).first().user
    general = services.create_ticket_type(
        event,
        by=organiser,
        name="Festival pass",
        capacity=300,
        description="Free entry to every session in every city.",
    )
    clinic = services.create_ticket_type(
        event,
        by=organiser,
        name="Wheelchair basketball clinic",
        capacity=6,
        description="Coached session in Istanbul; sport wheelchairs provided.",
    )
    for n in range(1, 25):
        _register(event, general, rng, n)
    for n in range(25, 31):
        _register(event, clinic, rng, n)
    for n in range(31, 34):
        _register(event, clinic, rng, n, join_waiting_list=True)
    # The demo participant registered with their family: a group of three, one of them a child.
    services.register(
        event,
        ticket_type=general,
        name=participant.full_name,
        email=participant.email,
        language=participant.preferred_language,
        accept_terms=True,
        notify=False,
        participants=[
            {
                "name": participant.full_name,
                "country": "DE",
                "year_of_birth": 1988,
                "role": "athlete",
                "survey_consent": True,
            },
            {"name": "Jonas Müller", "country": "DE", "year_of_birth": 1986, "role": "spectator"},
            {
                "name": "Mia Müller",
                "country": "DE",
                "year_of_birth": 2016,
                "role": "athlete",
                "guardian_name": participant.full_name,
                "guardian_email": participant.email,
                "guardian_confirmed": True,
                "accessibility_consent": True,
                "accessibility_needs": ["quiet-room"],
            },
        ],
    )


def _seed_autumn_walk(rng: random.Random, today) -> None:
    lead = Organisation.objects.get(name="Helsinki Moves Together")
    organiser = lead.memberships.filter(role=Role.ADMIN).first().user
    day = today - timedelta(days=91)
    event = event_services.create_event(
        by=organiser,
        lead=lead,
        title_i18n={
            "en": "Helsinki Autumn Walk",
            "fi": "Helsingin syyskävely",
            "de": "Helsinkier Herbstspaziergang",
        },
        description_i18n={"en": "A guided Nordic walk along the shore for all ages."},
        default_language="en",
        objective="healthy-lifestyles",
        target_groups=["adults", "older-people"],
        starts_on=day,
        ends_on=day,
        sports=["hiking"],
    )
    event.slug = AUTUMN_WALK_SLUG
    event.save(update_fields=["slug"])
    venue = lead.venues.get(name="Kaisaniemi Park")
    zone = ZoneInfo(venue.timezone)
    event_services.add_session(
        event,
        by=organiser,
        venue=venue,
        title="Nordic walk, 6 km",
        kind="competition",
        starts_at=datetime.combine(day, time(10, 0), zone),
        ends_at=datetime.combine(day, time(12, 0), zone),
        languages=["fi", "en"],
    )
    for milestone in event.milestones.filter(due_on__lt=today):
        event_services.set_milestone_done(milestone, by=organiser, done=True)
    event = event_services.change_status(event, by=organiser, status="published")
    walk = services.create_ticket_type(event, by=organiser, name="Walker", capacity=80)
    outcomes = [_register(event, walk, rng, n) for n in range(100, 140)]
    scanned = timezone.make_aware(datetime.combine(day, time(9, 40)), zone)
    for index, outcome in enumerate(outcomes[:32]):
        participant = outcome.registration.participants.get()
        checkins.check_in(
            event,
            token=tickets.sign(participant),
            gate="Kaisaniemi gate" if index % 2 else "Shore gate",
            by=organiser,
            scanned_at=scanned + timedelta(minutes=index),
        )
    event_services.change_status(event, by=organiser, status="completed")


def seed_registrations(users: dict[str, User]) -> None:
    if Registration.objects.filter(event__slug=WEEK_OF_SPORT_SLUG).exists():
        return
    rng = random.Random(2027)
    participant = users[next(login.email for login in LOGINS if login.role == "participant")]
    _seed_week_of_sport(rng, participant)
    _seed_autumn_walk(rng, timezone.localdate())
