"""Demo people for every role and the organisations they belong to."""

from dataclasses import dataclass

from accounts.models import User
from events import services as event_services
from events.models import Organisation, OrganisationKind

DEMO_PASSWORD = "sportevents-demo"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    name: str
    language: str = "en"
    staff: bool = False


LOGINS = [
    DemoLogin(
        "organiser (lead organisation)", "organiser@demo.sportevents.eu", "Elif Yılmaz", "tr"
    ),
    DemoLogin("partner organiser (Portugal)", "partner@demo.sportevents.eu", "João Ferreira", "en"),
    DemoLogin("participant", "participant@demo.sportevents.eu", "Sofia Müller", "de"),
    DemoLogin("sponsor", "sponsor@demo.sportevents.eu", "Claire Martin", "fr"),
    DemoLogin("staff (admin site)", "staff@demo.sportevents.eu", "Site Staff", "en", staff=True),
]

# (name, country, kind, sports, looking for partners, interests, admin email)
ORGANISATIONS = [
    (
        "Istanbul Sport for All Association",
        "TR",
        OrganisationKind.NOT_FOR_PROFIT,
        ["running", "basketball", "wheelchair-sports"],
        True,
        "Partners for a European Week of Sport programme of inclusive street sport festivals.",
        "organiser@demo.sportevents.eu",
    ),
    (
        "Lisboa Move Together",
        "PT",
        OrganisationKind.NOT_FOR_PROFIT,
        ["running", "rowing", "football"],
        True,
        "Local events for young people with fewer opportunities; volunteer training.",
        "partner@demo.sportevents.eu",
    ),
    (
        "Bright Energy Foundation",
        "DE",
        OrganisationKind.COMPANY,
        [],
        False,
        "",
        "sponsor@demo.sportevents.eu",
    ),
    (
        "Stadt Leipzig Sportamt",
        "DE",
        OrganisationKind.PUBLIC_BODY,
        ["cycling", "swimming"],
        True,
        "Public body seeking partners for healthy-lifestyle events in city parks.",
        None,
    ),
    (
        "Federación Andaluza de Deporte Adaptado",
        "ES",
        OrganisationKind.SPORT_FEDERATION,
        ["boccia", "goalball", "wheelchair-sports"],
        True,
        "Adapted sport demonstrations and coach training for inclusive events.",
        None,
    ),
    (
        "Lyon Sport Solidaire",
        "FR",
        OrganisationKind.NOT_FOR_PROFIT,
        ["football", "dance"],
        True,
        "Gender equality in grassroots football; mixed teams.",
        None,
    ),
    (
        "Warsaw Active Seniors",
        "PL",
        OrganisationKind.NOT_FOR_PROFIT,
        ["hiking", "yoga"],
        True,
        "Walking and fitness events for older adults; intergenerational activities.",
        None,
    ),
    (
        "Università di Bologna CUS",
        "IT",
        OrganisationKind.EDUCATION,
        ["volleyball", "athletics"],
        True,
        "University sport centre offering venues and student volunteers.",
        None,
    ),
    (
        "Helsinki Moves Together",
        "FI",
        OrganisationKind.NOT_FOR_PROFIT,
        ["hiking", "orienteering", "traditional"],
        False,
        "Nordic walking and traditional Finnish games for families.",
        None,
    ),
    (
        "Skopje Traditional Games Club",
        "MK",
        OrganisationKind.NOT_FOR_PROFIT,
        ["traditional"],
        True,
        "Traditional sports and games from the Balkans at European events.",
        None,
    ),
]


def _user(login: DemoLogin) -> User:
    user = User.objects.filter(email=login.email).first()
    if user is None:
        user = User.objects.create_user(
            email=login.email,
            password=DEMO_PASSWORD,
            full_name=login.name,
            preferred_language=login.language,
            is_staff=login.staff,
            is_superuser=login.staff,
        )
    return user


def seed_people() -> dict[str, User]:
    """Create the demo people and organisations once; returns the people by email."""
    users = {login.email: _user(login) for login in LOGINS}
    staff = users["staff@demo.sportevents.eu"]
    for name, country, kind, sports, looking, interests, admin_email in ORGANISATIONS:
        if Organisation.objects.filter(name=name).exists():
            continue
        event_services.create_organisation(
            creator=users[admin_email] if admin_email else staff,
            name=name,
            country=country,
            kind=kind,
            sports=sports,
            looking_for_partners=looking,
            partner_interests=interests,
            description=interests,
            website="",
        )
    return users
