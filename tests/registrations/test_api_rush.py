"""Registering through the API reads valid input and writes its answer without building the
serializers (registrations/serializers.py, `registration_input` and `registration_created`):
both must say exactly what the serializers say, which the OpenAPI schema publishes."""

import pytest
from django.utils import translation
from rest_framework.exceptions import ValidationError

from registrations import services
from registrations.desks import open_desk
from registrations.forms import MAX_PARTICIPANTS
from registrations.serializers import (
    ParticipantInputSerializer,
    RegistrationCreatedSerializer,
    RegistrationInputSerializer,
    registration_created,
    registration_input,
)
from sportevents.api import validated
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

ADULT = {"name": "Ana Silva", "country": "PT", "year_of_birth": 1990}
CHILD = {
    "name": " Rui Silva ",
    "email": "",
    "country": "PT",
    "year_of_birth": 2015,
    "gender": "male",
    "role": "volunteer",
    "guardian_name": "Ana Silva",
    "guardian_email": "ana@example.org",
    "guardian_confirmed": "true",
    "survey_consent": 1,
    "accessibility_consent": True,
    "accessibility_needs": ["step-free", "quiet-room"],
    "accessibility_note": "Nut allergy",
}


def _body(ticket, **fields) -> dict:
    return {
        "ticket_type": ticket.pk,
        "name": "  Ana Silva",
        "email": "ana@example.org",
        "accept_terms": True,
        "participants": [ADULT],
        **fields,
    }


def _by_serializer(data, event) -> dict:
    return validated(RegistrationInputSerializer, data, context={"event": event})


def test_the_serializers_have_no_field_hooks_the_quick_reading_would_miss():
    for serializer in (RegistrationInputSerializer, ParticipantInputSerializer):
        ours = [klass for klass in serializer.__mro__ if klass.__module__ == serializer.__module__]
        hooks = [name for klass in ours for name in vars(klass) if name.startswith("validate_")]
        assert not hooks, hooks


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"language": "fr", "join_waiting_list": "true", "unknown": "ignored"},
        {"participants": [ADULT, CHILD], "accept_terms": "1"},
        {"ticket_type": "TICKET"},  # the id as a string: the serializer reads it
    ],
)
def test_valid_input_reads_as_the_serializer_reads_it(event, free_ticket, fields):
    data = _body(free_ticket, **fields)
    if data["ticket_type"] == "TICKET":
        data["ticket_type"] = str(free_ticket.pk)
    with translation.override("de"):
        quick, full = registration_input(data, open_desk(event)), _by_serializer(data, event)
    assert quick == full
    assert quick["language"] == fields.get("language", "de")
    assert quick["ticket_type"].has_allocations is False


@pytest.mark.parametrize(
    "fields",
    [
        {"accept_terms": None},
        {"email": "not-an-address"},
        {"name": "x" * 151},
        {"language": "xx"},
        {"ticket_type": 999999},
        {"ticket_type": True},
        {"participants": []},
        {"participants": "Ana"},
        {"participants": [ADULT] * (MAX_PARTICIPANTS + 1)},
        {"participants": [ADULT, None]},
        {"participants": [{**ADULT, "country": "XX", "accessibility_needs": ["flying"]}]},
        {"participants": [{**ADULT, "year_of_birth": "old"}]},
    ],
)
def test_refused_input_gets_the_serializers_errors(event, free_ticket, fields):
    data = _body(free_ticket, **fields)
    with pytest.raises(ValidationError) as full:
        _by_serializer(data, event)
    with pytest.raises(ValidationError) as quick:
        registration_input(data, open_desk(event))
    assert quick.value.detail == full.value.detail


def test_another_events_ticket_type_is_refused_as_the_serializer_refuses_it(free_ticket):
    data, other = _body(free_ticket), EventFactory()
    with pytest.raises(ValidationError) as full:
        _by_serializer(data, other)
    with pytest.raises(ValidationError) as quick:
        registration_input(data, open_desk(other))
    assert quick.value.detail == full.value.detail
    assert "ticket_type" in quick.value.detail


@pytest.mark.parametrize("language", ["en", "tr"])
def test_the_answer_is_the_serializers(event, lead, paid_ticket, language):
    one = services.create_ticket_type(event, by=lead, name="Last seat", capacity=2)
    outcomes = []
    with translation.override(language):
        for email, people, ticket_type in [
            ("ana@example.org", [ADULT, CHILD], one),  # a group, confirmed, with consents
            ("rui@example.org", [ADULT], one),  # wait-listed
            ("eva@example.org", [ADULT], paid_ticket),  # pending payment
        ]:
            data = _body(ticket_type, email=email, participants=people, join_waiting_list=True)
            outcomes.append(services.register(event, **registration_input(data, open_desk(event))))
        for outcome in outcomes:
            registration = services.with_participants(outcome.registration, outcome.participants)
            context = {
                "manage_token": outcome.manage_token,
                "waitlist_position": outcome.waitlist_position,
            }
            expected = RegistrationCreatedSerializer(registration, context=context).data
            assert (
                registration_created(
                    registration,
                    manage_token=outcome.manage_token,
                    waitlist_position=outcome.waitlist_position,
                )
                == expected
            )
    assert [o.registration.status for o in outcomes] == [
        "confirmed",
        "waitlisted",
        "pending-payment",
    ]
