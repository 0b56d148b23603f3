"""Seats kept per partner country: a ticket type with allocations is for residents of those
countries, each up to its share; each country has its own waiting line."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from registrations import services
from registrations.models import Registration, TicketAllocation
from sportevents.errors import Conflict
from tests.registrations.test_race import at_once


@pytest.fixture
def shared(event, lead):
    """10 seats: 4 for Türkiye (the lead), 3 for Portugal, 3 for Finland."""
    return services.create_ticket_type(
        event, by=lead, name="Youth exchange", capacity=10, allocations={"TR": 4, "PT": 3, "FI": 3}
    )


def _taken(ticket_type) -> dict[str, int]:
    return dict(
        TicketAllocation.objects.filter(ticket_type=ticket_type).values_list("country", "taken")
    )


def test_each_country_fills_its_own_share(shared, sign_up, person):
    for _ in range(3):
        assert sign_up(shared, participants=[person(country="PT")]).registration.status == (
            "confirmed"
        )
    fourth = sign_up(shared, participants=[person(country="PT")], join_waiting_list=True)
    assert fourth.registration.status == "waitlisted"
    # Portugal is full, Türkiye is not.
    assert sign_up(shared, participants=[person(country="TR")]).registration.status == "confirmed"
    assert _taken(shared) == {"TR": 1, "PT": 3, "FI": 0}
    shared.refresh_from_db()
    assert shared.taken == 4


def test_full_country_without_the_waiting_list_is_a_conflict(shared, sign_up, person):
    for _ in range(3):
        sign_up(shared, participants=[person(country="FI")])
    with pytest.raises(Conflict):
        sign_up(shared, participants=[person(country="FI")])
    assert _taken(shared)["FI"] == 3


def test_residents_of_other_countries_are_told_whom_the_ticket_is_for(shared, sign_up, person):
    with pytest.raises(ValidationError) as error:
        sign_up(shared, participants=[person(country="TR"), person(country="DE")])
    message = error.value.message_dict["participants[1].country"][0]
    assert "Finland" in message and "Portugal" in message and "Türkiye" in message
    assert Registration.objects.filter(ticket_type=shared).count() == 0
    assert sum(_taken(shared).values()) == 0


def test_a_mixed_group_takes_all_its_seats_or_none(shared, sign_up, person):
    for _ in range(3):
        sign_up(shared, participants=[person(country="PT")])
    group = [person(country="TR"), person(country="PT")]
    outcome = sign_up(shared, participants=group, join_waiting_list=True)
    assert outcome.registration.status == "waitlisted"
    # The Turkish seat taken inside the failed attempt was given back.
    assert _taken(shared) == {"TR": 0, "PT": 3, "FI": 0}


def test_a_freed_seat_goes_to_the_first_in_line_of_that_country(shared, sign_up, person):
    portuguese = [sign_up(shared, participants=[person(country="PT")]) for _ in range(3)]
    finns = [sign_up(shared, participants=[person(country="FI")]) for _ in range(3)]
    waiting_pt = sign_up(shared, participants=[person(country="PT")], join_waiting_list=True)
    waiting_fi = sign_up(shared, participants=[person(country="FI")], join_waiting_list=True)

    promoted = services.cancel_registration(finns[0].registration)
    # The Portuguese person waits longer, but the free seat is Finland's.
    assert [r.pk for r in promoted] == [waiting_fi.registration.pk]
    waiting_pt.registration.refresh_from_db()
    assert waiting_pt.registration.status == "waitlisted"

    services.cancel_registration(portuguese[0].registration)
    waiting_pt.registration.refresh_from_db()
    assert waiting_pt.registration.status == "confirmed"
    assert _taken(shared) == {"TR": 0, "PT": 3, "FI": 3}


def test_newcomers_queue_behind_their_own_country_only(shared, sign_up, person):
    for _ in range(3):
        sign_up(shared, participants=[person(country="PT")])
    sign_up(shared, participants=[person(country="PT")], join_waiting_list=True)
    # Someone waits for Portugal's seats; a Turkish newcomer is not held up by it.
    assert sign_up(shared, participants=[person(country="TR")]).registration.status == "confirmed"


@pytest.mark.parametrize(
    ("allocations", "message"),
    [
        ({"DE": 2}, "partner countries"),
        ({"TR": 8, "PT": 8}, "more than the capacity"),
    ],
)
def test_allocations_must_fit_the_event_and_the_capacity(event, lead, allocations, message):
    with pytest.raises(ValidationError) as error:
        services.create_ticket_type(
            event, by=lead, name="Youth exchange", capacity=10, allocations=allocations
        )
    assert message in " ".join(error.value.message_dict["allocations"])
    assert not event.ticket_types.filter(name="Youth exchange").exists()


def test_allocating_later_counts_the_seats_already_held(free_ticket, lead, sign_up, person):
    sign_up(free_ticket, participants=[person(country="PT"), person(country="PT")])
    with pytest.raises(ValidationError) as error:
        services.update_ticket_type(free_ticket, by=lead, allocations={"PT": 1, "TR": 5})
    assert "hold 2 seats" in error.value.message_dict["allocations"][0]
    services.update_ticket_type(free_ticket, by=lead, allocations={"PT": 2, "TR": 5})
    assert _taken(free_ticket) == {"PT": 2, "TR": 0}
    # Removing the allocations opens the ticket to everyone again.
    services.update_ticket_type(free_ticket, by=lead, allocations={})
    assert not TicketAllocation.objects.filter(ticket_type=free_ticket).exists()
    assert sign_up(free_ticket, participants=[person(country="DE")]).registration.status == (
        "confirmed"
    )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Real concurrent transactions need PostgreSQL."
)
@pytest.mark.django_db(transaction=True)
def test_thirty_at_once_for_three_portuguese_seats_confirm_three(event, lead, person):
    ticket_type = services.create_ticket_type(
        event, by=lead, name="Youth exchange", capacity=10, allocations={"TR": 7, "PT": 3}
    )

    def register(index: int):
        return services.register(
            event,
            ticket_type=ticket_type,
            name=f"Corredor {index}",
            email=f"corredor{index}@example.org",
            language="en",
            participants=[person(name=f"Corredor {index}", country="PT")],
            accept_terms=True,
            join_waiting_list=index % 2 == 0,
        )

    results = at_once(30, register)
    assert not [r for r in results if not isinstance(r, services.Outcome | Conflict)]
    statuses = Registration.objects.filter(ticket_type=ticket_type).values_list("status", flat=True)
    assert list(statuses).count("confirmed") == 3
    assert _taken(ticket_type) == {"PT": 3, "TR": 0}
    ticket_type.refresh_from_db()
    assert ticket_type.taken == 3


def test_the_lead_keeps_seats_per_country_through_the_api(api, plan, event):
    api.force_authenticate(plan.people["lead"])
    url = f"/api/v1/events/{event.slug}/ticket-types/"
    body = {
        "name": "Youth exchange",
        "capacity": 10,
        "allocations": [{"country": "pt", "seats": 4}],
    }
    response = api.post(url, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["allocations"] == [{"country": "PT", "seats": 4, "taken": 0}]

    item = f"{url}{response.json()['id']}/"
    too_many = {"allocations": [{"country": "PT", "seats": 6}, {"country": "FI", "seats": 6}]}
    response = api.patch(item, too_many, format="json")
    assert response.status_code == 400
    assert "more than the capacity" in str(response.json()["errors"]["allocations"])
    twice = {"allocations": [{"country": "PT", "seats": 1}, {"country": "pt", "seats": 2}]}
    assert api.patch(item, twice, format="json").status_code == 400
    assert api.get(item).json()["allocations"] == [{"country": "PT", "seats": 4, "taken": 0}]

    response = api.patch(item, {"allocations": []}, format="json")
    assert response.status_code == 200
    assert response.json()["allocations"] == []


def test_the_ticket_form_offers_one_field_per_partner_country(client, plan, event):
    client.force_login(plan.people["lead"])
    url = f"/events/{event.slug}/ticket-types/new/"
    page = client.get(url).content.decode()
    for country in ("Türkiye", "Portugal", "Finland"):
        assert f"Seats kept for residents of {country}" in page
    assert "Germany" not in page

    response = client.post(
        url,
        {
            "name": "Youth exchange",
            "price": "0",
            "currency": "EUR",
            "capacity": "10",
            "allocation_TR": "6",
            "allocation_PT": "2",
            "allocation_FI": "",
        },
    )
    assert response.status_code == 302
    ticket_type = event.ticket_types.get(name="Youth exchange")
    assert _taken(ticket_type) == {"PT": 0, "TR": 0}
    listing = client.get(f"/events/{event.slug}/ticket-types/").content.decode()
    assert "Portugal 0/2" in listing and "Türkiye 0/6" in listing

    refused = client.post(
        url,
        {"name": "Too big", "price": "0", "currency": "EUR", "capacity": "3", "allocation_TR": "6"},
    )
    assert refused.status_code == 400
    assert "more than the capacity" in refused.content.decode()
    assert not event.ticket_types.filter(name="Too big").exists()
