"""Demo planning: a type I European local events project for the European Week of Sport
(partners and venues in Türkiye, Portugal, Germany and Finland: four time zones) and a
single-country event."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import User
from events import services
from events.models import Event, Organisation, Role
from venues.timezones import suggested_zone

WEEK_OF_SPORT_SLUG = "move-together-week"
PARK_RUN_SLUG = "leipzig-park-run-for-all"

# (organisation, venue name, address, postcode, city, country, latitude, longitude, features)
VENUES = [
    (
        "Istanbul Sport for All Association",
        "Maçka Democracy Park",
        "Maçka Cd.",
        "34367",
        "Istanbul",
        "TR",
        "41.0441",
        "28.9936",
        ["step-free", "accessible-toilets", "support-person"],
    ),
    (
        "Lisboa Move Together",
        "Parque das Nações riverside",
        "Passeio das Tágides",
        "1990-280",
        "Lisboa",
        "PT",
        "38.7633",
        "-9.0950",
        ["step-free", "accessible-parking"],
    ),
    (
        "Stadt Leipzig Sportamt",
        "Clara-Zetkin-Park",
        "Anton-Bruckner-Allee",
        "04107",
        "Leipzig",
        "DE",
        "51.3287",
        "12.3562",
        ["step-free", "accessible-toilets", "hearing-loop"],
    ),
    (
        "Helsinki Moves Together",
        "Kaisaniemi Park",
        "Kaisaniemenranta",
        "00100",
        "Helsinki",
        "FI",
        "60.1744",
        "24.9468",
        ["quiet-room", "adapted-equipment"],
    ),
]

# (venue name, title, kind, day of the week (0 = 23 September), start, end, languages)
SESSIONS = [
    (
        "Maçka Democracy Park",
        "Opening street-sport festival",
        "ceremony",
        0,
        "10:00",
        "16:00",
        ["tr", "en"],
    ),
    (
        "Maçka Democracy Park",
        "Wheelchair basketball for everyone",
        "training",
        1,
        "14:00",
        "16:00",
        ["tr"],
    ),
    (
        "Parque das Nações riverside",
        "Volunteer training",
        "volunteer-training",
        1,
        "18:00",
        "20:00",
        ["pt", "en"],
    ),
    (
        "Parque das Nações riverside",
        "Inclusive 5 km fun run",
        "competition",
        2,
        "09:00",
        "12:00",
        ["pt"],
    ),
    ("Clara-Zetkin-Park", "Cycling tour for all ages", "side-event", 3, "10:00", "13:00", ["de"]),
    (
        "Kaisaniemi Park",
        "Nordic walking and traditional games",
        "workshop",
        4,
        "11:00",
        "14:00",
        ["fi", "sv", "en"],
    ),
]


def _admin_of(name: str) -> tuple[Organisation, User]:
    organisation = Organisation.objects.get(name=name)
    membership = organisation.memberships.filter(role=Role.ADMIN).select_related("user").first()
    return organisation, membership.user


def _week_of_sport(today: date) -> date:
    """23 September of the next European Week of Sport at least two months away."""
    year = today.year if today <= date(today.year, 7, 23) else today.year + 1
    return date(year, 9, 23)


def _venues() -> dict:
    venues = {}
    for owner, name, address, postcode, city, country, lat, lon, features in VENUES:
        organisation, admin = _admin_of(owner)
        venue = organisation.venues.filter(name=name).first() or services.create_venue(
            by=admin,
            organisation=organisation,
            name=name,
            address=address,
            postcode=postcode,
            city=city,
            country=country,
            timezone=suggested_zone(country),
            latitude=Decimal(lat),
            longitude=Decimal(lon),
            capacity=500,
            features=features,
        )
        venues[name] = venue
    return venues


def _seed_week_of_sport(users: dict[str, User], venues: dict, today: date) -> Event:
    lead, organiser = _admin_of("Istanbul Sport for All Association")
    start = _week_of_sport(today)
    event = services.create_event(
        by=organiser,
        lead=lead,
        title_i18n={
            "en": "Move Together Week",
            "tr": "Birlikte Hareket Haftası",
            "de": "Woche der gemeinsamen Bewegung",
            "es": "Semana Moverse Juntos",
            "fr": "Semaine Bougeons ensemble",
        },
        description_i18n={
            "en": "Free, inclusive sport festivals in four cities during the European Week of "
            "Sport: try wheelchair basketball, run by the river, cycle through the park and play "
            "traditional games. Everyone is welcome, whatever their age or ability.",
            "tr": "Avrupa Spor Haftası boyunca dört şehirde ücretsiz ve kapsayıcı spor "
            "şenlikleri. Yaşı ve becerisi ne olursa olsun herkes davetlidir.",
        },
        default_language="en",
        objective="social-inclusion",
        target_groups=["young-people", "disabilities", "fewer-opportunities", "volunteers"],
        starts_on=start,
        ends_on=start + timedelta(days=7),
        sports=["running", "wheelchair-sports", "cycling", "traditional"],
    )
    event.slug = WEEK_OF_SPORT_SLUG
    event.save(update_fields=["slug"])
    roles = {
        "Lisboa Move Together": "Local events in Lisbon; volunteer training.",
        "Stadt Leipzig Sportamt": "Cycling tour and venue in Leipzig.",
        "Helsinki Moves Together": "Nordic walking and traditional games in Helsinki.",
    }
    partners = {
        name: services.add_partner(
            event,
            by=organiser,
            organisation=Organisation.objects.get(name=name),
            responsibilities=text,
        )
        for name, text in roles.items()
    }
    for venue_name, title, kind, day, begin, end, languages in SESSIONS:
        venue = venues[venue_name]
        zone = ZoneInfo(venue.timezone)
        when = start + timedelta(days=day)
        services.add_session(
            event,
            by=organiser,
            venue=venue,
            title=title,
            kind=kind,
            languages=languages,
            starts_at=datetime.combine(when, time.fromisoformat(begin), zone),
            ends_at=datetime.combine(when, time.fromisoformat(end), zone),
        )
    # Milestones of the partners; two are overdue, one is done.
    services.add_milestone(
        event,
        by=organiser,
        owner=partners["Lisboa Move Together"],
        phase="preparation",
        title="Partnership agreement signed",
        due_on=today - timedelta(days=20),
    )
    services.add_milestone(
        event,
        by=organiser,
        owner=partners["Helsinki Moves Together"],
        phase="preparation",
        title="Park permit requested",
        due_on=today - timedelta(days=5),
    )
    services.add_milestone(
        event,
        by=organiser,
        owner=partners["Stadt Leipzig Sportamt"],
        phase="preparation",
        title="Cycling route approved",
        due_on=today - timedelta(days=30),
        done_on=today - timedelta(days=32),
    )
    sponsor, _admin = _admin_of("Bright Energy Foundation")
    services.add_sponsor(event, by=organiser, sponsor=sponsor, tier="main")
    return services.change_status(event, by=organiser, status="published")


def _seed_park_run(venues: dict, today: date) -> Event:
    lead, organiser = _admin_of("Stadt Leipzig Sportamt")
    day = today + timedelta(days=21)
    event = services.create_event(
        by=organiser,
        lead=lead,
        title_i18n={"de": "Parklauf für alle", "en": "Leipzig Park Run for All"},
        description_i18n={
            "de": "Ein entspannter Lauf und Spaziergang durch den Clara-Zetkin-Park.",
            "en": "A relaxed run and walk through Clara-Zetkin-Park; walkers and wheelchair "
            "users welcome.",
        },
        default_language="de",
        objective="healthy-lifestyles",
        target_groups=["adults", "older-people"],
        starts_on=day,
        ends_on=day,
        sports=["running", "hiking"],
    )
    event.slug = PARK_RUN_SLUG
    event.save(update_fields=["slug"])
    zone = ZoneInfo("Europe/Berlin")
    services.add_session(
        event,
        by=organiser,
        venue=venues["Clara-Zetkin-Park"],
        title="5 km run and walk",
        kind="competition",
        languages=["de"],
        starts_at=datetime.combine(day, time(9, 30), zone),
        ends_at=datetime.combine(day, time(11, 0), zone),
    )
    # Three weeks before the run, the preparation is done.
    for milestone in event.milestones.filter(due_on__lt=today):
        services.set_milestone_done(milestone, by=organiser, done=True)
    return services.change_status(event, by=organiser, status="published")


def seed_planning(users: dict[str, User]) -> None:
    if Event.objects.filter(slug=WEEK_OF_SPORT_SLUG).exists():
        return
    today = timezone.localdate()
    venues = _venues()
    _seed_week_of_sport(users, venues, today)
    _seed_park_run(venues, today)
