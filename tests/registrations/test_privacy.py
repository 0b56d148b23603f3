"""Download my data and erase my data, at the manage link: the export holds everything about
the registration and nothing of anyone else's; erasure cancels an upcoming registration (the
seat goes to the next in line), removes what identifies people and keeps the counts."""

import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail

from outbox.models import Email
from registrations import checkins, privacy, services, tasks, tickets
from registrations.ages import age_group
from registrations.models import Participant, Registration, RegistrationStatus

pytestmark = pytest.mark.django_db

AFTER_THE_EVENT = datetime(2027, 10, 1, 12, tzinfo=UTC)


def page_url(token: str, part: str = "") -> str:
    return f"/registrations/{token}/{part}"


def api_url(token: str, part: str = "") -> str:
    return f"/api/v1/registrations/manage/{token}/{part}"


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
def stranger(free_ticket, sign_up, person):
    return sign_up(
        free_ticket,
        name="Other Person",
        email="other@example.org",
        participants=[person(name="Other Person", country="FI")],
    )


# Download my data -------------------------------------------------------------------------


def test_export_holds_every_stored_field_and_the_check_ins(event, lead, family, stranger):
    ayse = family.registration.participants.get(name="Ayşe Yılmaz")
    checkins.check_in(event, token=tickets.sign(ayse), gate="North", by=lead)
    data = privacy.export_data(family.registration)

    stored = {f.name for f in Registration._meta.concrete_fields} - privacy.NOT_EXPORTED
    assert stored <= set(data["registration"]), "every stored registration field is exported"
    assert data["registration"]["email"] == "ayse@example.org"
    assert data["registration"]["ticket_type"]["name"] == "Fun run 5 km"
    people = {p["name"]: p for p in data["participants"]}
    assert set(people) == {"Ayşe Yılmaz", "Deniz Yılmaz"}
    person_fields = {f.name for f in Participant._meta.concrete_fields} - privacy.NOT_EXPORTED
    for exported in people.values():
        assert person_fields <= set(exported)
    assert people["Ayşe Yılmaz"]["accessibility_needs"] == ["step-free"]
    assert people["Ayşe Yılmaz"]["accessibility_note"] == "Uses a wheelchair"
    assert people["Deniz Yılmaz"]["guardian_email"] == "ayse@example.org"
    [scan] = people["Ayşe Yılmaz"]["check_ins"]
    assert (scan["gate"], scan["result"]) == ("North", "valid")
    assert people["Deniz Yılmaz"]["check_ins"] == []
    survey = {c["participant"]: c["survey"] for c in data["consents"]}[ayse.ticket_id]
    assert survey["version"] and survey["given_at"] == ayse.survey_consent_at
    assert {a["address"] for a in data["email_addresses"]} == {
        "ayse@example.org",
        "ayse.p@example.org",
    }


@pytest.mark.parametrize(
    "url", [lambda t: page_url(t, "my-data.json"), lambda t: api_url(t, "data/")]
)
def test_data_download_is_a_private_json_attachment_of_this_registration_only(
    client, family, stranger, url
):
    response = client.get(url(family.manage_token))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == (
        f'attachment; filename="my-data-{family.registration.reference}.json"'
    )
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"]
    text = response.content.decode()
    data = json.loads(text)
    assert data["registration"]["reference"] == family.registration.reference
    assert "Deniz Yılmaz" in text  # not escaped: people read this file
    for foreign in ("Other Person", "other@example.org", stranger.registration.reference):
        assert foreign not in text
    assert family.registration.manage_token_hash not in text
    assert family.manage_token not in text


@pytest.mark.parametrize(
    "url", [lambda t: page_url(t, "my-data.json"), lambda t: api_url(t, "data/")]
)
def test_data_download_of_an_unknown_token_is_a_404(client, family, url):
    assert client.get(url("nope")).status_code == 404


# Erasure ----------------------------------------------------------------------------------


def test_band_year_keeps_the_age_group(event):
    for year in range(1920, 2027):
        kept = privacy.band_year(year, event)
        assert age_group(kept, event) == age_group(year, event)
        assert kept >= year


def test_erasing_an_upcoming_registration_cancels_it_promotes_and_anonymises(
    event, lead, sign_up, person, django_capture_on_commit_callbacks
):
    tiny = services.create_ticket_type(event, by=lead, name="Clinic", capacity=1)
    first = sign_up(
        tiny,
        email="first@example.org",
        participants=[
            person(name="First", accessibility_consent=True, accessibility_needs=["quiet-room"])
        ],
    )
    second = sign_up(tiny, email="second@example.org", join_waiting_list=True)
    with django_capture_on_commit_callbacks(execute=True):
        privacy.erase_registration(first.registration)

    registration = Registration.objects.get(pk=first.registration.pk)
    assert registration.status == RegistrationStatus.CANCELLED
    assert registration.erased_at is not None
    assert registration.name == "" and "first" not in registration.email
    assert registration.email.endswith("@erased.invalid")
    gone = registration.participants.get()
    assert (gone.name, gone.email, gone.accessibility_needs, gone.accessibility_note) == (
        "",
        "",
        [],
        "",
    )
    assert gone.accessibility_consent_at is None and gone.ticket_revoked_at is not None
    assert (str(gone.country), gone.role) == ("TR", "athlete")  # what counts need stays
    assert age_group(gone.year_of_birth, event) == age_group(1990, event)
    assert gone.year_of_birth == 1997  # the band 30–64 in 2027 ends with those born in 1997

    second.registration.refresh_from_db()
    assert second.registration.status == RegistrationStatus.CONFIRMED
    tiny.refresh_from_db()
    assert tiny.taken == 1
    assert [m.to for m in mail.outbox] == [["second@example.org"]]  # the promotion, no one else
    assert services.find_registration(first.manage_token) is None


def test_erasure_forgets_the_emails_sent_about_the_registration(
    free_ticket, sign_up, django_capture_on_commit_callbacks
):
    """The outbox keeps no address, but its keys and Message-IDs would still tie a message in
    someone's mailbox to the erased registration's rows."""
    with django_capture_on_commit_callbacks(execute=True):
        gone = sign_up(free_ticket, email="gone@example.org").registration
        kept = sign_up(free_ticket, email="kept@example.org").registration
    assert Email.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        privacy.erase_registration(gone)
    assert list(Email.objects.values_list("key", flat=True)) == [
        f"registration:{kept.pk}:registered"
    ]
    # A task about it that comes late sends nothing: there is no one to write to any more.
    tasks.send_registration_email.delay(gone.pk, "paid")
    assert len(mail.outbox) == 2
    assert Email.objects.count() == 1


def test_erasing_removes_guardian_data_and_withdraws_the_survey_consent(family):
    privacy.erase_registration(family.registration)
    for person in family.registration.participants.all():
        assert (person.guardian_name, person.guardian_email) == ("", "")
        assert person.guardian_confirmed_at is None
        assert person.survey_consent_at is None
    ayse = family.registration.participants.get(gender="undisclosed")
    assert ayse.survey_consent_withdrawn_at is not None
    deniz = family.registration.participants.get(gender="female")
    assert age_group(deniz.year_of_birth, family.registration.event) == "under-16"


def test_erasing_twice_is_harmless(family):
    first = privacy.erase_registration(family.registration)
    erased_at = first.erased_at
    again = privacy.erase_registration(Registration.objects.get(pk=first.pk))
    assert again.erased_at == erased_at


def test_erasing_a_registration_cancelled_meanwhile_still_erases(family):
    stale = Registration.objects.get(pk=family.registration.pk)
    services.cancel_registration(family.registration)
    erased = privacy.erase_registration(stale)  # still says confirmed: cancelling again is refused
    assert erased.erased_at is not None
    assert erased.status == RegistrationStatus.CANCELLED


def test_erasure_after_the_event_keeps_the_organisers_counts(
    client, event, lead, free_ticket, sign_up, person
):
    ayse = sign_up(free_ticket, participants=[person(name="Ayşe", country="TR")])
    group = sign_up(
        free_ticket,
        participants=[
            person(name="João", country="PT", role="coach"),
            person(name="Maria", country="PT"),
        ],
    )
    checkins.check_in(
        event, token=tickets.sign(ayse.registration.participants.get()), gate="A", by=lead
    )
    url = f"/events/{event.slug}/registrations/"
    with time_machine.travel(AFTER_THE_EVENT, tick=False):
        client.force_login(lead)
        before = client.get(url).context["counts"]
        privacy.erase_registration(ayse.registration)
        privacy.erase_registration(group.registration)
        after = client.get(url).context["counts"]
    assert after == before
    assert ("Türkiye", 1, 1) in after["countries"]
    assert ("Coach", 1, 0) in after["roles"]
    ayse.registration.refresh_from_db()
    assert ayse.registration.status == RegistrationStatus.CONFIRMED  # it happened: it stays
    assert ayse.registration.participants.get().check_ins.get().gate == "A"


def test_erase_page_asks_first_and_refuses_without_the_tick(client, family):
    url = page_url(family.manage_token, "erase/")
    page = client.get(url)
    assert page.status_code == 200
    assert "is cancelled first" in page.content.decode()
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Tick the box to confirm the erasure." in response.content.decode()
    family.registration.refresh_from_db()
    assert family.registration.erased_at is None
    assert family.registration.status == RegistrationStatus.CONFIRMED


def test_erase_page_erases_and_the_link_stops_working(client, family):
    url = page_url(family.manage_token, "erase/")
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == family.registration.event.get_absolute_url()
    assert "data is erased" in client.get(response["Location"]).content.decode()
    family.registration.refresh_from_db()
    assert family.registration.erased_at is not None
    for part in ("", "erase/", "my-data.json", "tickets.pdf", "change/"):
        assert client.get(page_url(family.manage_token, part)).status_code == 404
    assert client.post(url, {"confirm": "on"}).status_code == 404  # again: harmless


def test_api_erase_needs_the_confirmation_then_the_token_stops_working(api, family):
    url = api_url(family.manage_token, "erase/")
    for body in ({}, {"confirm": False}):
        response = api.post(url, body, format="json")
        assert response.status_code == 400
        assert "confirm" in response.json()["errors"]
    family.registration.refresh_from_db()
    assert family.registration.erased_at is None
    response = api.post(url, {"confirm": True}, format="json")
    assert response.status_code == 204
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    for part in ("", "data/", "tickets.pdf"):
        assert api.get(api_url(family.manage_token, part)).status_code == 404
    assert api.post(url, {"confirm": True}, format="json").status_code == 404
    family.registration.refresh_from_db()
    assert family.registration.status == RegistrationStatus.CANCELLED


def test_an_erased_ticket_is_red_at_the_door(event, lead, family):
    token = tickets.sign(family.registration.participants.first())
    privacy.erase_registration(family.registration)
    scan = checkins.check_in(event, token=token, gate="A", by=lead)
    assert scan.result == "invalid"
