"""The registration scene: the shared planning event (tests/planning_fixtures.py), published,
with a free and a paid ticket type, and helpers to register people through the service.

`person(...)` builds one participant as a form or the API would send it (an adult by default);
`sign_up(ticket_type, ...)` registers through `services.register` with a fresh email each time.
"""

import itertools
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from events import services as planning
from events.models import EventStatus
from registrations import services


@pytest.fixture
def event(plan):
    """Move Together Week (23–30 September 2027), published. Its people are in `plan.people`:
    lead (organiser of the lead), viewer (of the lead), pt and fi (partner organisers), outsider."""
    return planning.change_status(plan.event, by=plan.people["lead"], status=EventStatus.PUBLISHED)


@pytest.fixture
def lead(plan):
    return plan.people["lead"]


@pytest.fixture
def free_ticket(event, lead):
    return services.create_ticket_type(event, by=lead, name="Fun run 5 km", capacity=10)


@pytest.fixture
def paid_ticket(event, lead):
    return services.create_ticket_type(
        event, by=lead, name="Half marathon", price=Decimal("25.00"), currency="eur", capacity=5
    )


def _person(**fields) -> dict:
    return {
        "name": "Ayşe Yılmaz",
        "country": "TR",
        "year_of_birth": 1990,
        "role": "athlete",
        **fields,
    }


@pytest.fixture
def person():
    """A participant as submitted: an adult from Türkiye unless told otherwise."""
    return _person


@pytest.fixture
def sign_up(event):
    """Register through the service; each call uses a new email unless one is given."""
    numbers = itertools.count(1)

    def sign_up(
        ticket_type,
        *,
        participants=None,
        email=None,
        join_waiting_list=False,
        on=None,
        **fields,
    ) -> services.Outcome:
        number = next(numbers)
        return services.register(
            on or event,
            ticket_type=ticket_type,
            name=fields.pop("name", f"Buyer {number}"),
            email=email or f"buyer{number}@example.org",
            language=fields.pop("language", "en"),
            participants=participants if participants is not None else [_person()],
            accept_terms=fields.pop("accept_terms", True),
            join_waiting_list=join_waiting_list,
            **fields,
        )

    return sign_up


@pytest.fixture
def with_session(event, plan):
    """The event with one session: a fun run in Lisbon on 25 September 2027, 9:00–12:00."""
    lisbon = ZoneInfo("Europe/Lisbon")
    planning.add_session(
        event,
        by=plan.people["lead"],
        venue=plan.venues["pt"],
        title="Fun run",
        kind="competition",
        starts_at=datetime(2027, 9, 25, 9, tzinfo=lisbon),
        ends_at=datetime(2027, 9, 25, 12, tzinfo=lisbon),
    )
    return event
