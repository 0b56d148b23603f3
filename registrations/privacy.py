"""The participant's rights over their registration, at its manage link: correct the details
(and give or withdraw the optional consents), download everything we hold, and erase it.

Erasure keeps only facts that feed counts and carry no identity: country, role, gender, status,
dates, check-ins (time, gate, result) and the age band. The year of birth is replaced by the
latest year of the person's age band at the event (see `band_year`): the event's age groups
still count them right, the exact year is gone. Names, email addresses, guardian details,
accessibility needs and notes are removed, the survey consent is withdrawn, the tickets are
revoked and the manage link stops working. The outbox forgets the emails sent about the
registration, so no Message-ID in a mailbox or a mail log leads back to what is kept.

The same anonymisation serves an organisation answering a person's request
(registrations.data_requests) and the end of an event's retention period
(registrations.retention), which keeps the consent records.
"""

import json
import secrets
import uuid
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries.fields import Country

from events.audit import PARTICIPANT, Actor
from outbox import services as outbox
from registrations import audit, services, tasks
from registrations.ages import age_group
from registrations.links import hash_token
from registrations.models import (
    AccessibilityNeed,
    Participant,
    Registration,
    RegistrationStatus,
)
from registrations.signals import survey_consent_withdrawn
from sportevents.errors import Conflict

# What a participant may change at the manage link. Year of birth and ticket type decide the
# price, the age rules and the seat: they are not changed here.
CHANGEABLE = (
    "name",
    "email",
    "country",
    "role",
    "accessibility_consent",
    "accessibility_needs",
    "accessibility_note",
    "survey_consent",
)
ERASED_DOMAIN = "erased.invalid"  # RFC 2606: never delivered


def event_over(event, today=None) -> bool:
    return event.ends_on < (today or timezone.localdate())


def may_change(registration: Registration) -> bool:
    return registration.status != RegistrationStatus.CANCELLED and not event_over(
        registration.event
    )


# Correcting the details -------------------------------------------------------------------


def _apply_consents(participant: Participant, changes: dict, now: datetime) -> dict:
    """Consents and the needs behind them; returns the errors, keyed by field."""
    errors = {}
    if "survey_consent" in changes:
        if changes["survey_consent"] and participant.survey_consent_at is None:
            errors["survey_consent"] = _(
                "Here the survey consent can only be withdrawn; it is given when registering."
            )
        elif not changes["survey_consent"] and participant.survey_consent_at is not None:
            participant.survey_consent_at = None
            participant.survey_consent_withdrawn_at = now
    consent = changes.get("accessibility_consent", participant.accessibility_consent_at is not None)
    needs = changes.get("accessibility_needs")
    note = changes.get("accessibility_note")
    if set(needs or []) - set(AccessibilityNeed.values):
        errors["accessibility_needs"] = _("Unknown accessibility need.")
    if not consent:
        if needs or (note or "").strip():
            errors["accessibility_consent"] = _(
                "To store accessibility needs, tick the consent for them; or leave them out."
            )
        # Withdrawn (or never given): nothing of it is kept.
        participant.accessibility_consent_at = None
        participant.accessibility_needs = []
        participant.accessibility_note = ""
        return errors
    if participant.accessibility_consent_at is None:
        participant.accessibility_consent_at = now
    if needs is not None:
        participant.accessibility_needs = list(dict.fromkeys(needs))
    if note is not None:
        participant.accessibility_note = note.strip()
    return errors


def _model_errors(instance, exclude: list[str]) -> dict:
    try:
        instance.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as error:
        return error.message_dict
    return {}


def change_details(
    registration: Registration,
    *,
    name: str | None = None,
    email: str | None = None,
    language: str | None = None,
    participants: list[dict] = (),
) -> Registration:
    """Change the registration's contact details and its participants' details; all or nothing.

    `participants` is a list of changes, each with the participant's `ticket_id` and any of
    CHANGEABLE; errors on them come back as `participants[<index>].<field>`. A new email address
    gets the confirmation again.
    """
    now = timezone.now()
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .select_related("event", "ticket_type")
            .get(pk=registration.pk)
        )
        if registration.status == RegistrationStatus.CANCELLED:
            raise Conflict(
                _("This registration is cancelled: its details can no longer be changed."),
                code="cancelled",
            )
        if event_over(registration.event, now.date()):
            raise Conflict(
                _("The event is over: the details can no longer be changed."), code="event_over"
            )
        errors = {}
        old_email = registration.email
        if name is not None:
            registration.name = name.strip()
        if email is not None:
            registration.email = email.strip().lower()
        if language is not None:
            if language not in dict(settings.LANGUAGES):
                errors["language"] = [_("Unknown language.")]
            registration.language = language
        for field, messages in _model_errors(
            registration, exclude=["manage_token_hash", "event", "ticket_type", "status"]
        ).items():
            errors.setdefault(field, []).extend(messages)

        people = {p.ticket_id: p for p in registration.participants.all()}
        changed = []
        for index, change in enumerate(participants):
            unknown = set(change) - set(CHANGEABLE) - {"ticket_id"}
            if unknown:
                raise TypeError(f"unknown participant fields: {sorted(unknown)}")
            key = f"participants[{index}]"
            participant = people.get(_uuid(change.get("ticket_id")))
            if participant is None:
                errors[f"{key}.ticket_id"] = [_("No such participant in this registration.")]
                continue
            for field in ("name", "email", "country", "role"):
                if field in change:
                    value = change[field]
                    setattr(participant, field, value.strip() if field != "country" else value)
            found = _apply_consents(participant, change, now)
            found.update(_model_errors(participant, exclude=["registration"]))
            for field, messages in found.items():
                errors[f"{key}.{field}"] = messages
            changed.append(participant)
        if errors:
            raise ValidationError(errors)

        audit.details_changed(registration, changed)
        try:
            with transaction.atomic():
                registration.save(update_fields=["name", "email", "language"])
        except IntegrityError as error:  # one registration per address and ticket type
            raise Conflict(
                _("%(email)s is registered for this ticket already.")
                % {"email": registration.email},
                code="already_registered",
            ) from error
        for participant in changed:
            participant.save()
        withdrawn = [p.pk for p in changed if p.survey_consent_withdrawn_at == now]
        if withdrawn:
            survey_consent_withdrawn.send(sender=Participant, participant_ids=withdrawn)
        if registration.email != old_email:
            occasion = f"new-address:{now:%Y%m%dT%H%M%S%f}"
            transaction.on_commit(
                lambda: tasks.send_registration_email.delay(registration.pk, occasion)
            )
    return registration


def _uuid(value) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# Download my data -------------------------------------------------------------------------

# Internal keys and secrets: not data about the person.
NOT_EXPORTED = {"id", "manage_token_hash", "registration", "event", "ticket_type"}
# The buyer's own contact details: not part of another person's export.
BUYER_CONTACT = ("name", "email", "language")


def _plain(value):
    return value.code if isinstance(value, Country) else value


def _fields(instance) -> dict:
    return {
        field.name: _plain(field.value_from_object(instance))
        for field in instance._meta.concrete_fields
        if field.name not in NOT_EXPORTED
    }


def export_data(registration: Registration, *, only: set[int] | None = None) -> dict:
    """Everything stored about the registration and its participants, as plain data (dates
    stay datetimes: encode with Django's JSON encoder).

    `only` (participant ids) narrows it to one person in someone else's registration, for an
    organisation answering that person's request: their participants' data, and none of the
    buyer's contact details nor of the other participants."""
    event, ticket_type = registration.event, registration.ticket_type
    whole = only is None
    participants = []
    addresses = (
        [{"address": registration.email, "used_for": "tickets and messages"}] if whole else []
    )
    for participant in registration.participants.prefetch_related("check_ins"):
        if not whole and participant.pk not in only:
            continue
        data = _fields(participant)
        data["check_ins"] = [
            {
                "scanned_at": scan.scanned_at,
                "gate": scan.gate,
                "result": scan.result,
                "reason": scan.reason,
            }
            for scan in participant.check_ins.all()
        ]
        participants.append(data)
        if participant.email:
            addresses.append({"address": participant.email, "used_for": "participant"})
        if participant.guardian_email:
            addresses.append({"address": participant.guardian_email, "used_for": "guardian"})
    details = _fields(registration)
    if not whole:
        for field in BUYER_CONTACT:
            details.pop(field)
    return {
        "exported_at": timezone.now(),
        "registration": {
            **details,
            "event": {
                "slug": event.slug,
                "title": event.title,
                "starts_on": event.starts_on,
                "ends_on": event.ends_on,
            },
            "ticket_type": {
                "name": ticket_type.name,
                "price": str(ticket_type.price),
                "currency": ticket_type.currency,
            },
        },
        "participants": participants,
        "consents": [
            {
                "participant": participant["ticket_id"],
                "survey": {
                    "given_at": participant["survey_consent_at"],
                    "version": participant["survey_consent_version"],
                    "withdrawn_at": participant["survey_consent_withdrawn_at"],
                },
                "accessibility_needs": {"given_at": participant["accessibility_consent_at"]},
                "guardian": {"confirmed_at": participant["guardian_confirmed_at"]},
            }
            for participant in participants
        ],
        "terms_accepted_at": registration.terms_accepted_at,
        "email_addresses": addresses,
    }


def export_json(data: dict) -> str:
    """The export as the file people download: indented, dates in ISO 8601, text as written."""
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def export_filename(registration: Registration) -> str:
    return f"my-data-{registration.reference}.json"


# Erasure ----------------------------------------------------------------------------------


def band_year(year_of_birth: int, event) -> int:
    """The latest year of birth in the same age band at `event`: what erasure keeps."""
    band = age_group(year_of_birth, event)
    year = year_of_birth
    while year < event.starts_on.year and age_group(year + 1, event) == band:
        year += 1
    return year


def erase_registration(registration: Registration, *, actor: Actor = PARTICIPANT) -> Registration:
    """Cancel an upcoming registration (its seats go to the waiting list), then remove what
    identifies its people. Idempotent: erasing again changes nothing. By the participant at
    their link, or the `actor` who answers their request."""
    if registration.erased_at is not None:
        return registration
    now = timezone.now()
    with transaction.atomic():
        if registration.status != RegistrationStatus.CANCELLED and not event_over(
            registration.event, now.date()
        ):
            try:
                services.cancel_registration(registration, actor=actor)
            except Conflict:  # cancelled meanwhile by another request: nothing left to free
                pass
        registration = (
            Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
        )
        if registration.erased_at is not None:  # erased meanwhile by another request
            return registration
        people = anonymise_registration(registration, now=now, on_request=True)
        audit.erased(registration, actor=actor)
        # Also those who withdrew before: whatever survey tie is left goes with the erasure.
        survey_consent_withdrawn.send(sender=Participant, participant_ids=[p.pk for p in people])
    return registration


def erase_participant(participant: Participant, *, actor: Actor) -> Participant:
    """Remove what identifies one participant of someone else's registration (a person asked
    their event's organisation): their ticket is revoked, the booking stays with its buyer.
    Idempotent."""
    now = timezone.now()
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update()
            .select_related("registration__event")
            .get(pk=participant.pk)
        )
        anonymise_participant(participant, participant.registration.event, now=now, on_request=True)
        audit.participant_erased(participant, actor=actor)
        survey_consent_withdrawn.send(sender=Participant, participant_ids=[participant.pk])
    return participant


def anonymise_registration(
    registration: Registration, *, now: datetime, on_request: bool
) -> list[Participant]:
    """Remove the names, addresses, guardian details and needs of a registration the caller
    has locked; returns its participants. The manage link stops working.

    `on_request`: the person asked (erasure): the consents go too, the survey one counted as
    withdrawn. Otherwise (the retention period is over) the consent records stay, with their
    time and text version, no longer tied to a name: the pseudonymous survey answers given
    under them stay under the surveys' own rules."""
    registration.name = ""
    # Unique per ticket type among active registrations, so not one shared placeholder.
    registration.email = f"erased-{registration.pk}@{ERASED_DOMAIN}"
    # A fresh random hash: the old link finds nothing, and no one knows a token for this one.
    registration.manage_token_hash = hash_token(secrets.token_urlsafe(32))
    registration.erased_at = now
    registration.save(update_fields=["name", "email", "manage_token_hash", "erased_at"])
    people = list(registration.participants.all())
    for participant in people:
        anonymise_participant(participant, registration.event, now=now, on_request=on_request)
    outbox.forget_prefix(tasks.email_key(registration.pk, ""))
    return people


def anonymise_participant(
    participant: Participant, event, *, now: datetime, on_request: bool
) -> None:
    participant.name = ""
    participant.email = ""
    participant.year_of_birth = band_year(participant.year_of_birth, event)
    participant.guardian_name = ""
    participant.guardian_email = ""
    participant.accessibility_needs = []
    participant.accessibility_note = ""
    participant.ticket_revoked_at = participant.ticket_revoked_at or now
    if on_request:
        participant.guardian_confirmed_at = None
        if participant.survey_consent_at is not None:
            participant.survey_consent_at = None
            participant.survey_consent_withdrawn_at = now
        participant.accessibility_consent_at = None
    participant.save()
