"""Demo survey data: the completed Helsinki Autumn Walk gets three hundred more walkers with
baseline, experience and follow-up answers (waves closed, identity links deleted), sponsored by
Bright Energy Foundation, with a published snapshot, so that its sponsor pages have real
figures; and the demo participant has an open baseline survey for Move Together Week, whose
link seed_demo prints.

Rows are made with bulk_create: the services' rules are kept by hand here (one response per
respondent and wave, scores from the instruments' own scoring), and loading stays fast."""

import random
import secrets
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from events import services as event_services
from events.models import Event, Organisation, Role
from registrations.links import hash_token
from registrations.models import CheckIn, Participant, Registration, TicketType
from registrations.services import SURVEY_CONSENT_VERSION
from sportevents.demo.people import LOGINS
from sportevents.demo.planning import WEEK_OF_SPORT_SLUG
from sportevents.demo.registrations import AUTUMN_WALK_SLUG, COUNTRIES, FIRST_NAMES, LAST_NAMES
from surveys import instruments, invitations, services, snapshots
from surveys.instruments.fewer_opportunities import BARRIERS, NONE, UNDISCLOSED
from surveys.links import hash_token as hash_link
from surveys.models import Invitation, Respondent, Response, SurveyPlan, Wave, WaveKind

WALKERS = 300
SPONSOR = "Bright Energy Foundation"
HELSINKI = ZoneInfo("Europe/Helsinki")


def _clip(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _spread(total: int, rng: random.Random, items: int = 5, top: int = 5) -> list[int]:
    values = [0] * items
    for _ in range(total):
        values[rng.choice([i for i, v in enumerate(values) if v < top])] += 1
    return values


class Walker:
    """One surveyed walker's answers: a baseline and how it changes by the follow-up. WHO-5
    rises by about 6 points on average (SD of the change about 15), a little more activity,
    slightly better health, a little less loneliness."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.who5 = _clip(rng.gauss(14.5, 4.5), 0, 25)
        self.who5_later = _clip(self.who5 + rng.gauss(1.5, 3.75), 0, 25)
        self.days = rng.choices(range(8), weights=[8, 10, 14, 16, 14, 14, 10, 14])[0]
        self.days_later = _clip(self.days + rng.choice([-1, 0, 0, 1, 1, 2]), 0, 7)
        self.good = rng.random() < 0.6
        self.good_later = rng.random() < (0.92 if self.good else 0.28)
        self.ucla = [rng.choices([1, 2, 3], weights=[50, 35, 15])[0] for _ in range(3)]
        self.ucla_later = [max(1, v - (rng.random() < 0.18)) for v in self.ucla]

    def outcomes(self, later: bool) -> dict:
        rng = self.rng
        who5 = _spread(self.who5_later if later else self.who5, rng)
        good = self.good_later if later else self.good
        ucla = self.ucla_later if later else self.ucla
        lonely = 5 if sum(ucla) >= 7 and rng.random() < 0.6 else rng.choice([1, 2, 3, 4])
        return {
            **{f"who5_{n}": value for n, value in enumerate(who5, start=1)},
            "active_days": self.days_later if later else self.days,
            "srh": rng.choice([1, 2]) if good else rng.choice([3, 3, 3, 4, 5]),
            **{f"ucla_{n}": value for n, value in enumerate(ucla, start=1)},
            "lonely": lonely,
        }

    def baseline(self) -> dict:
        rng = self.rng
        roll = rng.random()
        if roll < 0.16:
            barriers = rng.sample(sorted(BARRIERS), rng.choice([1, 1, 2]))
        else:
            barriers = [NONE] if roll < 0.9 else [UNDISCLOSED]
        return {
            **self.outcomes(later=False),
            "gali": rng.choices([1, 2, 3], weights=[6, 16, 78])[0],
            "fewer_opportunities": barriers,
        }

    def experience(self) -> dict:
        rng = self.rng
        return {
            "felt_welcome": rng.choices([4, 3, 2, 1], weights=[55, 35, 8, 2])[0],
            "met_other_countries": int(rng.random() < 0.62),
            "intend_active": rng.choices([4, 3, 2, 1], weights=[35, 43, 18, 4])[0],
        }

    def follow_up(self) -> dict:
        rng = self.rng
        return {
            **self.outcomes(later=True),
            **self.experience(),
            "joined_club": int(rng.random() < 0.14),
            "new_activity": int(rng.random() < 0.33),
            "volunteered": int(rng.random() < 0.16),
            "event_contribution": rng.choice([0, 1, 2, 2, 3]),
        }


def _walkers(event: Event, rng: random.Random, day) -> list[Participant]:
    """Three hundred more walkers who came with community groups, most of them surveyed."""
    ticket_type = TicketType.objects.create(
        event=event,
        name="Shore walk with a community group",
        capacity=320,
        taken=WALKERS,
        is_active=False,
    )
    registered = timezone.make_aware(datetime.combine(day - timedelta(days=30), time(12)))
    registrations = Registration.objects.bulk_create(
        Registration(
            event=event,
            ticket_type=ticket_type,
            name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            email=f"walker{n}@demo.sportevents.eu",
            language=rng.choice(["en", "de", "es", "fr", "tr"]),
            status="confirmed",
            terms_accepted_at=registered,
            manage_token_hash=hash_token(secrets.token_urlsafe(32)),
            created_at=registered + timedelta(hours=n),
        )
        for n in range(WALKERS)
    )
    return Participant.objects.bulk_create(
        Participant(
            registration=registration,
            name=registration.name,
            country=rng.choice(COUNTRIES),
            year_of_birth=rng.randint(1950, 2008),
            gender=rng.choice(["female", "female", "male", "male", "undisclosed", "other"]),
            role=rng.choice(["athlete", "athlete", "athlete", "volunteer", "coach"]),
            survey_consent_at=registration.created_at if rng.random() < 0.9 else None,
            survey_consent_version=SURVEY_CONSENT_VERSION,
        )
        for registration in registrations
    )


def _waves(event: Event, day) -> dict[str, Wave]:
    plan = SurveyPlan.objects.create(event=event, follow_up_weeks=8)
    start = datetime.combine(day, time(10), HELSINKI)
    end = datetime.combine(day, time(12), HELSINKI)
    follow_up = end + timedelta(weeks=plan.follow_up_weeks)
    windows = {
        WaveKind.BASELINE: (start - timedelta(days=60), start),
        WaveKind.EXPERIENCE: (end, end + timedelta(days=14)),
        WaveKind.FOLLOW_UP: (follow_up, follow_up + timedelta(days=28)),
    }
    return {
        kind: Wave.objects.create(
            event=event,
            kind=kind,
            instrument_version=instruments.VERSION,
            opens_at=opens,
            closes_at=closes,
            closed_at=closes,
        )
        for kind, (opens, closes) in windows.items()
    }


def _surveys(event: Event, people: list[Participant], rng: random.Random, day) -> None:
    waves = _waves(event, day)
    scanned = datetime.combine(day, time(9, 30), HELSINKI)
    attended = {p.pk for p in people if rng.random() < 0.88}
    CheckIn.objects.bulk_create(
        CheckIn(
            event=event,
            participant_id=pk,
            result="valid",
            gate="Shore gate",
            scanned_at=scanned + timedelta(seconds=index * 7),
            received_at=scanned + timedelta(seconds=index * 7),
        )
        for index, pk in enumerate(sorted(attended))
    )
    consenting = [p for p in people if p.survey_consent_at]
    # The identity links were deleted when the follow-up closed: none are made here.
    respondents = Respondent.objects.bulk_create(
        Respondent(event=event, created_at=waves["t0"].opens_at.replace(hour=0, minute=0))
        for _ in consenting
    )
    invited, answered = [], []
    for person, respondent in zip(consenting, respondents, strict=True):
        walker = Walker(rng)
        came = person.pk in attended
        plan = [("t0", walker.baseline, 0.88)]
        if came:
            plan += [("t1", walker.experience, 0.45), ("t2", walker.follow_up, 0.7)]
        gave_baseline = False
        for kind, answers_of, rate in plan:
            wave = waves[kind]
            answers = rng.random() < rate and (kind == "t0" or gave_baseline or rng.random() < 0.3)
            day_of = wave.opens_at.replace(hour=0, minute=0) + timedelta(days=rng.randint(0, 6))
            invited.append(
                Invitation(
                    respondent=respondent,
                    wave=wave,
                    token_hash=hash_link(secrets.token_hex(20)),
                    language=person.registration.language,
                    sent_at=wave.opens_at.replace(hour=0, minute=0),
                    reminders_sent=0 if answers or kind == "t0" else 2,
                    expires_at=wave.closes_at,
                    answered_at=day_of if answers else None,
                )
            )
            if answers:
                gave_baseline = gave_baseline or kind == "t0"
                clean = instruments.clean_answers(kind, wave.instrument_version, answers_of())
                answered.append(
                    Response(
                        respondent=respondent,
                        wave=wave,
                        instrument_version=wave.instrument_version,
                        submitted_at=day_of,
                        answers=clean,
                        **instruments.score(kind, wave.instrument_version, clean),
                    )
                )
    Invitation.objects.bulk_create(invited)
    Response.objects.bulk_create(answered)


def _autumn_walk(rng: random.Random) -> None:
    event = Event.objects.filter(slug=AUTUMN_WALK_SLUG).select_related("lead").first()
    if event is None or SurveyPlan.objects.filter(event=event).exists():
        return
    sponsor = Organisation.objects.get(name=SPONSOR)
    if not event.sponsorships.filter(sponsor=sponsor).exists():
        organiser = event.lead.memberships.filter(role=Role.ADMIN).first().user
        event_services.add_sponsor(event, by=organiser, sponsor=sponsor, tier="main")
    people = _walkers(event, rng, event.starts_on)
    _surveys(event, people, rng, event.starts_on)
    # The organisers published the figures of the closed waves: what the sponsor sees.
    snapshots.publish(event, by=event.lead.memberships.filter(role=Role.ADMIN).first().user)


def _participants_registration() -> Registration | None:
    email = next(login.email for login in LOGINS if login.role == "participant")
    return Registration.objects.filter(event__slug=WEEK_OF_SPORT_SLUG, email=email).first()


def seed_surveys() -> None:
    _autumn_walk(random.Random(2031))
    registration = _participants_registration()
    if registration is not None:
        services.offer_baseline(registration.pk)


def demo_survey_link() -> str | None:
    """The demo participant's open baseline survey for Move Together Week."""
    registration = _participants_registration()
    if registration is None:
        return None
    invitation = (
        Invitation.objects.filter(
            respondent__link__participant__registration=registration,
            wave__kind=WaveKind.BASELINE,
        )
        .select_related("respondent")
        .first()
    )
    return invitations.survey_url(services.token_of(invitation)) if invitation else None
