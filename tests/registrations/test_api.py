"""The registration API: ticket types, registering, the organisers' list and cancellation, the
manage link with its QR tickets, check-in at the door and the keys for offline scanners.

The scene is tests/registrations/conftest.py's: the published planning event with a free
(10 seats) and a paid (5 seats) ticket type; people lead, viewer, pt, fi and outsider.
"""

import base64
import io
import re
import uuid
from datetime import timedelta

import pytest
import requests
import schemathesis
import zxingcpp
from django.core.cache import cache
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from PIL import Image
from rest_framework.throttling import SimpleRateThrottle

from events import services as planning
from events.models import EventStatus
from registrations import services, tickets
from registrations.models import CheckIn, Participant, Registration, TicketType
from tests.factories import EventFactory, MembershipFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def as_user(api, user):
    api.force_authenticate(user)
    return api


def types_url(event, pk=None) -> str:
    return f"{API}/events/{event.slug}/ticket-types/" + (f"{pk}/" if pk else "")


def registrations_url(event) -> str:
    return f"{API}/events/{event.slug}/registrations/"


def manage_url(token: str, *parts: str) -> str:
    return f"{API}/registrations/manage/{token}/" + "".join(f"{part}/" for part in parts)


def qr_url(token: str, ticket_id, kind: str) -> str:
    return f"{API}/registrations/manage/{token}/tickets/{ticket_id}/qr.{kind}"


def body(ticket_type, *people, **fields) -> dict:
    return {
        "ticket_type": ticket_type.pk,
        "name": "Ana Silva",
        "email": "ana@example.org",
        "language": "es",
        "accept_terms": True,
        "participants": list(people)
        or [{"name": "Ana Silva", "country": "PT", "year_of_birth": 1990}],
        **fields,
    }


def sign(participant) -> str:
    return tickets.sign(Participant.objects.select_related("registration").get(pk=participant.pk))


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


# Ticket types ------------------------------------------------------------------------------


def test_anyone_sees_the_active_ticket_types_with_seats_left(
    api, plan, event, free_ticket, paid_ticket, sign_up
):
    sign_up(free_ticket)
    TicketType.objects.create(event=event, name="Closed", capacity=3, is_active=False)

    response = api.get(types_url(event))

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["name"] for row in rows] == ["Fun run 5 km", "Half marathon"]
    assert rows[0] | {"id": None, "sales_start": None} == {
        "id": None,
        "name": "Fun run 5 km",
        "description": "",
        "price": "0.00",
        "currency": "EUR",
        "is_free": True,
        "capacity": 10,
        "seats_left": 9,
        "on_sale": True,
        "is_active": True,
        "sales_start": None,
        "sales_end": None,
        "min_age": None,
        "max_age": None,
        "refund_policy": "full-until",
        "refund_days_before": 14,
        "allocations": [],
    }
    assert (rows[1]["price"], rows[1]["is_free"]) == ("25.00", False)
    as_user(api, plan.people["outsider"])
    assert len(api.get(types_url(event)).json()["results"]) == 2


@pytest.mark.parametrize("who", ["viewer", "pt", "lead"])
def test_members_also_see_the_inactive_ticket_types(api, plan, event, free_ticket, who):
    TicketType.objects.create(event=event, name="Closed", capacity=3, is_active=False)
    rows = as_user(api, plan.people[who]).get(types_url(event)).json()["results"]
    assert {row["name"]: row["on_sale"] for row in rows} == {"Closed": False, "Fun run 5 km": True}


def test_an_inactive_ticket_type_is_a_404_for_the_public(api, event):
    closed = TicketType.objects.create(event=event, name="Closed", capacity=3, is_active=False)
    assert api.get(types_url(event, closed.pk)).status_code == 404


def test_ticket_types_of_a_draft_are_a_404_for_outsiders(api, plan, catalogue):
    draft = plan.event  # not published by the `event` fixture here
    assert api.get(types_url(draft)).status_code == 404
    assert as_user(api, plan.people["outsider"]).get(types_url(draft)).status_code == 404
    assert as_user(api, plan.people["viewer"]).get(types_url(draft)).status_code == 200


def test_lead_organiser_creates_a_ticket_type(api, plan, event):
    response = as_user(api, plan.people["lead"]).post(
        types_url(event),
        {
            "name": "Youth race",
            "price": "12.50",
            "currency": "try",
            "capacity": 40,
            "min_age": 12,
            "max_age": 17,
            "sales_start": "2027-06-01T09:00:00+03:00",
            "sales_end": "2027-09-20T23:00:00+03:00",
        },
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["currency"], data["price"], data["seats_left"]) == ("TRY", "12.50", 40)
    assert data["sales_start"] == "2027-06-01T06:00:00Z"
    ticket_type = TicketType.objects.get(pk=data["id"])
    assert (ticket_type.event, ticket_type.min_age, ticket_type.max_age) == (event, 12, 17)


@pytest.mark.parametrize(
    ("who", "status"), [(None, 401), ("outsider", 403), ("viewer", 403), ("pt", 403)]
)
def test_only_the_lead_organisers_create_ticket_types(api, plan, event, who, status):
    if who:
        as_user(api, plan.people[who])
    response = api.post(types_url(event), {"name": "Sneaky", "capacity": 5})
    assert response.status_code == status
    assert not TicketType.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"currency": "EURO"}, "currency"),
        ({"price": "-1"}, "price"),
        ({"capacity": 0}, "capacity"),
        ({"sales_start": "2027-06-01T09:00:00"}, "sales_start"),  # no offset: ambiguous
        (
            {"sales_start": "2027-06-02T09:00:00Z", "sales_end": "2027-06-01T09:00:00Z"},
            "sales_end",
        ),
        ({"min_age": 18, "max_age": 16}, "max_age"),
        ({"min_age": 130}, "min_age"),
    ],
)
def test_ticket_type_input_is_checked(api, plan, event, fields, field):
    response = as_user(api, plan.people["lead"]).post(
        types_url(event), {"name": "Race", "capacity": 5, **fields}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]
    assert not TicketType.objects.exists()


def test_lead_organiser_changes_a_ticket_type(api, plan, free_ticket, sign_up, person):
    sign_up(free_ticket, participants=[person(), person(), person()])
    as_user(api, plan.people["lead"])

    response = api.patch(types_url(free_ticket.event, free_ticket.pk), {"capacity": 20})
    assert response.status_code == 200
    assert (response.json()["capacity"], response.json()["seats_left"]) == (20, 17)

    response = api.patch(types_url(free_ticket.event, free_ticket.pk), {"capacity": 2})
    assert response.status_code == 400
    assert "capacity" in response.json()["errors"]
    free_ticket.refresh_from_db()
    assert free_ticket.capacity == 20


@pytest.mark.parametrize(
    ("who", "status"), [(None, 401), ("outsider", 403), ("viewer", 403), ("pt", 403)]
)
def test_only_the_lead_organisers_change_ticket_types(api, plan, free_ticket, who, status):
    if who:
        as_user(api, plan.people[who])
    response = api.patch(types_url(free_ticket.event, free_ticket.pk), {"capacity": 1000})
    assert response.status_code == status
    free_ticket.refresh_from_db()
    assert free_ticket.capacity == 10


def test_another_events_ticket_type_is_a_404(api, plan, event, catalogue):
    other = EventFactory()
    foreign = TicketType.objects.create(event=other, name="Theirs", capacity=3)
    as_user(api, plan.people["lead"])
    assert api.get(types_url(event, foreign.pk)).status_code == 404
    assert api.patch(types_url(event, foreign.pk), {"capacity": 1}).status_code == 404


# Registering -------------------------------------------------------------------------------


def test_anyone_registers_without_an_account_and_gets_the_manage_token_once(
    api, event, free_ticket
):
    response = api.post(registrations_url(event), body(free_ticket))

    assert response.status_code == 201, response.json()
    assert response["Cache-Control"].startswith("max-age=0")
    data = response.json()
    registration = Registration.objects.get()
    assert data["reference"] == registration.reference
    assert (data["status"], data["waitlist_position"], data["seats"]) == ("confirmed", None, 1)
    assert (data["event"], data["ticket_type"]) == (
        event.slug,
        {"id": free_ticket.pk, "name": "Fun run 5 km"},
    )
    [participant] = data["participants"]
    assert participant["ticket_id"] == str(registration.participants.get().ticket_id)
    assert (participant["country"], participant["gender"], participant["role"]) == (
        "PT",
        "undisclosed",
        "athlete",
    )
    assert participant["survey_consent"] is False
    assert services.find_registration(data["manage_token"]) == registration
    assert registration.language == "es"
    # Shown once: reading the registration again does not give it away.
    assert "manage_token" not in api.get(manage_url(data["manage_token"])).json()


def test_a_group_registers_each_participant_with_a_ticket_and_consents(api, event, free_ticket):
    people = [
        {
            "name": "Ana Silva",
            "email": "ana@example.org",
            "country": "PT",
            "year_of_birth": 1988,
            "gender": "female",
            "role": "coach",
            "survey_consent": True,
        },
        {
            "name": "Rui Silva",
            "country": "PT",
            "year_of_birth": 2015,
            "guardian_name": "Ana Silva",
            "guardian_email": "ana@example.org",
            "guardian_confirmed": True,
            "accessibility_consent": True,
            "accessibility_needs": ["step-free", "quiet-room"],
            "accessibility_note": "Nut allergy",
        },
    ]
    response = api.post(registrations_url(event), body(free_ticket, *people))

    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["is_group"], data["seats"]) == (True, 2)
    ana, rui = data["participants"]
    assert (ana["role"], ana["gender"], ana["survey_consent"]) == ("coach", "female", True)
    assert rui["guardian_confirmed"] is True
    assert (rui["accessibility_consent"], rui["accessibility_needs"], rui["email"]) == (
        True,
        ["step-free", "quiet-room"],
        "",
    )
    assert ana["ticket_id"] != rui["ticket_id"]
    free_ticket.refresh_from_db()
    assert free_ticket.taken == 2


def test_the_language_defaults_to_the_requests(api, event, free_ticket):
    data = body(free_ticket)
    del data["language"]
    response = api.post(registrations_url(event), data, HTTP_ACCEPT_LANGUAGE="tr")
    assert response.status_code == 201
    assert response.json()["language"] == "tr"


def test_a_paid_ticket_is_pending_payment(api, event, paid_ticket):
    response = api.post(registrations_url(event), body(paid_ticket))
    assert response.status_code == 201
    assert response.json()["status"] == "pending-payment"


def test_a_full_ticket_answers_409_unless_the_waiting_list_is_asked_for(api, event, lead, sign_up):
    one = services.create_ticket_type(event, by=lead, name="Last seat", capacity=1)
    sign_up(one)

    response = api.post(registrations_url(event), body(one))
    assert response.status_code == 409
    assert response.json()["code"] == "full"
    assert "waiting list" in response.json()["detail"]
    assert Registration.objects.count() == 1

    first = api.post(registrations_url(event), body(one, join_waiting_list=True))
    second = api.post(
        registrations_url(event), body(one, email="rui@example.org", join_waiting_list=True)
    )
    assert first.status_code == second.status_code == 201
    assert (first.json()["status"], first.json()["waitlist_position"]) == ("waitlisted", 1)
    assert second.json()["waitlist_position"] == 2


def test_the_same_email_twice_is_409_already_registered(api, event, free_ticket):
    assert api.post(registrations_url(event), body(free_ticket)).status_code == 201
    response = api.post(registrations_url(event), body(free_ticket, email="ANA@example.org"))
    assert response.status_code == 409
    assert response.json()["code"] == "already_registered"
    assert Registration.objects.count() == 1


def test_participant_errors_come_per_participant(api, event, free_ticket):
    adult = {"name": "Ana Silva", "country": "PT", "year_of_birth": 1990}
    # The serializer's checks...
    response = api.post(
        registrations_url(event),
        body(free_ticket, adult, {**adult, "country": "XX", "accessibility_needs": ["flying"]}),
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"participants[1].country", "participants[1].accessibility_needs"}
    # ... and the service's rules come with the same keys.
    child = {"name": "Rui Silva", "country": "PT", "year_of_birth": 2016}
    response = api.post(registrations_url(event), body(free_ticket, adult, child))
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"participants[1].guardian_name"}
    needs = {**adult, "accessibility_needs": ["step-free"]}  # without the consent
    response = api.post(registrations_url(event), body(free_ticket, needs))
    assert set(response.json()["errors"]) == {"participants[0].accessibility_consent"}
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"accept_terms": False}, "accept_terms"),
        ({"email": "not-an-address"}, "email"),
        ({"participants": []}, "participants"),
        ({"language": "xx"}, "language"),
        ({"ticket_type": 999999}, "ticket_type"),
        (
            {"participants": [{"name": "Ana", "country": "PT", "year_of_birth": 1800}]},
            "participants[0].year_of_birth",
        ),
        ({"participants": "Ana"}, "participants"),
    ],
)
def test_bad_registration_input_is_a_400_per_field(api, event, free_ticket, fields, field):
    response = api.post(registrations_url(event), {**body(free_ticket), **fields})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {field}
    assert not Registration.objects.exists()


def test_another_events_ticket_type_is_unknown_here(api, event, catalogue):
    foreign = TicketType.objects.create(event=EventFactory(), name="Theirs", capacity=3)
    response = api.post(registrations_url(event), body(foreign))
    assert response.status_code == 400
    assert "ticket_type" in response.json()["errors"]


def test_an_inactive_ticket_type_is_not_on_sale(api, event, free_ticket):
    TicketType.objects.filter(pk=free_ticket.pk).update(is_active=False)
    response = api.post(registrations_url(event), body(free_ticket))
    assert response.status_code == 409
    assert response.json()["code"] == "not_on_sale"


def test_a_draft_takes_no_registrations(api, plan, catalogue):
    draft = plan.event
    ticket_type = services.create_ticket_type(draft, by=plan.people["lead"], name="Run", capacity=5)
    assert api.post(registrations_url(draft), body(ticket_type)).status_code == 404
    response = as_user(api, plan.people["viewer"]).post(registrations_url(draft), body(ticket_type))
    assert response.status_code == 409
    assert response.json()["code"] == "not_open"


@pytest.mark.usefixtures("same_rate_window")
def test_registering_is_rate_limited_per_address_and_per_email(
    api, event, free_ticket, monkeypatch
):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "registration", "2/min")
    for number in (1, 2):
        response = api.post(registrations_url(event), body(free_ticket, email=f"p{number}@x.org"))
        assert response.status_code == 201
    response = api.post(registrations_url(event), body(free_ticket, email="p3@x.org"))
    assert response.status_code == 429
    assert response.json()["retry_after"] > 0

    # Another address, the same email: the email's own limit.
    cache.clear()
    elsewhere = {"REMOTE_ADDR": "203.0.113.9"}
    for _attempt in (1, 2):
        api.post(registrations_url(event), body(free_ticket, email="same@x.org"), **elsewhere)
    response = api.post(
        registrations_url(event),
        body(free_ticket, email=" SAME@x.org"),
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 429


@pytest.mark.usefixtures("same_rate_window")
@pytest.mark.parametrize(
    "raw, content_type",
    [("{not json", "application/json"), ("<xml/>", "application/xml")],
)
def test_bodies_that_cannot_be_read_count_against_the_clients_limit(
    api, event, free_ticket, monkeypatch, raw, content_type
):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "registration", "2/min")
    answers = [
        api.post(registrations_url(event), raw, content_type=content_type).status_code
        for _attempt in range(3)
    ]
    assert answers[:2] == [400 if content_type == "application/json" else 415] * 2
    assert answers[2] == 429
    assert api.post(registrations_url(event), body(free_ticket)).status_code == 429


# The organisers' list and cancellation ----------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("outsider", 403), ("viewer", 403), ("pt", 200), ("lead", 200)],
)
def test_only_the_events_organisers_list_its_registrations(
    api, plan, event, free_ticket, sign_up, who, status
):
    sign_up(free_ticket)
    if who:
        as_user(api, plan.people[who])
    response = api.get(registrations_url(event))
    assert response.status_code == status
    if status == 200:
        assert response.json()["count"] == 1


def test_organisers_search_and_filter_registrations(
    api, plan, event, free_ticket, paid_ticket, sign_up, person, lead
):
    ana = sign_up(free_ticket, name="Ana Silva", email="ana@example.org").registration
    group = sign_up(
        free_ticket,
        name="Mehmet Kaya",
        participants=[person(name="Mehmet Kaya"), person(name="Lotta Virtanen", country="FI")],
    ).registration
    coach = sign_up(
        paid_ticket, participants=[person(name="Joana Costa", country="PT", role="coach")]
    ).registration
    services.cancel_registration(ana)
    as_user(api, lead)

    def found(**query) -> list[str]:
        response = api.get(registrations_url(event), query)
        assert response.status_code == 200, response.json()
        return [row["reference"] for row in response.json()["results"]]

    assert found() == [coach.reference, group.reference, ana.reference]  # newest first
    assert found(q="ana@EXAMPLE") == [ana.reference]
    assert found(q="virtanen") == [group.reference]  # a participant's name
    assert found(q=coach.reference.lower()) == [coach.reference]
    assert found(status="cancelled") == [ana.reference]
    assert found(ticket_type=paid_ticket.pk) == [coach.reference]
    assert found(country="FI") == [group.reference]
    assert found(country="PT", role="coach") == [coach.reference]
    assert found(country="FI", role="coach") == []  # both must match one person


@pytest.mark.parametrize(
    "query", [{"status": "lost"}, {"ticket_type": "1.5"}, {"country": "XX"}, {"q": "x" * 101}]
)
def test_a_bad_filter_value_is_a_400(api, lead, event, query):
    response = as_user(api, lead).get(registrations_url(event), query)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(query)


def test_the_registration_list_runs_a_fixed_number_of_queries(
    api, lead, event, free_ticket, paid_ticket, sign_up, person, django_assert_num_queries
):
    as_user(api, lead)
    sign_up(free_ticket, participants=[person(), person()])
    # event, access (the user's memberships of its partners), count, the page, its participants
    with django_assert_num_queries(5):
        assert api.get(registrations_url(event)).json()["count"] == 1
    for _ in range(4):
        sign_up(free_ticket, participants=[person(), person()])
        sign_up(paid_ticket)
    with django_assert_num_queries(5):
        response = api.get(registrations_url(event), {"q": "buyer", "country": "TR"})
        assert response.json()["count"] == 9


def cancel_url(registration) -> str:
    return f"{API}/registrations/{registration.reference}/cancel/"


def test_organiser_cancels_a_registration_and_the_waiting_list_moves_up(
    api, plan, event, lead, sign_up
):
    one = services.create_ticket_type(event, by=lead, name="Last seat", capacity=1)
    first = sign_up(one).registration
    waiting = sign_up(one, join_waiting_list=True).registration

    response = as_user(api, plan.people["pt"]).post(cancel_url(first))

    assert response.status_code == 200
    assert (response.json()["reference"], response.json()["status"]) == (
        first.reference,
        "cancelled",
    )
    assert response.json()["participants"][0]["ticket_revoked"] is True
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    response = api.post(cancel_url(first))
    assert response.status_code == 409
    assert response.json()["code"] == "already_cancelled"


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("outsider", 404), ("viewer", 403)])
def test_only_organisers_cancel_registrations(api, plan, free_ticket, sign_up, who, status):
    registration = sign_up(free_ticket).registration
    if who:
        as_user(api, plan.people[who])
    assert api.post(cancel_url(registration)).status_code == status
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_organisers_of_another_event_cannot_cancel_its_registrations(
    api, free_ticket, sign_up, catalogue
):
    registration = sign_up(free_ticket).registration
    stranger = MembershipFactory(organisation=EventFactory().lead).user
    assert as_user(api, stranger).post(cancel_url(registration)).status_code == 404
    assert as_user(api, stranger).post(f"{API}/registrations/NOSUCHREF/cancel/").status_code == 404


# The participant's manage link -----------------------------------------------------------


def register(api, event, ticket_type, **fields) -> dict:
    response = api.post(registrations_url(event), body(ticket_type, **fields))
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_manage_link_shows_the_registration_with_signed_tickets(api, event, free_ticket):
    people = [
        {"name": "Ana Silva", "country": "PT", "year_of_birth": 1990},
        {"name": "Rui Silva", "country": "PT", "year_of_birth": 1992},
    ]
    created = register(api, event, free_ticket, participants=people)
    token = created["manage_token"]

    response = api.get(manage_url(token))

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    data = response.json()
    assert (data["reference"], data["status"]) == (created["reference"], "confirmed")
    keys = tickets.public_keys(event)
    for shown, sent in zip(data["participants"], created["participants"], strict=True):
        assert shown["ticket_id"] == sent["ticket_id"]
        claims = tickets.verify(shown["ticket"], keys)
        assert str(claims.ticket_id) == shown["ticket_id"]
        assert shown["qr_png"].endswith(f"/tickets/{shown['ticket_id']}/qr.png")
        assert shown["qr_png"].startswith("http://testserver" + manage_url(token))


def test_the_manage_link_of_a_waitlisted_registration_has_no_tickets(api, event, lead, sign_up):
    one = services.create_ticket_type(event, by=lead, name="Last seat", capacity=1)
    sign_up(one)
    created = register(api, event, one, join_waiting_list=True)
    data = api.get(manage_url(created["manage_token"])).json()
    assert (data["status"], data["waitlist_position"]) == ("waitlisted", 1)
    assert [p["ticket"] for p in data["participants"]] == [None]
    assert [p["qr_png"] for p in data["participants"]] == [None]
    ticket_id = data["participants"][0]["ticket_id"]
    assert api.get(qr_url(created["manage_token"], ticket_id, "png")).status_code == 404


def test_an_unknown_manage_token_is_a_plain_404(api, event, free_ticket):
    register(api, event, free_ticket)
    for url in (
        manage_url("no-such-token"),
        manage_url("no-such-token", "cancel"),
        qr_url("no-such-token", uuid.uuid4(), "png"),
    ):
        response = api.post(url) if url.endswith("cancel/") else api.get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_a_logged_in_member_needs_the_token_too(api, plan, event, free_ticket):
    register(api, event, free_ticket)
    as_user(api, plan.people["lead"])
    assert api.get(manage_url("guess")).status_code == 404


def test_the_participant_cancels_with_the_manage_link(api, event, lead, sign_up):
    one = services.create_ticket_type(event, by=lead, name="Last seat", capacity=1)
    created = register(api, event, one)
    waiting = sign_up(one, join_waiting_list=True).registration
    token = created["manage_token"]
    ticket_id = created["participants"][0]["ticket_id"]

    response = api.post(manage_url(token, "cancel"))

    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "cancelled"
    assert data["cancelled_at"] is not None
    assert [p["ticket"] for p in data["participants"]] == [None]
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert api.get(qr_url(token, ticket_id, "png")).status_code == 404
    response = api.post(manage_url(token, "cancel"))
    assert response.status_code == 409
    assert response.json()["code"] == "already_cancelled"


def test_the_ticket_qr_codes_carry_a_ticket_the_door_accepts(api, plan, event, free_ticket):
    created = register(api, event, free_ticket)
    token, ticket_id = created["manage_token"], created["participants"][0]["ticket_id"]

    png = api.get(qr_url(token, ticket_id, "png"), HTTP_ACCEPT="image/png")
    assert png.status_code == 200
    assert png["Content-Type"] == "image/png"
    assert png["Cache-Control"].startswith("max-age=0")
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert str(tickets.verify(code.text, tickets.public_keys(event)).ticket_id) == ticket_id

    svg = api.get(qr_url(token, ticket_id, "svg"))
    assert svg.status_code == 200
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.lstrip().startswith(b"<?xml") or b"<svg" in svg.content[:200]

    response = as_user(api, plan.people["lead"]).post(
        f"{API}/checkins/", {"event": event.slug, "token": code.text, "gate": "A"}
    )
    assert response.json()["result"] == "valid"


def test_a_qr_code_only_for_a_ticket_of_this_registration(api, event, free_ticket):
    mine = register(api, event, free_ticket)
    theirs = register(api, event, free_ticket, email="rui@example.org")
    other_ticket = theirs["participants"][0]["ticket_id"]
    response = api.get(qr_url(mine["manage_token"], other_ticket, "png"), HTTP_ACCEPT="image/png")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


# Check-in ----------------------------------------------------------------------------------

CHECKINS = f"{API}/checkins/"


@pytest.fixture
def door(api, lead):
    return as_user(api, lead)


@pytest.fixture
def ticket(free_ticket, sign_up, person):
    """A confirmed adult's signed ticket."""
    participant = sign_up(free_ticket, participants=[person(name="Ana Silva")]).registration
    return sign(participant.participants.get())


def test_a_valid_ticket_is_green_once_then_already(door, event, ticket):
    response = door.post(CHECKINS, {"event": event.slug, "token": ticket, "gate": "North"})
    assert response.status_code == 200
    data = response.json()
    assert data | {"reference": None} == {
        "result": "valid",
        "reason": "",
        "reason_text": "",
        "name": "Ana Silva",
        "reference": None,
        "ticket_type": "Fun run 5 km",
        "age_group": "30-64",
        "age_group_label": "30–64",
        "accessibility_needs": None,
        "accessibility_note": None,
        "previous": None,
    }

    again = door.post(CHECKINS, {"event": event.slug, "token": ticket, "gate": "South"}).json()
    assert (again["result"], again["name"]) == ("already", "Ana Silva")
    first = CheckIn.objects.get(result="valid")
    assert again["previous"]["gate"] == "North"
    assert again["previous"]["scanned_at"].startswith(first.scanned_at.strftime("%Y-%m-%dT%H:%M"))


def test_forged_and_unreadable_tickets_are_invalid_with_the_reason(door, event, ticket):
    payload, signature = ticket.split(".")
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    for token, reason, text in (
        (forged, "forged", "Forged"),
        ("not a ticket", "unreadable", "cannot be read"),
    ):
        data = door.post(CHECKINS, {"event": event.slug, "token": token}).json()
        assert (data["result"], data["reason"]) == ("invalid", reason)
        assert text in data["reason_text"]
        assert data["name"] is None
    assert CheckIn.objects.filter(result="invalid").count() == 2


def test_a_cancelled_or_foreign_ticket_is_invalid(door, plan, event, free_ticket, sign_up, lead):
    registration = sign_up(free_ticket).registration
    token = sign(registration.participants.get())
    services.cancel_registration(registration)
    data = door.post(CHECKINS, {"event": event.slug, "token": token}).json()
    assert (data["result"], data["reason"]) == ("invalid", "cancelled")
    assert data["reason_text"] == "This ticket was cancelled."

    other = planning.create_event(
        by=lead,
        lead=event.lead,
        title_i18n={"en": "Another week"},
        objective="social-inclusion",
        starts_on=event.starts_on,
        ends_on=event.ends_on,
        sports=["running"],
    )
    other = planning.change_status(other, by=lead, status=EventStatus.PUBLISHED)
    theirs = services.create_ticket_type(other, by=lead, name="Theirs", capacity=5)
    foreign = sign(sign_up(theirs, on=other).registration.participants.get())
    data = door.post(CHECKINS, {"event": event.slug, "token": foreign}).json()
    assert (data["result"], data["reason"]) == ("invalid", "other_event")
    assert data["reason_text"] == "This ticket is for another event."


def test_the_door_sees_age_group_and_needs_only_with_consent(
    door, event, free_ticket, sign_up, person
):
    registration = sign_up(
        free_ticket,
        participants=[
            person(
                name="Rui",
                year_of_birth=2015,
                guardian_name="Ana",
                guardian_email="ana@example.org",
                guardian_confirmed=True,
                accessibility_consent=True,
                accessibility_needs=["step-free"],
                accessibility_note="Wheelchair",
            ),
            person(name="Inês", year_of_birth=2010),
        ],
    ).registration
    rui, ines = registration.participants.all()

    data = door.post(CHECKINS, {"event": event.slug, "token": sign(rui)}).json()
    assert (data["age_group"], data["age_group_label"]) == ("under-16", "Under 16")
    assert (data["accessibility_needs"], data["accessibility_note"]) == (
        ["step-free"],
        "Wheelchair",
    )
    data = door.post(CHECKINS, {"event": event.slug, "token": sign(ines)}).json()
    assert (data["age_group"], data["accessibility_needs"]) == ("16-17", None)


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("outsider", 403), ("viewer", 403), ("pt", 200), ("fi", 200)],
)
def test_only_the_events_organisers_check_tickets_in(api, plan, event, ticket, who, status):
    if who:
        as_user(api, plan.people[who])
    response = api.post(CHECKINS, {"event": event.slug, "token": ticket, "gate": "A"})
    assert response.status_code == status
    assert CheckIn.objects.count() == (1 if status == 200 else 0)


@pytest.mark.parametrize(
    "fields",
    [
        {"event": "no-such-event"},
        {"token": ""},
        {"gate": "x" * 61},
        {"scanned_at": "2027-09-23T10:00:00"},  # no offset
    ],
)
def test_bad_check_in_input_is_a_400(door, event, ticket, fields):
    response = door.post(CHECKINS, {"event": event.slug, "token": ticket, **fields})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(fields)
    assert not CheckIn.objects.exists()


def test_an_offline_scan_keeps_its_time_but_not_one_in_the_future(door, event, ticket):
    # Registration opened yesterday: a scan an hour ago can be right.
    Registration.objects.update(created_at=timezone.now() - timedelta(days=1))
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    response = door.post(CHECKINS, {"event": event.slug, "token": ticket, "scanned_at": later})
    assert response.status_code == 400
    assert "future" in response.json()["errors"]["scanned_at"][0]
    earlier = timezone.now() - timedelta(hours=1)
    response = door.post(
        CHECKINS, {"event": event.slug, "token": ticket, "scanned_at": earlier.isoformat()}
    )
    assert response.json()["result"] == "valid"
    assert CheckIn.objects.get().scanned_at == earlier


def test_a_draft_is_unknown_to_an_outsiders_scanner(api, plan, catalogue):
    response = as_user(api, plan.people["outsider"]).post(
        CHECKINS, {"event": plan.event.slug, "token": "x"}
    )
    assert response.status_code == 400
    assert "event" in response.json()["errors"]


@pytest.mark.usefixtures("same_rate_window")
def test_check_in_is_rate_limited(door, event, ticket, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "checkin", "1/min")
    assert door.post(CHECKINS, {"event": event.slug, "token": ticket}).status_code == 200
    response = door.post(CHECKINS, {"event": event.slug, "token": ticket})
    assert response.status_code == 429
    assert "retry_after" in response.json()


# Keys for offline scanners ----------------------------------------------------------------


def keys_url(event) -> str:
    return f"{API}/events/{event.slug}/ticket-keys/"


def test_scanners_get_the_public_keys_and_the_revoked_tickets(
    api, plan, event, free_ticket, sign_up
):
    cancelled = sign_up(free_ticket).registration
    revoked_id = cancelled.participants.get().ticket_id
    services.cancel_registration(cancelled)
    valid = sign(sign_up(free_ticket).registration.participants.get())
    old_key = tickets.signing_key(event)
    tickets.rotate_key(event)

    response = as_user(api, plan.people["pt"]).get(keys_url(event))

    assert response.status_code == 200
    data = response.json()
    assert data["event"] == event.slug
    assert data["revoked"] == [str(revoked_id)]
    assert len(data["keys"]) == 2
    assert {key["algorithm"] for key in data["keys"]} == {"Ed25519"}
    public = {
        key["key_id"]: base64.urlsafe_b64decode(
            key["public_key"] + "=" * (-len(key["public_key"]) % 4)
        )
        for key in data["keys"]
    }
    assert all(len(raw) == 32 for raw in public.values())
    assert tickets.verify(valid, public).key_id == old_key.key_id
    # Never the private half, in any encoding.
    private = bytes(old_key.private_key)
    text = response.content.decode()
    for encoded in (base64.b64encode(private), base64.urlsafe_b64encode(private).rstrip(b"=")):
        assert encoded.decode() not in text
    assert "private" not in text


def test_a_scanner_loaded_before_the_first_ticket_gets_the_signing_key(api, lead, event):
    data = as_user(api, lead).get(keys_url(event)).json()
    assert [key["key_id"] for key in data["keys"]] == [tickets.signing_key(event).key_id]
    assert data["revoked"] == []


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("outsider", 403), ("viewer", 403)])
def test_only_organisers_get_the_keys(api, plan, event, who, status):
    if who:
        as_user(api, plan.people[who])
    assert api.get(keys_url(event)).status_code == status


def test_the_keys_of_a_draft_are_a_404_for_outsiders(api, plan, catalogue):
    response = as_user(api, plan.people["outsider"]).get(keys_url(plan.event))
    assert response.status_code == 404


# The published schema ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def openapi():
    return schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))


def conforms(openapi, method: str, path: str, response, status: int) -> None:
    """The response has `status` and is what /api/schema/ promises for it: type and body."""
    assert response.status_code == status, response.content[:300]
    as_sent = schemathesis.Response(
        status_code=response.status_code,
        headers={name.lower(): [value] for name, value in response.headers.items()},
        content=response.content,
        request=requests.Request(method, "http://testserver" + path).prepare(),
        elapsed=0.0,
        verify=True,
    )
    openapi[path][method].validate_response(as_sent)


def test_answers_match_the_published_schema(api, openapi, event, lead):
    # The fuzzer (tests/api) meets no event, so it sees only 404s: here the other answers.
    types = "/api/v1/events/{slug}/ticket-types/"
    registrations = "/api/v1/events/{slug}/registrations/"
    manage = "/api/v1/registrations/manage/{token}/"
    as_user(api, lead)
    created = api.post(types_url(event), {"name": "Run", "capacity": 1, "min_age": 10})
    conforms(openapi, "POST", types, created, 201)
    run = TicketType.objects.get()
    conforms(openapi, "GET", types, api.get(types_url(event)), 200)
    conforms(openapi, "GET", types + "{id}/", api.get(types_url(event, run.pk)), 200)
    response = api.patch(types_url(event, run.pk), {"description": "5 km"})
    conforms(openapi, "PATCH", types + "{id}/", response, 200)

    api.force_authenticate(None)
    mine = api.post(registrations_url(event), body(run))
    conforms(openapi, "POST", registrations, mine, 201)
    full = api.post(registrations_url(event), body(run, email="rui@example.org"))
    conforms(openapi, "POST", registrations, full, 409)
    waiting = api.post(
        registrations_url(event), body(run, email="rui@example.org", join_waiting_list=True)
    )
    conforms(openapi, "POST", registrations, waiting, 201)
    token, waiting_token = mine.json()["manage_token"], waiting.json()["manage_token"]
    ticket_id = mine.json()["participants"][0]["ticket_id"]
    conforms(openapi, "GET", manage, api.get(manage_url(token)), 200)
    conforms(openapi, "GET", manage, api.get(manage_url(waiting_token)), 200)
    for kind in ("png", "svg"):
        qr = manage + "tickets/{ticket_id}/qr." + kind
        conforms(openapi, "GET", qr, api.get(qr_url(token, ticket_id, kind)), 200)
        conforms(openapi, "GET", qr, api.get(qr_url(token, uuid.uuid4(), kind)), 404)

    as_user(api, lead)
    code = sign(Participant.objects.get(ticket_id=ticket_id))
    for sent in (code, code, "forged"):  # valid, already, invalid
        response = api.post(CHECKINS, {"event": event.slug, "token": sent, "gate": "A"})
        conforms(openapi, "POST", "/api/v1/checkins/", response, 200)
    conforms(openapi, "GET", "/api/v1/events/{slug}/ticket-keys/", api.get(keys_url(event)), 200)
    conforms(openapi, "GET", registrations, api.get(registrations_url(event)), 200)
    response = api.post(cancel_url(Registration.objects.get(email="ana@example.org")))
    conforms(openapi, "POST", "/api/v1/registrations/{reference}/cancel/", response, 200)
    api.force_authenticate(None)
    response = api.post(manage_url(waiting_token, "cancel"))
    conforms(openapi, "POST", manage + "cancel/", response, 200)


def _statement(sql: str) -> str:
    """A statement as its verb and first table; a WITH of INSERTs as each of them."""
    if sql.startswith("WITH"):
        return " + ".join(f"INSERT {table}" for table in re.findall(r'INSERT INTO "(\w+)"', sql))
    return sql.split()[0] + " " + next(t for t in sql.split('"')[1::2] if "_" in t)


def test_registering_reads_the_event_and_ticket_and_writes_four_rows(
    api, event, free_ticket, django_capture_on_commit_callbacks
):
    """The busiest request of a registration rush: the event, the ticket type (which knows it
    keeps no seats per country), the seat, the registration, its participant and its audit
    entry; no second read of what was just written, and no survey query when no one
    consented."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks() as callbacks,
    ):
        response = api.post(registrations_url(event), body(free_ticket, email="rush@x.org"))
    assert response.status_code == 201, response.content
    assert response.json()["participants"][0]["name"] == "Ana Silva"
    statements = [
        _statement(q["sql"])
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    inserts = [
        "INSERT registrations_registration",
        "INSERT registrations_participant",
        "INSERT events_auditentry",
    ]
    if connection.vendor == "postgresql":  # the three in one statement (rows.InsertWith)
        inserts = [" + ".join(inserts)]
    assert statements == [
        "SELECT events_event",
        "SELECT registrations_tickettype",
        "UPDATE registrations_tickettype",
        *inserts,
    ], statements
    [survey_offer] = [c for c in callbacks if c.__module__ == "surveys.receivers"]
    with CaptureQueriesContext(connection) as offer_queries:
        survey_offer()
    assert len(offer_queries) == 0


def test_participants_sent_as_form_fields_are_a_400_not_a_500(api, event, free_ticket):
    # Form data can only give the participants as strings, which are not people.
    response = api.post(
        registrations_url(event),
        f"ticket_type={free_ticket.pk}&name=Ana&email=ana%40example.org&accept_terms=true"
        "&participants=Ana&participants=Rui",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"participants"}
    assert not Registration.objects.exists()
