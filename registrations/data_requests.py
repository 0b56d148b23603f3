"""A person's data request, answered by an administrator of the organisation that leads their
events: find what is held under an email address, download it, erase it.

The search covers only the registrations of events the organisation leads: another
organisation's events are its own business, and never show. An address matches where it is
the buyer's (who made the registration), a participant's or a parent's or guardian's.

- The download is the person's own export (registrations.privacy.export_data), one per
  registration. In someone else's registration it holds only the person's participants.
- The erasure is the person's own erasure: a registration they made is cancelled first when
  the event is still to come (the seats go to the waiting list), then anonymised; in someone
  else's registration only their participants are anonymised and their tickets revoked.

Every answer is recorded (`DataRequest`: who, when, what, for which address as a keyed hash).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from events.audit import Actor
from events.models import Organisation, Role
from events.services.organisations import require_role
from registrations import privacy
from registrations.models import (
    DataRequest,
    DataRequestAction,
    Participant,
    Registration,
    RegistrationStatus,
)


@dataclass
class Held:
    """One registration that holds data about the person."""

    registration: Registration
    as_buyer: bool  # they made it: all of it is theirs
    participants: list[Participant]  # their participants in it (all of them when the buyer)

    @property
    def only(self) -> set[int] | None:
        """What of the registration is theirs, as `export_data` takes it."""
        return None if self.as_buyer else {p.pk for p in self.participants}


@dataclass
class Erased:
    registrations: int  # registrations they made, erased whole
    participants: int  # their participants in other people's registrations, erased
    cancelled: int  # of the registrations erased, those cancelled first (upcoming events)


def normalise(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}) from None
    return email


def email_hash(email: str) -> str:
    """A keyed hash of the address: the record can be matched to a later question about the
    same address, and says nothing to whoever reads the table without the site's key."""
    digest = salted_hmac("registrations.data-request", normalise(email), algorithm="sha256")
    return digest.hexdigest()


def require_admin(organisation: Organisation, user) -> None:
    require_role(organisation, user, Role.ADMIN)


def find(organisation: Organisation, email: str) -> list[Held]:
    """The registrations of the organisation's events that hold data about `email`."""
    email = normalise(email)
    theirs = Q(email__iexact=email) | Q(guardian_email__iexact=email)
    registrations = (
        Registration.objects.filter(event__lead=organisation)
        .filter(
            Q(email__iexact=email)
            | Q(pk__in=Participant.objects.filter(theirs).values("registration_id"))
        )
        .select_related("event", "ticket_type")
        .prefetch_related("participants__check_ins")
        .order_by("event__starts_on", "created_at", "pk")
    )
    held = []
    for registration in registrations:
        as_buyer = registration.email.lower() == email
        people = [
            participant
            for participant in registration.participants.all()
            if as_buyer or email in (participant.email.lower(), participant.guardian_email.lower())
        ]
        held.append(Held(registration=registration, as_buyer=as_buyer, participants=people))
    return held


def _record(organisation, by, email: str, action: str, registrations: int) -> DataRequest:
    return DataRequest.objects.create(
        organisation=organisation,
        handled_by=by,
        email_hash=email_hash(email),
        action=action,
        registrations=registrations,
    )


def look_up(organisation: Organisation, email: str, *, by) -> list[Held]:
    """What is held about `email` in the organisation's events (administrators only)."""
    require_admin(organisation, by)
    held = find(organisation, email)
    _record(organisation, by, email, DataRequestAction.LOOK_UP, len(held))
    return held


def export(held: list[Held]) -> dict:
    """The person's data: their own export of each registration, in one file."""
    return {
        "exported_at": timezone.now(),
        "registrations": [privacy.export_data(h.registration, only=h.only) for h in held],
    }


def export_person(organisation: Organisation, email: str, *, by) -> dict:
    require_admin(organisation, by)
    held = find(organisation, email)
    _record(organisation, by, email, DataRequestAction.EXPORT, len(held))
    return export(held)


def will_cancel(held: Held) -> bool:
    """Erasing it cancels it first: a registration they made, active, for an upcoming event."""
    registration = held.registration
    return (
        held.as_buyer
        and registration.status != RegistrationStatus.CANCELLED
        and not privacy.event_over(registration.event)
    )


def erase_person(organisation: Organisation, email: str, *, by) -> Erased:
    """Erase what the organisation's events hold about `email`; all of it or nothing."""
    require_admin(organisation, by)
    erased = Erased(registrations=0, participants=0, cancelled=0)
    with transaction.atomic():
        held = find(organisation, email)
        # Capacity rows are locked in one order everywhere: ticket type, then registration.
        for item in sorted(held, key=lambda h: (h.registration.ticket_type_id, h.registration.pk)):
            if item.as_buyer:
                erased.cancelled += int(will_cancel(item))
                privacy.erase_registration(item.registration, actor=Actor.of(by))
                erased.registrations += 1
            else:
                for participant in item.participants:
                    privacy.erase_participant(participant, actor=Actor.of(by))
                    erased.participants += 1
        _record(organisation, by, email, DataRequestAction.ERASE, len(held))
    return erased


def earlier(organisation: Organisation, email: str):
    """The requests about this address the organisation answered before."""
    return DataRequest.objects.filter(
        organisation=organisation, email_hash=email_hash(email)
    ).select_related("handled_by")


def history(organisation: Organisation):
    return DataRequest.objects.filter(organisation=organisation).select_related("handled_by")
