"""Check-in reasons are stored as codes and shown in the reader's language; old sentences are
mapped to codes by the migration. One age scale serves the door page and the API."""

import importlib
from datetime import date
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

from registrations import checkins, services, tickets
from registrations.ages import AgeGroup, age_group
from registrations.models import CheckIn, CheckInReason

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "registrations.migrations.0002_checkin_reason_codes_device_first_scan"
)


def test_the_page_shows_a_stored_reason_in_the_viewers_language(
    client, plan, event, free_ticket, sign_up
):
    registration = sign_up(free_ticket).registration
    services.cancel_registration(registration)
    token = tickets.sign(registration.participants.get())
    checkins.check_in(event, token=token, gate="A", by=plan.people["lead"])
    assert CheckIn.objects.get().reason == "cancelled"

    client.force_login(plan.people["pt"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    german = client.get(f"/events/{event.slug}/check-in/")
    assert "Dieses Ticket wurde storniert." in german.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(f"/events/{event.slug}/check-in/")
    assert "This ticket was cancelled." in english.content.decode()


def test_the_api_gives_the_code_and_the_text_in_the_requests_language(
    api, lead, event, free_ticket, sign_up
):
    registration = sign_up(free_ticket).registration
    services.cancel_registration(registration)
    api.force_authenticate(lead)
    token = tickets.sign(registration.participants.get())
    data = api.post(
        "/api/v1/checkins/",
        {"event": event.slug, "token": token},
        HTTP_ACCEPT_LANGUAGE="de",
    ).json()
    assert (data["reason"], data["reason_text"]) == ("cancelled", "Dieses Ticket wurde storniert.")


def test_the_migration_maps_old_sentences_to_codes_and_leaves_the_rest(
    plan, event, free_ticket, sign_up, lead
):
    participant = sign_up(free_ticket).registration.participants.get()
    old = {
        "Not a ticket: the code cannot be read.": "unreadable",
        "Forged or altered ticket: the signature does not match.": "forged",
        "This registration is not confirmed (Pending payment).": "not_confirmed",
        "Dieses Ticket wurde storniert.": "Dieses Ticket wurde storniert.",  # left as it was
    }
    for sentence in old:
        CheckIn.objects.create(event=event, result="invalid", reason=sentence)
    first = CheckIn.objects.create(event=event, participant=participant, result="valid")
    repeat = CheckIn.objects.create(
        event=event, participant=participant, result="already", reason="Already checked in."
    )

    migration.sentences_to_codes(apps, None)

    for sentence, code in old.items():
        assert CheckIn.objects.filter(reason=code).exists(), sentence
    repeat.refresh_from_db()
    assert (repeat.reason, repeat.first_scan) == ("already", first)
    # An old sentence that stays shows as it is.
    unknown = CheckIn.objects.get(reason="Dieses Ticket wurde storniert.")
    assert unknown.get_reason_display() == "Dieses Ticket wurde storniert."


def test_every_reason_code_has_a_label_and_fits_the_column():
    assert all(len(code) <= 32 for code in CheckInReason.values)
    with translation.override("en"):
        assert checkins.reason_text("forged").startswith("Forged or altered")
    assert checkins.reason_text("An old sentence.") == "An old sentence."
    assert checkins.reason_text("") == ""


@pytest.mark.parametrize(
    ("born", "group"),
    [
        (2012, AgeGroup.UNDER_16),  # 15 in 2027
        (2011, AgeGroup.FROM_16_TO_17),
        (2010, AgeGroup.FROM_16_TO_17),
        (2009, AgeGroup.FROM_18_TO_29),
        (1998, AgeGroup.FROM_18_TO_29),
        (1997, AgeGroup.FROM_30_TO_64),
        (1963, AgeGroup.FROM_30_TO_64),
        (1962, AgeGroup.FROM_65),
    ],
)
def test_age_groups_count_the_age_reached_in_the_events_year(born, group):
    event = SimpleNamespace(starts_on=date(2027, 9, 23))
    assert age_group(born, event) == group


def test_the_door_page_and_the_api_use_the_same_age_scale(
    client, api, lead, event, free_ticket, sign_up, person
):
    registration = sign_up(free_ticket, participants=[person(year_of_birth=2005)]).registration
    participant = registration.participants.get()
    api.force_authenticate(lead)
    data = api.post(
        "/api/v1/checkins/", {"event": event.slug, "token": tickets.sign(participant)}
    ).json()
    assert (data["age_group"], data["age_group_label"]) == ("18-29", "18–29")
    client.force_login(lead)
    CheckIn.objects.all().delete()
    page = client.post(f"/events/{event.slug}/check-in/", {"token": tickets.sign(participant)})
    facts = dict(page.context["answer"]["facts"])
    assert facts["Age group"] == "18–29"
