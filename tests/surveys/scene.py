"""Impact data built in bulk, as the survey pages and tasks would leave it: confirmed
registrations with participants, valid check-ins, waves, pseudonymous respondents and their
scored responses. A few bulk inserts whatever the number of people.

`Person` describes one participant; `build(event, people)` writes them all.
"""

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from registrations.models import (
    CheckIn,
    CheckInResult,
    Participant,
    Registration,
    RegistrationStatus,
    TicketType,
)
from surveys.models import Invitation, Respondent, RespondentLink, Response, Wave

OPENED = datetime(2027, 9, 1, tzinfo=UTC)


@dataclass
class Person:
    country: str = "TR"
    role: str = "athlete"
    gender: str = "female"
    year_of_birth: int = 1995
    attended: bool = True
    consent: bool = True
    status: str = RegistrationStatus.CONFIRMED
    withdrawn: bool = False
    invited: tuple[str, ...] = ()  # wave kinds with a sent invitation
    # wave kind → scored answers, e.g. {"t0": {"who5": 40}, "t2": {"who5": 60}}
    answers: dict[str, dict] = field(default_factory=dict)
    name: str = "Participant"
    email: str = ""
    note: str = ""
    guardian: str = ""


def paired(before: dict, after: dict, **fields) -> Person:
    return Person(answers={"t0": before, "t2": after}, **fields)


def waves(event, *, kinds=("t0", "t1", "t2"), closed=True, version="2026-1") -> dict[str, Wave]:
    made = {}
    for number, kind in enumerate(kinds):
        opens = OPENED + timedelta(weeks=6 * number)
        made[kind] = Wave.objects.create(
            event=event,
            kind=kind,
            instrument_version=version,
            opens_at=opens,
            closes_at=opens + timedelta(weeks=4),
            closed_at=opens + timedelta(weeks=4) if closed else None,
        )
    return made


def build(event, people: list[Person], *, made_waves: dict[str, Wave] | None = None) -> None:
    made_waves = (
        made_waves
        if made_waves is not None
        else {wave.kind: wave for wave in Wave.objects.filter(event=event)}
    )
    ticket = TicketType.objects.filter(event=event).first() or TicketType.objects.create(
        event=event, name="Entry", capacity=1_000_000
    )
    now = datetime(2027, 9, 1, tzinfo=UTC)
    registrations = Registration.objects.bulk_create(
        Registration(
            event=event,
            ticket_type=ticket,
            name=person.name,
            email=person.email or f"buyer-{secrets.token_hex(6)}@example.org",
            status=person.status,
            terms_accepted_at=now,
            manage_token_hash=secrets.token_hex(32),
            reference=secrets.token_hex(5).upper(),
        )
        for person in people
    )
    participants = Participant.objects.bulk_create(
        Participant(
            registration=registration,
            name=person.name,
            email=person.email,
            country=person.country,
            year_of_birth=person.year_of_birth,
            gender=person.gender,
            role=person.role,
            guardian_name=person.guardian,
            survey_consent_at=now if person.consent else None,
            accessibility_consent_at=now if person.note else None,
            accessibility_note=person.note,
        )
        for registration, person in zip(registrations, people, strict=True)
    )
    CheckIn.objects.bulk_create(
        CheckIn(event=event, participant=participant, result=CheckInResult.VALID)
        for participant, person in zip(participants, people, strict=True)
        if person.attended
    )
    surveyed = [
        (participant, person)
        for participant, person in zip(participants, people, strict=True)
        if person.answers or person.invited
    ]
    respondents = Respondent.objects.bulk_create(
        Respondent(event=event, withdrawn_at=now if person.withdrawn else None)
        for _participant, person in surveyed
    )
    RespondentLink.objects.bulk_create(
        RespondentLink(respondent=respondent, participant=participant)
        for respondent, (participant, _person) in zip(respondents, surveyed, strict=True)
    )
    Response.objects.bulk_create(
        Response(
            respondent=respondent,
            wave=made_waves[kind],
            instrument_version=made_waves[kind].instrument_version,
            **scores,
        )
        for respondent, (_participant, person) in zip(respondents, surveyed, strict=True)
        for kind, scores in person.answers.items()
    )
    Invitation.objects.bulk_create(
        Invitation(
            respondent=respondent,
            wave=made_waves[kind],
            token_hash=secrets.token_hex(32),
            language="en",
            sent_at=now,
            expires_at=now + timedelta(days=30),
            answered_at=now if kind in person.answers else None,
        )
        for respondent, (_participant, person) in zip(respondents, surveyed, strict=True)
        for kind in person.invited
    )
