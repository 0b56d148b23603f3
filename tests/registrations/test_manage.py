"""The participant's self-service at the manage link: the PDF tickets, and changing the details
(names, addresses, roles, language, consents, accessibility needs), on the page and in the API."""

import io
from datetime import UTC, datetime

import pypdf
import pytest
import time_machine
from django.core import mail

from registrations import privacy, services
from registrations.models import Participant, Registration, RegistrationStatus
from sportevents.errors import Conflict
from tests.mail import files_of

pytestmark = pytest.mark.django_db

API = "/api/v1/registrations/manage"
AFTER_THE_EVENT = datetime(2027, 10, 1, 12, tzinfo=UTC)  # the event ends on 30 September 2027


def page_url(token: str, part: str = "") -> str:
    return f"/registrations/{token}/{part}"


def api_url(token: str, part: str = "") -> str:
    return f"{API}/{token}/{part}"


def assert_private(response) -> None:
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.fixture
def family(free_ticket, sign_up, person):
    """A confirmed registration of two: Ayşe (survey and accessibility consents) and Jonas."""
    return sign_up(
        free_ticket,
        name="Ayşe Yılmaz",
        email="ayse@example.org",
        participants=[
            person(
                name="Ayşe Yılmaz",
                survey_consent=True,
                accessibility_consent=True,
                accessibility_needs=["step-free"],
                accessibility_note="Uses a wheelchair",
            ),
            person(name="Jonas Müller", country="DE", year_of_birth=2000),
        ],
    )


def change_form(outcome, **changes) -> dict:
    """The change page as a browser posts it, with the stored values unless changed."""
    registration = outcome.registration
    data = {
        "name": registration.name,
        "email": registration.email,
        "language": registration.language,
        "participants-TOTAL_FORMS": registration.participants.count(),
        "participants-INITIAL_FORMS": registration.participants.count(),
    }
    for index, participant in enumerate(registration.participants.all()):
        prefix = f"participants-{index}-"
        data[prefix + "name"] = participant.name
        data[prefix + "email"] = participant.email
        data[prefix + "country"] = participant.country.code
        data[prefix + "role"] = participant.role
        if participant.survey_consent_at:
            data[prefix + "survey_consent"] = "on"
        if participant.accessibility_consent_at:
            data[prefix + "accessibility_consent"] = "on"
            data[prefix + "accessibility_needs"] = list(participant.accessibility_needs)
            data[prefix + "accessibility_note"] = participant.accessibility_note
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def snapshot(registration: Registration) -> list:
    registration.refresh_from_db()
    return [
        (registration.name, registration.email, registration.language),
        *Participant.objects.filter(registration=registration)
        .order_by("pk")
        .values_list(
            "name",
            "email",
            "country",
            "role",
            "year_of_birth",
            "survey_consent_at",
            "accessibility_consent_at",
            "accessibility_needs",
            "accessibility_note",
        ),
    ]


# The PDF tickets -------------------------------------------------------------------------


def test_manage_page_offers_the_pdf_the_changes_the_data_and_erasure(client, family):
    page = client.get(page_url(family.manage_token)).content.decode()
    for part in ("tickets.pdf", "change/", "my-data.json", "erase/"):
        assert page_url(family.manage_token, part) in page
    assert "Download PDF ticket" in page


@pytest.mark.parametrize("url", [page_url, api_url])
def test_pdf_of_a_confirmed_registration_has_a_page_per_participant(client, family, url):
    response = client.get(url(family.manage_token, "tickets.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="tickets-{family.registration.reference}.pdf"'
    )
    assert_private(response)
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert [
        ("Ayşe Yılmaz" in p.extract_text(), "Jonas Müller" in p.extract_text())
        for p in reader.pages
    ] == [
        (True, False),
        (False, True),
    ]


@pytest.mark.parametrize("url", [page_url, api_url])
def test_pdf_is_a_404_unless_confirmed(client, event, lead, sign_up, url):
    tiny = services.create_ticket_type(event, by=lead, name="Clinic", capacity=1)
    first = sign_up(tiny)
    waiting = sign_up(tiny, join_waiting_list=True)
    assert client.get(url(waiting.manage_token, "tickets.pdf")).status_code == 404
    services.cancel_registration(first.registration)
    assert client.get(url(first.manage_token, "tickets.pdf")).status_code == 404
    assert client.get(url("no-such-token", "tickets.pdf")).status_code == 404
    assert client.get(url(waiting.manage_token, "tickets.pdf")).status_code == 200  # promoted


def test_waiting_list_page_offers_no_pdf(client, event, lead, sign_up):
    tiny = services.create_ticket_type(event, by=lead, name="Clinic", capacity=1)
    sign_up(tiny)
    waiting = sign_up(tiny, join_waiting_list=True)
    page = client.get(page_url(waiting.manage_token)).content.decode()
    assert "tickets.pdf" not in page


def test_confirmation_email_attaches_the_pdf_too(
    free_ticket, sign_up, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = sign_up(free_ticket)
    kinds = [kind for _name, _content, kind in files_of(mail.outbox[0])]
    assert sorted(kinds) == ["application/pdf", "text/calendar"]
    name, content, _kind = files_of(mail.outbox[0])[kinds.index("application/pdf")]
    assert name == f"tickets-{outcome.registration.reference}.pdf"
    assert len(pypdf.PdfReader(io.BytesIO(content)).pages) == 1


# Changing the details on the page ---------------------------------------------------------


def test_change_page_shows_the_stored_details_and_what_cannot_change(client, family):
    response = client.get(page_url(family.manage_token, "change/"))
    assert response.status_code == 200
    assert_private(response)
    page = response.content.decode()
    assert 'value="Jonas Müller"' in page
    assert "Year of birth: 2000 (not changeable here)" in page
    assert "years of birth cannot be changed here" in page


def test_change_names_role_language_and_email_resends_the_confirmation(
    client, family, django_capture_on_commit_callbacks
):
    data = change_form(
        family,
        name="Ayşe Demir",
        email="Ayse.Demir@Example.org",
        language="tr",
        **{"participants-1-name": "Jonas Schmidt", "participants-1-role": "volunteer"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url(family.manage_token, "change/"), data)
    assert response.status_code == 302
    assert response["Location"] == page_url(family.manage_token)
    registration = family.registration
    registration.refresh_from_db()
    assert (registration.name, registration.email, registration.language) == (
        "Ayşe Demir",
        "ayse.demir@example.org",
        "tr",
    )
    jonas = registration.participants.get(country="DE")
    assert (jonas.name, jonas.role, jonas.year_of_birth) == ("Jonas Schmidt", "volunteer", 2000)
    assert [message.to for message in mail.outbox] == [["ayse.demir@example.org"]]
    assert any(kind == "application/pdf" for *_rest, kind in files_of(mail.outbox[0]))


def test_changing_other_details_sends_no_email(client, family, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            page_url(family.manage_token, "change/"),
            change_form(family, **{"participants-1-name": "Jonas Schmidt"}),
        )
    assert mail.outbox == []


def test_year_of_birth_and_ticket_type_are_not_changed_by_a_forged_post(client, family):
    data = change_form(family, **{"participants-1-year_of_birth": "1950", "ticket_type": "999"})
    client.post(page_url(family.manage_token, "change/"), data)
    assert family.registration.participants.get(country="DE").year_of_birth == 2000


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"name": ""}, "name"),
        ({"participants-0-email": "ayse@"}, "email"),
        ({"participants-1-country": "XX"}, "country"),
        ({"participants-1-role": "referee"}, "role"),
        ({"language": "xx"}, "language"),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_nothing(client, family, changes, field):
    before = snapshot(family.registration)
    response = client.post(
        page_url(family.manage_token, "change/"),
        change_form(family, **changes, **{"participants-1-name": "Jonas Schmidt"}),
    )
    assert response.status_code == 400
    forms = [response.context["form"], *response.context["people"].forms]
    assert any(field in form.errors for form in forms)
    assert snapshot(family.registration) == before


def test_unticking_the_accessibility_consent_deletes_the_needs(client, family):
    data = change_form(family)
    data.pop("participants-0-accessibility_consent")
    response = client.post(page_url(family.manage_token, "change/"), data)
    assert response.status_code == 302
    ayse = family.registration.participants.get(country="TR")
    assert ayse.accessibility_consent_at is None
    assert (ayse.accessibility_needs, ayse.accessibility_note) == ([], "")


def test_giving_the_accessibility_consent_here_stores_the_needs(client, family):
    data = change_form(
        family,
        **{
            "participants-1-accessibility_consent": "on",
            "participants-1-accessibility_needs": ["sign-language", "quiet-room"],
        },
    )
    assert client.post(page_url(family.manage_token, "change/"), data).status_code == 302
    jonas = family.registration.participants.get(country="DE")
    assert jonas.accessibility_consent_at is not None
    assert jonas.accessibility_needs == ["sign-language", "quiet-room"]


def test_withdrawing_the_survey_consent_records_when(client, family):
    data = change_form(family)
    data.pop("participants-0-survey_consent")
    moment = datetime(2027, 9, 1, 10, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        assert client.post(page_url(family.manage_token, "change/"), data).status_code == 302
    ayse = family.registration.participants.get(country="TR")
    assert ayse.survey_consent_at is None
    assert ayse.survey_consent_withdrawn_at == moment
    assert ayse.survey_consent_version  # which text was agreed to stays on record


def test_the_survey_consent_is_not_given_here(client, family):
    page = client.get(page_url(family.manage_token, "change/")).content.decode()
    assert "participants-1-survey_consent" not in page  # Jonas did not consent: no box
    data = change_form(family, **{"participants-1-survey_consent": "on"})
    client.post(page_url(family.manage_token, "change/"), data)
    assert family.registration.participants.get(country="DE").survey_consent_at is None


def test_no_changes_after_the_event(client, family):
    before = snapshot(family.registration)
    with time_machine.travel(AFTER_THE_EVENT, tick=False):
        assert "change/" not in client.get(page_url(family.manage_token)).content.decode()
        response = client.post(
            page_url(family.manage_token, "change/"), change_form(family, name="Someone")
        )
        assert response.status_code == 302
        follow = client.get(response["Location"]).content.decode()
    assert "cannot be changed" in follow
    assert snapshot(family.registration) == before


def test_no_changes_to_a_cancelled_registration(client, family):
    services.cancel_registration(family.registration)
    before = snapshot(family.registration)
    response = client.post(
        page_url(family.manage_token, "change/"), change_form(family, name="Someone")
    )
    assert response.status_code == 302
    assert snapshot(family.registration) == before


def test_change_page_of_an_unknown_token_is_a_404(client, family):
    assert client.get(page_url("nope", "change/")).status_code == 404


# The rules, in the service ----------------------------------------------------------------


def test_service_refuses_needs_without_their_consent(family):
    jonas = family.registration.participants.get(country="DE")
    before = snapshot(family.registration)
    with pytest.raises(Exception) as refused:
        privacy.change_details(
            family.registration,
            name="Changed",
            participants=[{"ticket_id": jonas.ticket_id, "accessibility_needs": ["step-free"]}],
        )
    assert "participants[0].accessibility_consent" in refused.value.message_dict
    assert snapshot(family.registration) == before


def test_service_refuses_an_address_registered_for_the_ticket_already(free_ticket, sign_up):
    sign_up(free_ticket, email="taken@example.org")
    alone = sign_up(free_ticket, email="alone@example.org").registration
    with pytest.raises(Conflict) as refused:
        privacy.change_details(alone, email="Taken@example.org")
    assert refused.value.code == "already_registered"
    alone.refresh_from_db()
    assert alone.email == "alone@example.org"


# The API ----------------------------------------------------------------------------------


def test_api_patch_changes_the_details(api, family, django_capture_on_commit_callbacks):
    jonas = family.registration.participants.get(country="DE")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.patch(
            api_url(family.manage_token),
            {
                "email": "new@example.org",
                "participants": [
                    {"ticket_id": str(jonas.ticket_id), "name": "Jonas Schmidt", "country": "AT"}
                ],
            },
            format="json",
        )
    assert response.status_code == 200, response.json()
    assert_private(response)
    body = response.json()
    assert body["email"] == "new@example.org"
    assert {p["name"] for p in body["participants"]} == {"Ayşe Yılmaz", "Jonas Schmidt"}
    jonas.refresh_from_db()
    assert (jonas.name, str(jonas.country)) == ("Jonas Schmidt", "AT")
    assert [message.to for message in mail.outbox] == [["new@example.org"]]


def test_api_patch_withdraws_consents(api, family):
    ayse = family.registration.participants.get(country="TR")
    response = api.patch(
        api_url(family.manage_token),
        {
            "participants": [
                {
                    "ticket_id": str(ayse.ticket_id),
                    "survey_consent": False,
                    "accessibility_consent": False,
                }
            ]
        },
        format="json",
    )
    assert response.status_code == 200
    ayse.refresh_from_db()
    assert ayse.survey_consent_at is None and ayse.survey_consent_withdrawn_at is not None
    assert (ayse.accessibility_consent_at, ayse.accessibility_needs) == (None, [])


def _change(ticket_id: str, **person) -> dict:
    return {"participants": [{"ticket_id": ticket_id, **person}]}


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda t: {"email": "nope"}, "email"),
        (lambda t: _change(t, email="nope"), "participants[0].email"),
        (lambda t: _change(t, name=""), "participants[0].name"),
        (
            lambda t: _change(t, accessibility_needs=["step-free"]),
            "participants[0].accessibility_consent",
        ),
        (
            lambda t: _change(t, accessibility_needs=["jetpack"]),
            "participants[0].accessibility_needs",
        ),
        (
            lambda t: _change("00000000-0000-0000-0000-000000000000"),
            "participants[0].ticket_id",
        ),
        (lambda t: {"participants": [{"name": "No id"}]}, "participants[0].ticket_id"),
        (lambda t: _change(t, survey_consent=True), "participants[0].survey_consent"),
        (lambda t: {"language": "xx"}, "language"),
    ],
)
def test_api_patch_bad_input_is_a_400_and_changes_nothing(api, family, change, key):
    jonas = family.registration.participants.get(country="DE")
    payload = {**change(str(jonas.ticket_id)), "name": "Should not be saved"}
    before = snapshot(family.registration)
    response = api.patch(api_url(family.manage_token), payload, format="json")
    assert response.status_code == 400, response.json()
    assert key in response.json()["errors"]
    assert snapshot(family.registration) == before


def test_api_patch_after_the_event_or_once_cancelled_is_a_409(api, family, free_ticket, sign_up):
    with time_machine.travel(AFTER_THE_EVENT, tick=False):
        response = api.patch(api_url(family.manage_token), {"name": "X"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "event_over")
    other = sign_up(free_ticket)
    services.cancel_registration(other.registration)
    response = api.patch(api_url(other.manage_token), {"name": "X"}, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "cancelled")
    assert Registration.objects.filter(name="X").count() == 0


def test_api_patch_ignores_the_year_of_birth(api, family):
    jonas = family.registration.participants.get(country="DE")
    response = api.patch(
        api_url(family.manage_token),
        {"participants": [{"ticket_id": str(jonas.ticket_id), "year_of_birth": 1950}]},
        format="json",
    )
    assert response.status_code == 200
    jonas.refresh_from_db()
    assert jonas.year_of_birth == 2000


def test_api_patch_of_an_unknown_token_is_a_404(api, family):
    assert api.patch(api_url("nope"), {"name": "X"}, format="json").status_code == 404


def test_statuses_that_may_change(family):
    assert privacy.may_change(family.registration)
    family.registration.status = RegistrationStatus.CANCELLED
    assert not privacy.may_change(family.registration)
