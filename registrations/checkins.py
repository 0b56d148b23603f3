"""Check-in at the door: verify a signed ticket, record every scan, exactly one green per ticket."""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event
from events.permissions import access_for
from registrations import tickets
from registrations.models import (
    CheckIn,
    CheckInResult,
    EventKey,
    Participant,
    RegistrationStatus,
)
from sportevents.errors import Forbidden


@dataclass(frozen=True)
class Scan:
    result: str  # CheckInResult
    reason: str = ""
    participant: Participant | None = None
    previous: CheckIn | None = None  # for "already checked in"


def _log(event, result, *, participant=None, reason="", gate="", by=None, at=None) -> CheckIn:
    return CheckIn.objects.create(
        event=event,
        participant=participant,
        result=result,
        reason=reason,
        gate=gate,
        scanned_by=by,
        scanned_at=at or timezone.now(),
    )


def check_in(
    event: Event, *, token: str, gate: str, by, scanned_at: datetime | None = None
) -> Scan:
    """Verify a ticket at the door and record the scan; exactly one scan of a ticket is green."""
    access = access_for(by, event)
    if not access.edits_anything:
        raise Forbidden(_("Only the event's organisers may check tickets in."))
    gate = gate.strip()[:60]

    def refuse(reason: str, participant=None) -> Scan:
        _log(
            event,
            CheckInResult.INVALID,
            participant=participant,
            reason=reason,
            gate=gate,
            by=by,
            at=scanned_at,
        )
        return Scan(CheckInResult.INVALID, reason, participant)

    try:
        claims = tickets.verify(token, tickets.public_keys(event))
    except tickets.BadTicket:
        try:
            claims, _payload, _signature = tickets.read(token)
        except tickets.BadTicket:
            return refuse(_("Not a ticket: the code cannot be read."))
        if claims.event_id != event.pk:
            return refuse(_("This ticket is for another event."))
        if EventKey.objects.filter(
            event=event, key_id=claims.key_id, retired_at__isnull=False
        ).exists():
            return refuse(_("Signed with a key that is no longer valid: issue a new ticket."))
        return refuse(_("Forged or altered ticket: the signature does not match."))
    if claims.event_id != event.pk:
        return refuse(_("This ticket is for another event."))
    participant = (
        Participant.objects.select_related("registration__ticket_type")
        .filter(ticket_id=claims.ticket_id, registration__event=event)
        .first()
    )
    if participant is None:
        return refuse(_("Unknown ticket."))
    registration = participant.registration
    if participant.ticket_revoked_at or registration.status == RegistrationStatus.CANCELLED:
        return refuse(_("This ticket was cancelled."), participant)
    if registration.status != RegistrationStatus.CONFIRMED:
        return refuse(
            _("This registration is not confirmed (%(status)s).")
            % {"status": registration.get_status_display()},
            participant,
        )
    try:
        with transaction.atomic():
            _log(
                event, CheckInResult.VALID, participant=participant, gate=gate, by=by, at=scanned_at
            )
    except IntegrityError:
        previous = CheckIn.objects.filter(
            participant=participant, result=CheckInResult.VALID
        ).first()
        _log(
            event,
            CheckInResult.ALREADY,
            participant=participant,
            gate=gate,
            by=by,
            at=scanned_at,
            reason=_("Already checked in."),
        )
        return Scan(CheckInResult.ALREADY, _("Already checked in."), participant, previous)
    return Scan(CheckInResult.VALID, "", participant)
