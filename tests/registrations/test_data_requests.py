"""Data requests answered by an organisation's administrators: they find what the events their
organisation leads hold under an email address, download it as the person's own export, and
erase it after typing the address again; each answer is recorded. Another organisation, a
member who is not an administrator, or anyone else, sees nothing."""

import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from events.models import Role
from registrations import checkins, data_requests, services, tickets
from registrations.models import (
    DataRequest,
    DataRequestAction,
    Participant,
    RegistrationStatus,
)
from tests.factories import EventFactory, MembershipFactory, OrganisationFactory
from tests.planning_fixtures import member

pytestmark = pytest.mark.django_db

AFTER_THE_EVENT = datetime(2027, 10, 1, 12, tzinfo=UTC)
API = "/api/v1"


def page(organisation, part: str = "") -> str:
    return f"/organisations/{organisation.slug}/data-requests/{part}"


def api_url(organisation, part: str = "") -> str:
    return f"{API}/organisations/{organisation.slug}/data-requests/{part}"


def without_time(export: dict) -> dict:
    return {key: value for key, value in export.items() if key != "exported_at"}


@pytest.fixture
def admin(event):
    """An administrator of the organisation that leads the event."""
    return member(event.lead, Role.ADMIN)


@pytest.fixture
def family(free_ticket, sign_up, person):
    return sign_up(
        free_ticket,
        name="Ayşe Yılmaz",
        email="ayse@example.org",
        participants=[
            person(
                name="Ayşe Yılmaz",
                email="ayse.p@example.org",
                survey_consent=True,
                accessibility_consent=True,
                accessibility_needs=["step-free"],
                accessibility_note="Uses a wheelchair",
            ),
            person(
                name="Deniz Yılmaz",
                year_of_birth=2015,
                gender="female",
                guardian_name="Ayşe Yılmaz",
                guardian_email="ayse@example.org",
                guardian_confirmed=True,
            ),
        ],
    )


@pytest.fixture
def club(free_ticket, sign_up, person):
    """A coach registers a youth group: one child's parent is Ayşe, the other's is not."""
    return sign_up(
        free_ticket,
        name="Coach Kemal",
        email="coach@example.org",
        participants=[
            person(name="Coach Kemal", role="coach"),
            person(
                name="Ece Kaya",
                year_of_birth=2014,
                guardian_name="Ayşe Yılmaz",
                guardian_email="Ayse@Example.org",
                guardian_confirmed=True,
            ),
            person(
                name="Mert Demir",
                year_of_birth=2014,
                guardian_name="Selin Demir",
                guardian_email="selin@example.org",
                guardian_confirmed=True,
            ),
        ],
    )


@pytest.fixture
def elsewhere(catalogue, person):
    """The same person registered for an event another organisation leads."""
    other = EventFactory(lead=OrganisationFactory(name="Helsinki Runners", country="FI"))
    lead = member(other.lead, Role.ADMIN)
    ticket = services.create_ticket_type(other, by=lead, name="Relay", capacity=5)
    outcome = services.register(
        other,
        ticket_type=ticket,
        name="Ayşe Yılmaz",
        email="ayse@example.org",
        language="en",
        participants=[person(name="Ayşe in Helsinki")],
        accept_terms=True,
    )
    return outcome.registration


# Looking up -------------------------------------------------------------------------------


def test_admin_finds_what_the_organisations_events_hold_under_an_address(
    client, event, lead, admin, family, club, elsewhere
):
    ayse = family.registration.participants.get(name="Ayşe Yılmaz")
    checkins.check_in(event, token=tickets.sign(ayse), gate="North gate", by=lead)
    client.force_login(admin)
    response = client.post(page(event.lead), {"email": " AYSE@example.org "})

    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    text = response.content.decode()
    rows = response.context["rows"]
    assert [row["held"].registration for row in rows] == [family.registration, club.registration]
    assert [row["held"].as_buyer for row in rows] == [True, False]
    # Her own registration in full: both participants, consents with version, the check-in.
    for shown in ("Deniz Yılmaz", "ayse.p@example.org", "2026-1", "North gate", "Step-free"):
        assert shown in text
    assert "Uses a wheelchair" in text
    # In the coach's registration: only her child, not the coach's contact nor the other child.
    assert "Ece Kaya" in text
    for hidden in ("Mert Demir", "selin@example.org", "coach@example.org"):
        assert hidden not in text
    # Another organisation's event does not show.
    assert "Ayşe in Helsinki" not in text and elsewhere.reference not in text

    record = DataRequest.objects.get()
    assert (record.organisation, record.handled_by, record.action, record.registrations) == (
        event.lead,
        admin,
        DataRequestAction.LOOK_UP,
        2,
    )
    assert record.email_hash == data_requests.email_hash("ayse@example.org")
    assert "ayse" not in record.email_hash


def test_an_unknown_address_finds_nothing_and_a_bad_one_is_refused(client, event, admin, family):
    client.force_login(admin)
    response = client.post(page(event.lead), {"email": "nobody@example.org"})
    assert response.status_code == 200
    assert "Nothing is held under this address" in response.content.decode()
    response = client.post(page(event.lead), {"email": "not an address\r\nBcc: x@y.z"})
    assert response.status_code == 400
    assert DataRequest.objects.count() == 1  # the valid search only


def test_the_page_lists_the_requests_answered_without_the_addresses(client, event, admin, family):
    client.force_login(admin)
    client.post(page(event.lead), {"email": "ayse@example.org"})
    client.post(page(event.lead, "export/"), {"email": "ayse@example.org"})
    response = client.get(page(event.lead))
    assert response.status_code == 200
    history = list(response.context["history"])
    assert [record.action for record in history] == ["export", "look-up"]
    assert "ayse@example.org" not in response.content.decode()
    # Searching again shows the earlier answers about the same address.
    response = client.post(page(event.lead), {"email": "ayse@example.org"})
    assert [record.action for record in response.context["earlier"]] == ["export", "look-up"]


# Downloading ------------------------------------------------------------------------------


def test_download_is_the_persons_own_export(client, event, admin, family, elsewhere):
    client.force_login(admin)
    response = client.post(page(event.lead, "export/"), {"email": "ayse@example.org"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="data-request-')
    assert "ayse" not in response["Content-Disposition"]
    data = json.loads(response.content)

    own = json.loads(client.get(f"/registrations/{family.manage_token}/my-data.json").content)
    assert [without_time(entry) for entry in data["registrations"]] == [without_time(own)]
    assert "Ayşe in Helsinki" not in response.content.decode()
    assert DataRequest.objects.get().action == DataRequestAction.EXPORT


def test_download_from_someone_elses_registration_holds_only_the_persons_participants(
    client, event, admin, club
):
    client.force_login(admin)
    response = client.post(page(event.lead, "export/"), {"email": "ayse@example.org"})
    data = json.loads(response.content)
    (entry,) = data["registrations"]
    assert [p["name"] for p in entry["participants"]] == ["Ece Kaya"]
    assert [c["participant"] for c in entry["consents"]] == [entry["participants"][0]["ticket_id"]]
    assert "email" not in entry["registration"] and "name" not in entry["registration"]
    assert entry["registration"]["reference"] == club.registration.reference
    text = response.content.decode()
    for hidden in ("Coach Kemal", "coach@example.org", "Mert Demir", "selin@example.org"):
        assert hidden not in text


# Erasing ----------------------------------------------------------------------------------


def test_erasure_asks_for_the_address_typed_again(client, event, admin, family):
    client.force_login(admin)
    confirm = client.post(page(event.lead, "erase/"), {"email": "ayse@example.org"})
    assert confirm.status_code == 200
    assert "cancelled first" in confirm.content.decode()
    for typed in ("", "someone@example.org"):
        response = client.post(
            page(event.lead, "erase/"), {"email": "ayse@example.org", "confirm": typed}
        )
        assert response.status_code == 400
        assert "Type the same email address" in response.content.decode()
    family.registration.refresh_from_db()
    assert family.registration.erased_at is None
    assert not DataRequest.objects.filter(action=DataRequestAction.ERASE).exists()


def test_admin_erases_a_person_seats_go_to_the_waiting_list_and_counts_stay(
    client, event, lead, admin, family, club, sign_up, person, django_capture_on_commit_callbacks
):
    tiny = services.create_ticket_type(event, by=lead, name="Clinic", capacity=1)
    clinic = sign_up(tiny, email="ayse@example.org", participants=[person(name="Ayşe Yılmaz")])
    waiting = sign_up(tiny, email="next@example.org", join_waiting_list=True)
    countries_before = sorted(
        Participant.objects.filter(registration__event=event).values_list("country", "role")
    )
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page(event.lead, "erase/"),
            {"email": "ayse@example.org", "confirm": "Ayse@example.org "},
            follow=True,
        )

    assert response.redirect_chain == [(page(event.lead), 302)]
    text = response.content.decode()
    assert "Erased 2 registrations made by this person" in text
    assert "2 of them were cancelled first" in text
    assert "erased 1 participant in other people" in text
    for registration in (family.registration, clinic.registration):
        registration.refresh_from_db()
        assert registration.erased_at is not None
        assert registration.status == RegistrationStatus.CANCELLED
        assert registration.name == "" and registration.email.endswith("@erased.invalid")
        for gone in registration.participants.all():
            assert (gone.name, gone.email, gone.guardian_email, gone.accessibility_note) == (
                "",
                "",
                "",
                "",
            )
            assert gone.survey_consent_at is None
    # Her child in the coach's group: anonymised, its ticket revoked; the booking stays.
    club.registration.refresh_from_db()
    assert club.registration.status == RegistrationStatus.CONFIRMED
    assert club.registration.erased_at is None
    ece = club.registration.participants.get(name="")
    assert (ece.guardian_name, ece.guardian_email) == ("", "")
    assert ece.ticket_revoked_at is not None
    assert club.registration.participants.filter(name="Mert Demir").exists()
    # The seat went to the next in line, who was told.
    waiting.registration.refresh_from_db()
    assert waiting.registration.status == RegistrationStatus.CONFIRMED
    assert ["next@example.org"] in [m.to for m in mail.outbox]
    # What counts need stays: every participant, with country and role.
    assert (
        sorted(Participant.objects.filter(registration__event=event).values_list("country", "role"))
        == countries_before
    )
    record = DataRequest.objects.get(action=DataRequestAction.ERASE)
    assert (record.handled_by, record.registrations) == (admin, 3)
    # Asked again: nothing is held under the address any more.
    assert data_requests.find(event.lead, "ayse@example.org") == []
    assert services.find_registration(family.manage_token) is None


def test_erasure_after_the_event_cancels_nothing(event, admin, family):
    with time_machine.travel(AFTER_THE_EVENT, tick=False):
        erased = data_requests.erase_person(event.lead, "ayse@example.org", by=admin)
    assert (erased.registrations, erased.cancelled, erased.participants) == (1, 0, 0)
    family.registration.refresh_from_db()
    assert family.registration.status == RegistrationStatus.CONFIRMED
    assert family.registration.erased_at is not None


def test_erasing_leaves_other_organisations_registrations_alone(event, admin, family, elsewhere):
    data_requests.erase_person(event.lead, "ayse@example.org", by=admin)
    elsewhere.refresh_from_db()
    assert elsewhere.erased_at is None
    assert elsewhere.participants.get().name == "Ayşe in Helsinki"


# Who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["lead", "viewer", "pt", "outsider", "other_admin"])
def test_only_the_organisations_administrators_may(client, plan, event, family, elsewhere, who):
    users = {**plan.people, "other_admin": member(elsewhere.event.lead, Role.ADMIN)}
    client.force_login(users[who])
    body = {"email": "ayse@example.org"}
    assert client.get(page(event.lead)).status_code == 403
    assert client.post(page(event.lead), body).status_code == 403
    assert client.post(page(event.lead, "export/"), body).status_code == 403
    erase = client.post(page(event.lead, "erase/"), {**body, "confirm": "ayse@example.org"})
    assert erase.status_code == 403
    family.registration.refresh_from_db()
    assert family.registration.erased_at is None
    assert not DataRequest.objects.exists()


def test_another_organisations_admin_finds_nothing_of_this_events_people(
    client, api, plan, event, family
):
    # Lisboa Move is a partner of the event, not its lead: its people are not its business.
    lisbon = plan.partners["pt"].organisation
    admin = MembershipFactory(organisation=lisbon, role=Role.ADMIN).user
    client.force_login(admin)
    response = client.post(page(lisbon), {"email": "ayse@example.org"})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "Ayşe" not in response.content.decode()
    api.force_authenticate(admin)
    response = api.post(api_url(lisbon, "export/"), {"email": "ayse@example.org"})
    assert json.loads(response.content)["registrations"] == []
    response = api.post(
        api_url(lisbon, "erase/"), {"email": "ayse@example.org", "confirm": "ayse@example.org"}
    )
    assert response.json() == {"registrations": 0, "cancelled": 0, "participants": 0}
    family.registration.refresh_from_db()
    assert family.registration.erased_at is None


def test_anonymous_visitors_go_to_the_login_and_unknown_organisations_are_404(client, event, admin):
    response = client.get(page(event.lead))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(admin)
    assert client.get("/organisations/no-such-club/data-requests/").status_code == 404


def test_the_organisation_page_links_to_data_requests_for_admins_only(client, plan, event, admin):
    client.force_login(admin)
    assert page(event.lead) in client.get(event.lead.get_absolute_url()).content.decode()
    client.force_login(plan.people["lead"])
    assert page(event.lead) not in client.get(event.lead.get_absolute_url()).content.decode()


# API ----------------------------------------------------------------------------------------


def test_api_exports_and_erases_for_admins(api, event, admin, family):
    api.force_authenticate(admin)
    response = api.post(api_url(event.lead, "export/"), {"email": "ayse@example.org"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "no-cache" in response["Cache-Control"]
    own = api.get(f"{API}/registrations/manage/{family.manage_token}/data/").json()
    data = json.loads(response.content)
    assert [without_time(entry) for entry in data["registrations"]] == [without_time(own)]

    for body, field in (
        ({"email": "ayse@example.org"}, "confirm"),
        ({"email": "ayse@example.org", "confirm": "other@example.org"}, "confirm"),
        ({"email": "not-an-address", "confirm": "not-an-address"}, "email"),
    ):
        response = api.post(api_url(event.lead, "erase/"), body)
        assert response.status_code == 400
        assert field in response.json()["errors"]
    family.registration.refresh_from_db()
    assert family.registration.erased_at is None

    response = api.post(
        api_url(event.lead, "erase/"), {"email": "ayse@example.org", "confirm": "ayse@example.org"}
    )
    assert response.status_code == 200
    assert response.json() == {"registrations": 1, "cancelled": 1, "participants": 0}
    family.registration.refresh_from_db()
    assert family.registration.erased_at is not None

    listed = api.get(api_url(event.lead)).json()
    assert [row["action"] for row in listed["results"]] == ["erase", "export"]
    assert listed["results"][0]["handled_by"] == admin.email
    assert "ayse" not in json.dumps(listed)


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("lead", 403), ("outsider", 403)])
def test_api_refuses_everyone_else(api, plan, event, family, who, status):
    if who:
        api.force_authenticate(plan.people[who])
    body = {"email": "ayse@example.org", "confirm": "ayse@example.org"}
    assert api.get(api_url(event.lead)).status_code == status
    assert api.post(api_url(event.lead, "export/"), body).status_code == status
    assert api.post(api_url(event.lead, "erase/"), body).status_code == status
    family.registration.refresh_from_db()
    assert family.registration.erased_at is None


def test_api_unknown_organisation_is_404(api, admin):
    api.force_authenticate(admin)
    response = api.post(f"{API}/organisations/nope/data-requests/export/", {"email": "a@x.org"})
    assert response.status_code == 404


@pytest.mark.usefixtures("same_rate_window")
def test_data_requests_are_rate_limited_per_account(client, api, event, admin, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "data_request", "2/min")
    cache.clear()  # account ids repeat between tests: start from no count
    client.force_login(admin)
    for _attempt in (1, 2):
        assert client.post(page(event.lead), {"email": "a@example.org"}).status_code == 200
    response = client.post(page(event.lead), {"email": "a@example.org"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0

    api.force_authenticate(MembershipFactory(organisation=event.lead, role=Role.ADMIN).user)
    for _attempt in (1, 2):
        assert api.post(api_url(event.lead, "export/"), {"email": "a@x.org"}).status_code == 200
    assert api.post(api_url(event.lead, "export/"), {"email": "a@x.org"}).status_code == 429
