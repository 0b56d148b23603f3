"""The survey scenes.

- The impact scene: a completed event of the shared plan (tests/planning_fixtures.py) with a
  sponsor organisation and its member, closed waves, and helpers to add people in bulk.
- The answering scene: the registration scene's published event (23-30 September 2027, led
  from Istanbul) and helpers to register consenting participants, check them in and read links.
"""

import re
from datetime import UTC, datetime

import pytest

from events.models import EventStatus, Sponsorship
from registrations import checkins, tickets
from surveys import services as survey_services
from surveys.models import Invitation, Wave
from tests.factories import OrganisationFactory
from tests.planning_fixtures import member
from tests.registrations.conftest import *  # noqa: F403  (the registration scene's fixtures)
from tests.surveys import scene


@pytest.fixture
def completed(plan):
    event = plan.event
    event.status = EventStatus.COMPLETED
    event.save(update_fields=["status"])
    return event


@pytest.fixture
def sponsor_org(completed):
    sponsor = OrganisationFactory(name="Healthy Foods Ltd", slug="healthy-foods", kind="company")
    Sponsorship.objects.create(event=completed, sponsor=sponsor)
    return sponsor


@pytest.fixture
def sponsor(sponsor_org):
    """A member of the sponsoring company (a viewer, as sponsors usually are)."""
    return member(sponsor_org, "viewer")


@pytest.fixture
def lead(plan):
    return plan.people["lead"]


@pytest.fixture
def closed_waves(completed):
    return scene.waves(completed)


@pytest.fixture
def people(closed_waves, completed):
    """Add people to the completed event: people(list_of_Person)."""

    def add(persons):
        scene.build(completed, persons, made_waves=closed_waves)

    return add


def improving(count: int, *, start: int = 40, gain: int = 12, **fields) -> list[scene.Person]:
    """`count` paired respondents whose WHO-5 rises by `gain` (scores varying around `start`)."""
    return [
        scene.paired(
            {
                "who5": start + (i % 5) * 4,
                "active_days": i % 4,
                "health_good": i % 2 == 0,
                "lonely_often": i % 3 == 0,
                "ucla3": 6,
                "fewer_opportunities": i % 4 == 0,
            },
            {
                "who5": min(100, start + (i % 5) * 4 + gain + (i % 3) * 4),
                "active_days": 5,
                "health_good": True,
                "lonely_often": False,
                "ucla3": 4,
                "joined_club": i % 2 == 0,
                "felt_welcome": True,
            },
            **fields,
        )
        for i in range(count)
    ]


# The event runs from 23 September 2027, 00:00 in Istanbul (UTC+3) to 1 October 2027, 00:00.
EVENT_START = datetime(2027, 9, 22, 21, tzinfo=UTC)
EVENT_END = datetime(2027, 9, 30, 21, tzinfo=UTC)
LINK = re.compile(r"/surveys/([0-9a-f]{40})/")


@pytest.fixture
def register(sign_up, free_ticket, person, django_capture_on_commit_callbacks):
    """Register one participant (consenting unless told) and run what follows the commit."""

    def register(*, consent=True, language="en", email=None, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return sign_up(
                free_ticket,
                language=language,
                email=email,
                participants=[person(survey_consent=consent, **fields)],
            )

    return register


@pytest.fixture
def check_in(event, lead):
    def check_in(outcome):
        participant = outcome.registration.participants.get()
        checkins.check_in(
            event,
            token=tickets.sign(participant),
            gate="A",
            by=lead,
            scanned_at=datetime(2027, 9, 23, 8, tzinfo=UTC),
        )
        return participant

    return check_in


def token_of(invitation: Invitation) -> str:
    return survey_services.token_of(invitation)


def links_in(text: str) -> list[str]:
    return LINK.findall(text)


def wave(of, kind: str) -> Wave:
    return Wave.objects.get(event=of, kind=kind)
