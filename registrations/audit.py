"""What registrations write in the event's audit log about a person's details: which fields a
participant changed at their link, and that their data was erased. Names of fields only: the
values are personal (names, email addresses, accessibility needs), so the log never holds them
and an erasure leaves nothing of the person behind. The registration's state (status, seats
held) is logged with its values by services.py.
"""

from events import audit
from events.audit import PARTICIPANT, SYSTEM, Actor
from events.models import AuditAction
from registrations.models import Participant, Registration

REGISTRATION_DETAILS = ("name", "email", "language")
# Stored field → the name the participant knows it by (the manage form's and the API's).
PARTICIPANT_DETAILS = {
    "name": "name",
    "email": "email",
    "country": "country",
    "role": "role",
    "accessibility_consent_at": "accessibility_consent",
    "accessibility_needs": "accessibility_needs",
    "accessibility_note": "accessibility_note",
    "survey_consent_at": "survey_consent",
}
# What an erasure removes of each participant (privacy.anonymise_participant); on request the
# consents go too.
ERASED = (
    "name",
    "email",
    "year_of_birth",
    "guardian_name",
    "guardian_email",
    "accessibility_needs",
    "accessibility_note",
)
CONSENTS = ("survey_consent", "accessibility_consent")
NEEDS = ("participants.accessibility_needs", "participants.accessibility_note")


def _same(stored, current) -> bool:
    # A country is stored as its code and read as a Country; compare them as text.
    return stored == current or (
        stored is not None and current is not None and str(stored) == str(current)
    )


def details_changed(registration: Registration, participants: list[Participant]) -> None:
    """Log which details differ from what is stored; call before saving the changed rows."""
    stored = Registration.objects.values(*REGISTRATION_DETAILS).get(pk=registration.pk)
    changed = [name for name in REGISTRATION_DETAILS if stored[name] != getattr(registration, name)]
    position = {
        pk: index
        for index, pk in enumerate(
            Participant.objects.filter(registration=registration)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    }
    rows = {
        row["pk"]: row
        for row in Participant.objects.filter(pk__in=[p.pk for p in participants]).values(
            "pk", *PARTICIPANT_DETAILS
        )
    }
    for participant in sorted(participants, key=lambda p: position[p.pk]):
        row = rows[participant.pk]
        changed += [
            f"participants[{position[participant.pk]}].{name}"
            for field, name in PARTICIPANT_DETAILS.items()
            if not _same(row[field], getattr(participant, field))
        ]
    if changed:
        audit.record(
            registration.event_id,
            AuditAction.CHANGED,
            registration,
            actor=PARTICIPANT,
            changes=audit.names(changed),
        )


def erased(registration: Registration, *, actor: Actor, on_request: bool = True) -> None:
    """Its people's data is gone: at their request (`on_request`), or its retention is over."""
    fields = ERASED + CONSENTS if on_request else ERASED
    audit.record(
        registration.event_id,
        AuditAction.ERASED,
        registration,
        actor=actor,
        changes=audit.names(["name", "email", *(f"participants.{name}" for name in fields)]),
    )


def participant_erased(participant: Participant, *, actor: Actor) -> None:
    """One participant of someone else's registration, at their request."""
    registration = participant.registration
    position = list(
        Participant.objects.filter(registration=registration)
        .order_by("pk")
        .values_list("pk", flat=True)
    ).index(participant.pk)
    audit.record(
        registration.event_id,
        AuditAction.ERASED,
        registration,
        actor=actor,
        changes=audit.names(f"participants[{position}].{name}" for name in ERASED + CONSENTS),
    )


def needs_forgotten(registrations) -> None:
    """The daily task deleted the accessibility needs of these registrations' participants."""
    for registration in registrations:
        audit.record(
            registration.event_id,
            AuditAction.ERASED,
            registration,
            actor=SYSTEM,
            changes=audit.names(NEEDS),
        )
