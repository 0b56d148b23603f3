"""The impact scene: a completed event of the shared plan (tests/planning_fixtures.py) with a
sponsor organisation and its member, closed waves, and helpers to add people in bulk."""

import pytest

from events.models import EventStatus, Sponsorship
from tests.factories import OrganisationFactory
from tests.planning_fixtures import member
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
