"""Registration pages: register (alone, as a group, onto the waiting list), the registration's own
page at its secret link, the organisers' list, CSV export, ticket types and check-in — for each,
success, who may (and may not) and bad input."""

import csv
import io
import re
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string

from events import services as planning
from events.models import EventStatus
from registrations import checkins, services, tickets
from registrations.models import (
    CheckIn,
    CheckInResult,
    Participant,
    Registration,
    RegistrationStatus,
    TicketType,
)
from registrations.views import organiser
from sportevents.exports import neutralise
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

CONFIRMED = RegistrationStatus.CONFIRMED
WAITLISTED = RegistrationStatus.WAITLISTED
CANCELLED = RegistrationStatus.CANCELLED
LISBON = ZoneInfo("Europe/Lisbon")
ADULT = {"name": "Ana Souza", "country": "PT", "year_of_birth": "1985", "role": "athlete"}


def register_url(event) -> str:
    return f"/events/{event.slug}/register/"


def manage_url(token: str) -> str:
    return f"/registrations/{token}/"


def form_data(ticket, people=None, **changes) -> dict:
    """The registration form as a browser posts it; a value of None leaves the field out."""
    people = [ADULT] if people is None else people
    data = {
        "ticket_type": ticket.pk,
        "name": "Ana Souza",
        "email": "ana@example.org",
        "language": "en",
        "accept_terms": "on",
        "participants-TOTAL_FORMS": len(people),
        "participants-INITIAL_FORMS": 0,
        "participants-MIN_NUM_FORMS": 1,
        "participants-MAX_NUM_FORMS": 20,
    }
    for index, person in enumerate(people):
        for name, value in person.items():
            data[f"participants-{index}-{name}"] = value
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def token_of(response) -> str:
    if response.status_code != 302 and response.context:
        participants = response.context.get("participants")
        details = (
            response.context["form"].errors,
            participants and participants.errors,
            participants and participants.non_form_errors(),
        )
        raise AssertionError(f"{response.status_code}: {details}")
    assert response.status_code == 302
    match = re.fullmatch(r"/registrations/([^/]+)/", response["Location"])
    assert match, response["Location"]
    return match[1]


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def small_ticket(event, lead):
    return services.create_ticket_type(event, by=lead, name="Last seat", capacity=1)


@pytest.fixture
def session(plan, event):
    return planning.add_session(
        event,
        by=plan.people["pt"],
        venue=plan.venues["pt"],
        title="Fun run",
        kind="competition",
        starts_at=datetime(2027, 9, 24, 9, tzinfo=LISBON),
        ends_at=datetime(2027, 9, 24, 12, tzinfo=LISBON),
    )


# Registering -------------------------------------------------------------------------------


def test_register_page_lists_the_tickets_on_sale_with_their_seats(client, lead, free_ticket):
    hidden = services.create_ticket_type(
        free_ticket.event, by=lead, name="Staff only", capacity=3, is_active=False
    )
    response = client.get(register_url(free_ticket.event))
    assert response.status_code == 200
    page = text(response)
    assert "Fun run 5 km — Free — 10 seats left" in page
    assert hidden.name not in page
    assert "<legend>Participant 1</legend>" in page


def test_register_language_defaults_to_the_page_language(client, free_ticket):
    response = client.get(register_url(free_ticket.event), HTTP_ACCEPT_LANGUAGE="de")
    assert response.context["form"]["language"].value() == "de"


def test_both_optional_consents_are_separate_and_unticked(client, free_ticket):
    page = text(client.get(register_url(free_ticket.event)))
    for name in ("survey_consent", "accessibility_consent"):
        field = re.search(rf'<input[^>]*name="participants-0-{name}"[^>]*>', page)[0]
        assert "checked" not in field
        assert "required" not in field
    assert "Your registration does not depend on it." in page


def test_register_alone_confirms_and_goes_to_the_manage_page(client, free_ticket):
    response = client.post(register_url(free_ticket.event), form_data(free_ticket))
    token = token_of(response)
    registration = services.find_registration(token)
    assert registration.status == CONFIRMED
    assert registration.email == "ana@example.org"
    person = registration.participants.get()
    assert (person.name, str(person.country), person.year_of_birth) == ("Ana Souza", "PT", 1985)
    assert person.gender == "undisclosed"
    assert person.survey_consent_at is None and person.accessibility_consent_at is None
    page = text(client.get(response["Location"]))
    assert "You are registered." in page


def test_register_records_the_optional_consents_when_ticked(client, free_ticket):
    person = {
        **ADULT,
        "survey_consent": "on",
        "accessibility_consent": "on",
        "accessibility_needs": ["step-free", "quiet-room"],
        "accessibility_note": "No nuts",
    }
    token_of(client.post(register_url(free_ticket.event), form_data(free_ticket, [person])))
    saved = Participant.objects.get()
    assert saved.survey_consent_at is not None
    assert saved.accessibility_consent_at is not None
    assert saved.accessibility_needs == ["step-free", "quiet-room"]
    assert saved.accessibility_note == "No nuts"


def test_accessibility_needs_without_their_consent_are_ignored(client, free_ticket):
    person = {**ADULT, "accessibility_needs": ["sign-language"], "accessibility_note": "Deaf"}
    token_of(client.post(register_url(free_ticket.event), form_data(free_ticket, [person])))
    saved = Participant.objects.get()
    assert saved.accessibility_consent_at is None
    assert saved.accessibility_needs == [] and saved.accessibility_note == ""


@pytest.mark.parametrize(
    "changes",
    [
        {"name": ""},
        {"email": "not-an-email"},
        {"accept_terms": None},
        {"ticket_type": "999999"},
        {"ticket_type": "abc"},
        {"language": "xx"},
        {"participants-0-name": ""},
        {"participants-0-country": "XX"},
        {"participants-0-year_of_birth": "nineteen"},
        {"participants-0-year_of_birth": "99999999999999999999"},
        {"participants-0-gender": "robot"},
        {"participants-0-role": "king"},
        {"participants-0-accessibility_needs": ["teleport"]},
        {"participants-0-guardian_email": "nope"},
        {"participants-TOTAL_FORMS": "x"},
        {"participants-TOTAL_FORMS": "1000"},
        {"participants-TOTAL_FORMS": "0"},
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(client, free_ticket, changes):
    data = {**form_data(free_ticket), **changes}
    data = {name: value for name, value in data.items() if value is not None}
    response = client.post(register_url(free_ticket.event), data)
    assert response.status_code == 400
    assert not Registration.objects.exists()
    assert 'class="alert alert--error"' in text(response)


def test_an_empty_post_is_refused_not_ignored(client, free_ticket):
    response = client.post(register_url(free_ticket.event), {})
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_a_service_refusal_lands_on_the_participant_it_concerns(client, free_ticket):
    child = {**ADULT, "name": "Rui", "year_of_birth": "2018"}
    data = form_data(free_ticket, [ADULT, child])
    response = client.post(register_url(free_ticket.event), data)
    assert response.status_code == 400
    first, second = response.context["participants"].forms
    assert not first.errors
    assert "Under 16, a parent or guardian registers too" in str(second.errors["guardian_name"])
    assert not Registration.objects.exists()


def test_under_16_registers_with_a_confirming_guardian(client, free_ticket):
    child = {
        **ADULT,
        "year_of_birth": "2018",
        "guardian_name": "Ana Souza",
        "guardian_email": "ana@example.org",
        "guardian_confirmed": "on",
    }
    token_of(client.post(register_url(free_ticket.event), form_data(free_ticket, [child])))
    assert Participant.objects.get().guardian_confirmed_at is not None


def test_group_registration_gives_each_participant_a_ticket(client, free_ticket):
    people = [
        ADULT,
        {**ADULT, "name": "Pedro", "role": "coach", "country": "TR", "email": "pedro@example.org"},
        {**ADULT, "name": "Inês", "year_of_birth": "2001", "gender": "female"},
        {"role": "athlete", "country": "", "gender": ""},  # left blank, as a browser sends it
        {**ADULT, "name": "Left out", "DELETE": "on"},
    ]
    token = token_of(client.post(register_url(free_ticket.event), form_data(free_ticket, people)))
    registration = services.find_registration(token)
    assert registration.is_group and registration.seats == 3
    assert [p.name for p in registration.participants.all()] == ["Ana Souza", "Pedro", "Inês"]
    free_ticket.refresh_from_db()
    assert free_ticket.taken == 3
    page = text(client.get(manage_url(token)))
    assert page.count("data:image/svg+xml;base64,") == 3


def test_group_size_step_shows_that_many_participant_forms(client, free_ticket):
    url = register_url(free_ticket.event)
    assert len(client.get(url + "?participants=3").context["participants"].forms) == 3
    assert len(client.get(url + "?participants=500").context["participants"].forms) == 20
    assert len(client.get(url + "?participants=abc").context["participants"].forms) == 1


def test_adding_a_participant_keeps_what_was_typed_and_shows_no_errors(client, free_ticket):
    data = form_data(free_ticket, [{"name": "Ana Souza"}], email="", add_participant="1")
    response = client.post(register_url(free_ticket.event), data)
    assert response.status_code == 200
    forms = response.context["participants"].forms
    assert len(forms) == 2
    assert forms[0]["name"].value() == "Ana Souza"
    assert "This field is required" not in text(response)
    assert not Registration.objects.exists()


def test_full_ticket_offers_the_waiting_list_then_shows_the_position(client, small_ticket, sign_up):
    sign_up(small_ticket)
    url = register_url(small_ticket.event)
    page = text(client.get(url))
    assert "Last seat — Free — full: waiting list" in page
    assert 'name="join_waiting_list"' in page
    refused = client.post(url, form_data(small_ticket))
    assert refused.status_code == 400
    assert "This ticket is sold out." in text(refused)
    assert Registration.objects.count() == 1
    token = token_of(client.post(url, form_data(small_ticket, join_waiting_list="on")))
    assert services.find_registration(token).status == WAITLISTED
    page = text(client.get(manage_url(token)))
    assert "You are number 1 on the waiting list." in page
    assert "Number 1 on the waiting list" in page
    assert "data:image/svg+xml" not in page  # no ticket while waiting


def test_the_same_email_twice_is_a_form_error(client, free_ticket):
    url = register_url(free_ticket.event)
    token_of(client.post(url, form_data(free_ticket)))
    response = client.post(url, form_data(free_ticket))
    assert response.status_code == 400
    assert "is registered for this ticket already" in text(response)
    assert Registration.objects.count() == 1


def test_draft_event_register_page_is_a_404(client, plan):
    assert client.get(register_url(plan.event)).status_code == 404


def test_without_a_ticket_on_sale_registration_is_not_open(client, event):
    response = client.get(register_url(event))
    assert response.status_code == 200
    assert "Registration is not open for this event" in text(response)
    assert 'name="accept_terms"' not in text(response)


def test_a_ticket_taken_off_sale_meanwhile_is_a_form_error(client, lead, free_ticket):
    data = form_data(free_ticket)
    services.update_ticket_type(free_ticket, by=lead, is_active=False)
    response = client.post(register_url(free_ticket.event), data)
    assert response.status_code == 400
    assert not Registration.objects.exists()


# The registration's own page ---------------------------------------------------------------


def test_manage_page_shows_status_tickets_programme_and_venue(client, free_ticket, session):
    person = {
        **ADULT,
        "accessibility_consent": "on",
        "accessibility_needs": ["step-free"],
    }
    token = token_of(client.post(register_url(free_ticket.event), form_data(free_ticket, [person])))
    response = client.get(manage_url(token))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    page = text(response)
    registration = services.find_registration(token)
    assert registration.reference in page and "Confirmed" in page and "Fun run 5 km" in page
    code = re.search(r"<code>([^<]+)</code>", page)[1]
    claims = tickets.verify(code, tickets.public_keys(free_ticket.event))
    assert claims.ticket_id == registration.participants.get().ticket_id
    assert "09:00" in page and "UTC+01:00" in page  # the session in Lisbon's local time
    assert "Av. D. João II" in page  # the venue's address
    assert "Step-free access" in page


def test_manage_page_of_an_unknown_token_is_a_plain_404(client, free_ticket, sign_up):
    sign_up(free_ticket)
    response = client.get(manage_url("not-a-real-token"))
    assert response.status_code == 404
    assert "Fun run" not in text(response) and "Buyer" not in text(response)


def test_ticket_png_is_served_only_for_its_confirmed_registration(
    client, free_ticket, small_ticket, sign_up
):
    outcome = sign_up(free_ticket)
    other = sign_up(free_ticket)
    ticket_id = outcome.registration.participants.get().ticket_id
    response = client.get(f"{manage_url(outcome.manage_token)}tickets/{ticket_id}.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    foreign = other.registration.participants.get().ticket_id
    assert client.get(f"{manage_url(outcome.manage_token)}tickets/{foreign}.png").status_code == 404
    sign_up(small_ticket)
    waiting = sign_up(small_ticket, join_waiting_list=True)
    waiting_ticket = waiting.registration.participants.get().ticket_id
    url = f"{manage_url(waiting.manage_token)}tickets/{waiting_ticket}.png"
    assert client.get(url).status_code == 404


def test_cancel_asks_first_then_cancels_and_promotes_the_next_in_line(
    client, small_ticket, sign_up
):
    first = sign_up(small_ticket)
    second = sign_up(small_ticket, join_waiting_list=True)
    cancel_url = manage_url(first.manage_token) + "cancel/"
    confirm = client.get(cancel_url)
    assert confirm.status_code == 200
    assert "Yes, cancel the registration" in text(confirm)
    first.registration.refresh_from_db()
    assert first.registration.status == CONFIRMED  # asking changes nothing

    response = client.post(cancel_url)
    assert response.status_code == 302
    assert response["Location"] == manage_url(first.manage_token)
    first.registration.refresh_from_db()
    second.registration.refresh_from_db()
    assert first.registration.status == CANCELLED
    assert second.registration.status == CONFIRMED
    small_ticket.refresh_from_db()
    assert small_ticket.taken == 1
    page = text(client.get(response["Location"]))
    assert "This registration is cancelled" in page
    assert "data:image/svg+xml" not in page
    assert "Cancel the registration" not in page
    assert "data:image/svg+xml" in text(client.get(manage_url(second.manage_token)))


def test_cancelling_twice_says_so_and_never_fails(client, free_ticket, sign_up):
    outcome = sign_up(free_ticket)
    cancel_url = manage_url(outcome.manage_token) + "cancel/"
    client.post(cancel_url)
    again = client.post(cancel_url, follow=True)
    assert again.status_code == 200
    assert "This registration is cancelled already." in text(again)
    assert client.get(cancel_url).status_code == 302


def test_cancel_of_an_unknown_token_is_a_404(client, free_ticket):
    assert client.post("/registrations/nothing/cancel/").status_code == 404


# Organiser pages: who may --------------------------------------------------------------------

ORGANISER_PAGES = ["registrations/", "registrations.csv", "ticket-types/", "check-in/"]


@pytest.mark.parametrize("page", ORGANISER_PAGES)
def test_organiser_pages_need_a_login(client, event, page):
    response = client.get(f"/events/{event.slug}/{page}")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("page", ORGANISER_PAGES)
@pytest.mark.parametrize("who", ["outsider", "viewer"])
def test_organiser_pages_refuse_people_who_do_not_edit_the_event(client, plan, event, page, who):
    client.force_login(plan.people[who])
    assert client.get(f"/events/{event.slug}/{page}").status_code == 403


@pytest.mark.parametrize("page", ORGANISER_PAGES)
def test_organiser_pages_of_a_draft_are_a_404_for_outsiders(client, plan, page):
    client.force_login(plan.people["outsider"])
    assert client.get(f"/events/{plan.event.slug}/{page}").status_code == 404


@pytest.mark.parametrize("page", ORGANISER_PAGES)
@pytest.mark.parametrize("who", ["lead", "pt"])
def test_organiser_pages_open_for_the_events_organisers(client, plan, event, page, who):
    client.force_login(plan.people[who])
    assert client.get(f"/events/{event.slug}/{page}").status_code == 200


# Organiser pages: the registrations ---------------------------------------------------------


@pytest.fixture
def crowd(event, lead, free_ticket, paid_ticket, sign_up, person):
    """Registrations across tickets, countries, roles and statuses; one person checked in."""
    ayse = sign_up(free_ticket, name="Ayşe Yılmaz", email="ayse@example.org")
    group = sign_up(
        free_ticket,
        name="Lisboa Move",
        email="team@example.org",
        participants=[
            person(name="João", country="PT", role="coach"),
            person(name="Maria", country="PT"),
        ],
    )
    sign_up(
        paid_ticket, name="Mikko", email="mikko@example.org", participants=[person(country="FI")]
    )
    cancelled = sign_up(free_ticket, name="Gone", email="gone@example.org")
    services.cancel_registration(cancelled.registration)
    participant = ayse.registration.participants.get()
    checkins.check_in(event, token=tickets.sign(participant), gate="A", by=lead)
    return {"ayse": ayse, "group": group, "cancelled": cancelled}


def list_url(event, query="") -> str:
    return f"/events/{event.slug}/registrations/{query}"


def test_list_shows_registrations_counts_and_attendance(client, lead, event, crowd):
    client.force_login(lead)
    response = client.get(list_url(event))
    assert response.status_code == 200
    page = text(response)
    for name in ("Ayşe Yılmaz", "Lisboa Move", "João", "Maria", "Mikko", "Gone"):
        assert name in page
    counts = response.context["counts"]
    assert dict((label, n) for label, n, _seats in counts["statuses"])["Confirmed"] == 2
    assert ("Portugal", 2, 0) in counts["countries"]
    assert ("Türkiye", 1, 1) in counts["countries"]
    assert ("Coach", 1, 0) in counts["roles"]
    assert (counts["people"], counts["checked_in"]) == (4, 1)
    assert "Attendance: 1 of 4 people with a seat checked in." in page
    by_ticket = {
        t.name: (t.taken, t.waiting, t.checked_in) for t in response.context["ticket_types"]
    }
    assert by_ticket == {"Fun run 5 km": (3, 0, 1), "Half marathon": (1, 0, 0)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?q=ayse@", {"Ayşe Yılmaz"}),
        ("?q=maria", {"Lisboa Move"}),  # a participant's name finds their registration
        ("?status=cancelled", {"Gone"}),
        ("?country=PT", {"Lisboa Move"}),
        ("?country=PT&role=coach", {"Lisboa Move"}),
        ("?country=FI&role=coach", set()),
        ("?role=coach", {"Lisboa Move"}),
    ],
)
def test_list_search_and_filters(client, lead, event, crowd, query, expected):
    client.force_login(lead)
    response = client.get(list_url(event, query))
    assert response.status_code == 200
    assert {r.name for r in response.context["page"]} == expected


def test_list_finds_a_registration_by_its_reference(client, lead, event, crowd):
    client.force_login(lead)
    reference = crowd["group"].registration.reference
    response = client.get(list_url(event, f"?q={reference.lower()}"))
    assert [r.name for r in response.context["page"]] == ["Lisboa Move"]


def test_list_filters_by_ticket_type(client, lead, event, crowd, paid_ticket):
    client.force_login(lead)
    response = client.get(list_url(event, f"?ticket_type={paid_ticket.pk}"))
    assert [r.name for r in response.context["page"]] == ["Mikko"]


@pytest.mark.parametrize(
    "query", ["?status=lost", "?ticket_type=999999", "?ticket_type=x", "?country=ZZ", "?role=x"]
)
def test_list_with_an_unknown_filter_value_is_a_400_not_a_500(client, lead, event, crowd, query):
    client.force_login(lead)
    response = client.get(list_url(event, query))
    assert response.status_code == 400
    assert not response.context["page"].object_list


def test_list_is_paginated(client, lead, event, crowd, monkeypatch):
    monkeypatch.setattr(organiser, "PER_PAGE", 2)
    client.force_login(lead)
    first = client.get(list_url(event))
    assert len(first.context["page"]) == 2 and first.context["page"].paginator.num_pages == 2
    assert 'rel="next"' in text(first)
    assert len(client.get(list_url(event, "?page=2")).context["page"]) == 2
    assert client.get(list_url(event, "?page=abc")).status_code == 200


def test_list_runs_a_fixed_number_of_queries(
    client, lead, event, free_ticket, sign_up, person, django_assert_num_queries
):
    client.force_login(lead)
    sign_up(free_ticket)
    client.get(list_url(event))  # warm up: the session row exists from here on
    with django_assert_num_queries(12):
        client.get(list_url(event))
    for number in range(4):
        sign_up(free_ticket, participants=[person(), person(name=f"Friend {number}")])
    with django_assert_num_queries(12):
        response = client.get(list_url(event))
    assert len(response.context["page"]) == 5


def test_organiser_cancels_a_registration_and_the_next_in_line_gets_the_seat(
    client, lead, event, small_ticket, sign_up
):
    first = sign_up(small_ticket)
    second = sign_up(small_ticket, join_waiting_list=True)
    client.force_login(lead)
    url = f"/events/{event.slug}/registrations/{first.registration.reference}/cancel/"
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == list_url(event)
    assert f"The registration {first.registration.reference} of Buyer 1 is cancelled." in text(
        response
    )
    first.registration.refresh_from_db()
    second.registration.refresh_from_db()
    assert (first.registration.status, second.registration.status) == (CANCELLED, CONFIRMED)
    again = client.post(url, follow=True)
    assert "This registration is cancelled already." in text(again)


@pytest.mark.parametrize("who", ["outsider", "viewer"])
def test_only_organisers_cancel_a_registration(client, plan, event, free_ticket, sign_up, who):
    outcome = sign_up(free_ticket)
    client.force_login(plan.people[who])
    url = f"/events/{event.slug}/registrations/{outcome.registration.reference}/cancel/"
    assert client.post(url).status_code == 403
    outcome.registration.refresh_from_db()
    assert outcome.registration.status == CONFIRMED


def test_cancel_of_another_events_registration_is_a_404(
    client, catalogue, lead, event, free_ticket, sign_up
):
    outcome = sign_up(free_ticket)
    other = EventFactory(lead=event.lead)
    client.force_login(lead)
    url = f"/events/{other.slug}/registrations/{outcome.registration.reference}/cancel/"
    assert client.post(url).status_code == 404


# CSV export ----------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_has_a_row_per_participant(client, lead, event, crowd):
    client.force_login(lead)
    rows = read_csv(client.get(f"/events/{event.slug}/registrations.csv"))
    header, *body = rows
    assert header[0] == "Reference" and "Checked in (UTC)" in header
    assert sorted(row[6] for row in body) == sorted(
        ["Ayşe Yılmaz", "João", "Maria", "Ayşe Yılmaz", "Ayşe Yılmaz"]
    )
    checked_in = [row for row in body if row[15]]
    assert len(checked_in) == 1


def test_csv_follows_the_filters(client, lead, event, crowd):
    client.force_login(lead)
    rows = read_csv(client.get(f"/events/{event.slug}/registrations.csv?country=PT"))
    assert [row[6] for row in rows[1:]] == ["João", "Maria"]


@pytest.mark.parametrize(
    "value", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", '=HYPERLINK("http://x")']
)
def test_neutralise_makes_formula_cells_text(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Ana", "1990", "", None, "a=b", " =x"])
def test_neutralise_leaves_other_cells_alone(value):
    assert neutralise(value) == ("" if value is None else value)


def test_csv_neutralises_formula_injection(client, lead, event, free_ticket, sign_up, person):
    sign_up(
        free_ticket,
        name='=HYPERLINK("http://evil")',
        email="-attack@example.org",
        participants=[person(name="@SUM(1+1)*cmd"), person(name="+1+1"), person(name="\t=1")],
    )
    client.force_login(lead)
    body = read_csv(client.get(f"/events/{event.slug}/registrations.csv"))[1:]
    assert len(body) == 3
    for row in body:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    assert body[0][3] == '\'=HYPERLINK("http://evil")'
    assert body[0][4] == "'-attack@example.org"
    assert [row[6] for row in body] == ["'@SUM(1+1)*cmd", "'+1+1", "'\t=1"]


def test_csv_with_a_bad_filter_is_empty_not_an_error(client, lead, event, crowd):
    client.force_login(lead)
    rows = read_csv(client.get(f"/events/{event.slug}/registrations.csv?status=lost"))
    assert len(rows) == 1


# Ticket types --------------------------------------------------------------------------------

TICKET_FORM = {
    "name": "Family day",
    "description": "Saturday only",
    "price": "0",
    "currency": "eur",
    "capacity": "40",
    "sales_start": "2027-06-01T09:00",
    "sales_end": "2027-09-20T18:00",
    "min_age": "",
    "max_age": "",
    "is_active": "on",
}


def test_ticket_type_list_shows_seats_and_who_may_add(client, plan, event, free_ticket, sign_up):
    sign_up(free_ticket)
    client.force_login(plan.people["lead"])
    page = text(client.get(f"/events/{event.slug}/ticket-types/"))
    assert "Fun run 5 km" in page and "Add a ticket" in page
    client.force_login(plan.people["pt"])
    page = text(client.get(f"/events/{event.slug}/ticket-types/"))
    assert "Fun run 5 km" in page and "Add a ticket" not in page


def test_lead_adds_a_ticket_type_with_its_sales_window_in_the_events_zone(client, lead, event):
    client.force_login(lead)
    response = client.post(f"/events/{event.slug}/ticket-types/new/", TICKET_FORM)
    assert response.status_code == 302
    assert response["Location"] == f"/events/{event.slug}/ticket-types/"
    ticket_type = TicketType.objects.get(event=event)
    assert ticket_type.currency == "EUR" and ticket_type.capacity == 40
    # No session yet: the lead's country (Türkiye) gives the zone, UTC+03:00.
    assert ticket_type.sales_start == datetime(2027, 6, 1, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"capacity": "0"}, "capacity"),
        ({"capacity": "many"}, "capacity"),
        ({"price": "-1"}, "price"),
        ({"price": "1234567890"}, "price"),
        ({"currency": "E1"}, "currency"),
        ({"currency": "EURO"}, "currency"),
        ({"sales_end": "2027-05-01T09:00"}, "sales_end"),
        ({"sales_start": "yesterday"}, "sales_start"),
        ({"min_age": "18", "max_age": "12"}, "max_age"),
        ({"min_age": "-1"}, "min_age"),
    ],
)
def test_bad_ticket_type_input_is_a_form_error(client, lead, event, changes, field):
    client.force_login(lead)
    response = client.post(f"/events/{event.slug}/ticket-types/new/", {**TICKET_FORM, **changes})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not TicketType.objects.exists()


def test_partner_organisers_may_not_add_or_edit_ticket_types(client, plan, event, free_ticket):
    client.force_login(plan.people["pt"])
    assert client.get(f"/events/{event.slug}/ticket-types/new/").status_code == 403
    assert client.post(f"/events/{event.slug}/ticket-types/new/", TICKET_FORM).status_code == 403
    url = f"/events/{event.slug}/ticket-types/{free_ticket.pk}/edit/"
    assert client.post(url, TICKET_FORM).status_code == 403
    assert TicketType.objects.count() == 1


def test_lead_edits_a_ticket_type(client, lead, event, free_ticket):
    client.force_login(lead)
    url = f"/events/{event.slug}/ticket-types/{free_ticket.pk}/edit/"
    form = client.get(url).context["form"]
    assert form["name"].value() == "Fun run 5 km" and form["capacity"].value() == 10
    response = client.post(url, {**TICKET_FORM, "name": "Fun run", "price": "5", "currency": "try"})
    assert response.status_code == 302
    free_ticket.refresh_from_db()
    assert (free_ticket.name, free_ticket.price, free_ticket.currency) == (
        "Fun run",
        Decimal("5.00"),
        "TRY",
    )


def test_capacity_below_the_seats_taken_is_refused_on_the_field(
    client, lead, event, free_ticket, sign_up, person
):
    sign_up(free_ticket, participants=[person(), person(), person()])
    client.force_login(lead)
    url = f"/events/{event.slug}/ticket-types/{free_ticket.pk}/edit/"
    response = client.post(url, {**TICKET_FORM, "capacity": "2"})
    assert response.status_code == 400
    assert "3 seats are taken already" in str(response.context["form"].errors["capacity"])
    free_ticket.refresh_from_db()
    assert free_ticket.capacity == 10 and free_ticket.name == "Fun run 5 km"


def test_ticket_type_of_another_event_is_a_404(client, catalogue, lead, event, free_ticket):
    other = EventFactory(lead=event.lead)
    client.force_login(lead)
    assert (
        client.get(f"/events/{other.slug}/ticket-types/{free_ticket.pk}/edit/").status_code == 404
    )


# Check-in ------------------------------------------------------------------------------------


def check_in_url(event) -> str:
    return f"/events/{event.slug}/check-in/"


def test_valid_ticket_is_a_green_answer_with_name_ticket_age_group_and_needs(
    client, lead, event, free_ticket, sign_up, person
):
    outcome = sign_up(
        free_ticket,
        participants=[
            person(
                name="Elif",
                accessibility_consent=True,
                accessibility_needs=["support-person"],
                accessibility_note="Uses a wheelchair",
            )
        ],
    )
    client.force_login(lead)
    code = tickets.sign(outcome.registration.participants.get())
    response = client.post(check_in_url(event), {"token": code, "gate": "North"})
    assert response.status_code == 200
    page = text(response)
    assert 'role="status"' in page and "scan--valid" in page
    assert "Valid" in page and "Elif" in page and "Fun run 5 km" in page
    assert "30–64" in page  # born 1990, the event is in 2027
    assert "A support person, who comes free of charge" in page and "Uses a wheelchair" in page
    assert response.context["form"]["gate"].value() == "North"  # ready for the next one
    assert CheckIn.objects.get().result == CheckInResult.VALID


def test_second_scan_is_amber_with_the_time_and_gate_of_the_first(
    client, lead, event, free_ticket, sign_up
):
    outcome = sign_up(free_ticket)
    code = tickets.sign(outcome.registration.participants.get())
    checkins.check_in(
        event, token=code, gate="North", by=lead, scanned_at=datetime(2027, 9, 23, 7, 5, tzinfo=UTC)
    )
    # The second scan comes later (the earliest scan is the one that counts).
    with time_machine.travel(datetime(2027, 9, 23, 8, 0, tzinfo=UTC), tick=False):
        client.force_login(lead)
        response = client.post(check_in_url(event), {"token": code, "gate": "South"})
    page = text(response)
    assert "scan--already" in page
    # The first scan, in the event's zone (Istanbul, UTC+03:00).
    assert "Already checked in at 10:05 at gate North" in page


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("rubbish", "Not a ticket: the code cannot be read."),
        ("", None),
    ],
)
def test_unreadable_or_empty_code(client, lead, event, free_ticket, code, reason):
    client.force_login(lead)
    response = client.post(check_in_url(event), {"token": code, "gate": ""})
    if reason:
        assert response.status_code == 200
        assert "scan--invalid" in text(response) and reason in text(response)
        assert CheckIn.objects.get().result == CheckInResult.INVALID
    else:
        assert response.status_code == 400
        assert "token" in response.context["form"].errors
        assert not CheckIn.objects.exists()


def test_altered_and_cancelled_tickets_are_red_with_the_reason(
    client, lead, event, free_ticket, sign_up
):
    outcome = sign_up(free_ticket)
    code = tickets.sign(outcome.registration.participants.get())
    client.force_login(lead)
    altered = code[:-4] + ("AAAA" if not code.endswith("AAAA") else "BBBB")
    page = text(client.post(check_in_url(event), {"token": altered, "gate": ""}))
    assert "scan--invalid" in page and "Invalid" in page
    services.cancel_registration(outcome.registration)
    page = text(client.post(check_in_url(event), {"token": code, "gate": ""}))
    assert "This ticket was cancelled." in page
    assert not CheckIn.objects.filter(result=CheckInResult.VALID).exists()


def test_check_in_of_a_draft_event_is_hidden_from_outsiders(client, plan):
    client.force_login(plan.people["outsider"])
    assert client.post(check_in_url(plan.event), {"token": "x"}).status_code == 404


@pytest.mark.parametrize("who", ["outsider", "viewer"])
def test_only_organisers_check_tickets_in(client, plan, event, free_ticket, sign_up, who):
    outcome = sign_up(free_ticket)
    code = tickets.sign(outcome.registration.participants.get())
    client.force_login(plan.people[who])
    assert client.post(check_in_url(event), {"token": code}).status_code == 403
    assert not CheckIn.objects.exists()


# The register box for the event page ------------------------------------------------------


def test_register_box_lists_the_tickets_with_price_seats_and_a_register_link(
    event, free_ticket, paid_ticket, sign_up
):
    html = render_to_string(
        "registrations/_register_box.html",
        {"event": event, "ticket_types": [free_ticket, paid_ticket]},
    )
    assert f"/events/{event.slug}/register/?ticket_type={free_ticket.pk}" in html
    assert "Free" in html and "10 seats left" in html
    assert "25.00 EUR" in html and "5 seats left" in html


def test_register_box_without_tickets_says_registration_is_not_open(event):
    html = render_to_string(
        "registrations/_register_box.html", {"event": event, "ticket_types": []}
    )
    assert "Registration is not open" in html


def test_register_box_offers_the_waiting_list_when_full(event, small_ticket, sign_up):
    sign_up(small_ticket)
    small_ticket.refresh_from_db()
    html = render_to_string(
        "registrations/_register_box.html", {"event": event, "ticket_types": [small_ticket]}
    )
    assert "Full: you can join the waiting list" in html


def test_the_event_page_shows_the_seats_left_at_once_while_the_rest_is_cached(
    client, event, free_ticket, lead, sign_up, person, django_assert_num_queries
):
    url = f"/events/{event.slug}/"
    assert "10 seats left" in text(client.get(url))
    sign_up(free_ticket, participants=[person(), person(name="Friend")])
    with django_assert_num_queries(1):  # the ticket types: the rest comes from the cache
        assert "8 seats left" in text(client.get(url))
    services.update_ticket_type(free_ticket, by=lead, is_active=False)
    assert "Registration is not open" in text(client.get(url))


def test_registering_for_a_cancelled_event_is_refused(client, plan, event, free_ticket):
    planning.change_status(
        event, by=plan.people["lead"], status=EventStatus.CANCELLED, reason="Rain"
    )
    response = client.post(register_url(event), form_data(free_ticket))
    assert response.status_code == 400
    assert "Registration is not open for this event" in text(response)
    assert not Registration.objects.exists()
