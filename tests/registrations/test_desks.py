"""A public event's registration desk (the event and its ticket types) is read once and kept
between registrations (registrations/desks.py); every change the organisers make shows at the
next registration, and seats are always counted in the database."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import services as planning
from events.models import EventStatus
from registrations import desks, services
from registrations.models import Registration

pytestmark = pytest.mark.django_db

DESK_READS = ('FROM "events_event"', 'FROM "registrations_tickettype"')
_numbers = itertools.count(1)


def register(api, event, ticket_type, country="PT"):
    number = next(_numbers)
    response = api.post(
        f"/api/v1/events/{event.slug}/registrations/",
        {
            "ticket_type": ticket_type.pk,
            "name": f"Person {number}",
            "email": f"person-{number}@example.org",
            "accept_terms": True,
            "join_waiting_list": True,
            "participants": [
                {"name": f"Person {number}", "country": country, "year_of_birth": 1990}
            ],
        },
        format="json",
    )
    return response.status_code, response.json()


def desk_reads(queries) -> list[str]:
    return [read for read in DESK_READS for q in queries if read in q["sql"]]


def test_the_event_and_its_ticket_types_are_read_once(api, event, free_ticket):
    with CaptureQueriesContext(connection) as first:
        assert register(api, event, free_ticket)[0] == 201
    with CaptureQueriesContext(connection) as second:
        assert register(api, event, free_ticket)[0] == 201
    assert desk_reads(first.captured_queries) == list(DESK_READS)
    assert desk_reads(second.captured_queries) == []
    assert len(second.captured_queries) < len(first.captured_queries)


def test_seats_are_counted_in_the_database_not_in_the_kept_desk(api, event, lead):
    one_seat = services.create_ticket_type(event, by=lead, name="Last seat", capacity=1)
    assert register(api, event, one_seat)[1]["status"] == "confirmed"
    status, data = register(api, event, one_seat)
    assert (status, data["status"], data["waitlist_position"]) == (201, "waitlisted", 1)
    one_seat.refresh_from_db()
    assert one_seat.taken == 1


def test_a_ticket_taken_off_sale_is_refused_at_the_next_registration(api, event, lead, free_ticket):
    assert register(api, event, free_ticket)[0] == 201
    services.update_ticket_type(free_ticket, by=lead, is_active=False)
    status, data = register(api, event, free_ticket)
    assert (status, data["code"]) == (409, "not_on_sale")


def test_seats_kept_for_other_countries_apply_at_the_next_registration(
    api, event, lead, free_ticket
):
    assert register(api, event, free_ticket, country="FI")[0] == 201
    services.update_ticket_type(free_ticket, by=lead, allocations={"PT": 5, "FI": 5})
    status, data = register(api, event, free_ticket, country="DE")
    assert status == 400
    assert "participants[0].country" in data["errors"]
    assert register(api, event, free_ticket, country="PT")[0] == 201


def test_a_new_ticket_type_can_be_registered_for_at_once(api, event, lead, free_ticket):
    assert register(api, event, free_ticket)[0] == 201
    newer = services.create_ticket_type(event, by=lead, name="Relay", capacity=4)
    assert register(api, event, newer)[0] == 201


def test_a_cancelled_event_takes_no_registration_from_the_next_one_on(
    api, event, lead, free_ticket
):
    assert register(api, event, free_ticket)[0] == 201
    planning.change_status(event, by=lead, status=EventStatus.CANCELLED, reason="Storm")
    status, data = register(api, event, free_ticket)
    assert (status, data["code"]) == (409, "not_open")
    assert Registration.objects.filter(event=event).count() == 1


def test_a_draft_is_read_for_each_request_and_never_kept(api, plan, lead):
    draft = plan.event
    ticket_type = services.create_ticket_type(draft, by=lead, name="Early", capacity=5)
    api.force_authenticate(lead)  # an organiser sees the draft; registering is not open yet
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            status, data = register(api, draft, ticket_type)
        assert (status, data["code"]) == (409, "not_open")
        assert desk_reads(queries.captured_queries) == list(DESK_READS)
    api.force_authenticate(None)
    assert register(api, draft, ticket_type)[0] == 404


def test_each_request_gets_its_own_copies(event, free_ticket):
    anyone = AnonymousUser()
    first, second = desks.desk_for(anyone, event.slug), desks.desk_for(anyone, event.slug)
    assert first.event is not second.event
    assert first.ticket_type(free_ticket.pk) is not second.ticket_type(free_ticket.pk)
    assert first.ticket_type(free_ticket.pk).has_allocations is False
    assert first.ticket_type(10**9) is None


def test_nothing_is_kept_when_the_cache_is_down(api, event, free_ticket, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert register(api, event, free_ticket)[0] == 201
    with CaptureQueriesContext(connection) as second:
        assert register(api, event, free_ticket)[0] == 201
    assert desk_reads(second.captured_queries) == list(DESK_READS)
