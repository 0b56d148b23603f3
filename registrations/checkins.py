"""Check-in at the door: verify a signed ticket, record every scan, exactly one green per ticket.

Scanners that lost the network check tickets with the public keys and send their scans later
(`sync_scans`). Two devices may then have let the same ticket in: the earliest scan counts,
whichever device reported it first, and every scan stays in the log.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.db import IntegrityError, connections, router, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from events import audit
from events.audit import Actor
from events.models import AuditAction, AuditEntry, Event
from registrations import tickets
from registrations.doors import Door, open_door
from registrations.models import (
    CheckIn,
    CheckInReason,
    CheckInResult,
    EventKey,
    Participant,
    Registration,
    RegistrationStatus,
    TicketType,
)
from sportevents.rows import Columns, Insert, InsertWith, loaded

# How far ahead of the server's clock a scanner's clock may run.
CLOCK_SKEW = timedelta(minutes=5)
REFUSED = "refused"  # a synced scan that was not recorded: its time cannot be right
# What the door decides on and shows of a participant (the answer and the scanner page), in one
# query written out: the ORM would build and compile the same three-table query anew for every
# scan, about 1 ms of the worker's CPU. The other fields are left deferred.
_DOOR = Columns(
    Participant,
    [
        "id",
        "registration_id",
        "name",
        "year_of_birth",
        "ticket_revoked_at",
        "accessibility_consent_at",
        "accessibility_needs",
        "accessibility_note",
    ],
)
_P, _R, _T = (model._meta.db_table for model in (Participant, Registration, TicketType))
DOOR_PARTICIPANT = f"""
SELECT {_DOOR.sql("p")}, r.reference, r.status, r.event_id, r.ticket_type_id, t.name
FROM {_P} p
JOIN {_R} r ON r.id = p.registration_id
JOIN {_T} t ON t.id = r.ticket_type_id
WHERE p.ticket_id = %s AND r.event_id = %s
"""
_TICKET_ID = Participant._meta.get_field("ticket_id")


def door_participant(event: Event, ticket_id) -> Participant | None:
    """The participant holding ticket `ticket_id` of `event`, with their registration's
    reference, status and ticket type's name; None if the event has no such ticket."""
    ticket = _TICKET_ID.get_db_prep_value(ticket_id, connections[Participant.objects.db])
    found = _DOOR.first(DOOR_PARTICIPANT, [ticket, event.pk])
    if found is None:
        return None
    participant, (reference, status, event_id, ticket_type_id, ticket_type_name) = found
    db = participant._state.db
    registration = loaded(
        Registration,
        db,
        id=participant.registration_id,
        reference=reference,
        status=status,
        event_id=event_id,
        ticket_type_id=ticket_type_id,
    )
    registration.ticket_type = loaded(TicketType, db, id=ticket_type_id, name=ticket_type_name)
    participant.registration = registration
    return participant


@dataclass(frozen=True)
class Scan:
    result: str  # CheckInResult
    reason: str = ""  # CheckInReason
    participant: Participant | None = None
    previous: CheckIn | None = None  # already: the scan that counts
    superseded: CheckIn | None = None  # valid: a later scan that had counted until this one
    row: CheckIn | None = field(default=None, compare=False)

    @property
    def reason_text(self) -> str:
        return reason_text(self.reason, self.participant)


def reason_text(code: str, participant: Participant | None = None) -> str:
    """The reason in the reader's language; a code we do not know (an old sentence) as it is."""
    if not code:
        return ""
    if code == CheckInReason.NOT_CONFIRMED and participant is not None:
        return _("This registration is not confirmed (%(status)s).") % {
            "status": participant.registration.get_status_display()
        }
    try:
        return str(CheckInReason(code).label)
    except ValueError:
        return code


def registration_opened(event: Event) -> datetime:
    """When the first ticket could exist: publication, or the first registration if earlier
    (publishing again after a cancellation moves `published_at`)."""
    first = event.registrations.aggregate(first=Min("created_at"))["first"]
    moments = [moment for moment in (event.published_at, first) if moment]
    return min(moments) if moments else event.created_at


def scan_time_problem(
    event: Event,
    scanned_at: datetime,
    *,
    now: datetime | None = None,
    opened: datetime | None = None,
) -> str:
    """Why a scanner's time cannot be right (empty if it can): in the future beyond the clock
    skew, or before the event opened for registration, when no ticket existed."""
    now = now or timezone.now()
    if scanned_at > now + CLOCK_SKEW:
        return _("A scan cannot be in the future: check the scanner's clock.")
    if scanned_at < (opened or registration_opened(event)):
        return _(
            "A scan cannot be before the event opened for registration: check the scanner's clock."
        )
    return ""


# Every scan is logged, and nothing listens to the log's saving: a written-out INSERT.
_insert_scan = Insert(CheckIn)
# A live scan's green and its audit entry, unless the ticket has a green scan: the constraint's
# conflict, without an error. On PostgreSQL one statement, without a transaction.
_insert_green = InsertWith(
    Insert(CheckIn, unless="one_valid_check_in"), (audit.INSERT_ENTRY, "object_id")
)


def _scan_row(event, result, participant, scanner: dict, reason="") -> CheckIn:
    """A scan's row, at the scanner's time or now."""
    return CheckIn(
        event=event,
        participant=participant,
        result=result,
        reason=reason,
        **{**scanner, "scanned_at": scanner["scanned_at"] or timezone.now()},
    )


def _log(event, result, *, participant=None, reason="", scanner: dict) -> CheckIn:
    return _insert_scan(_scan_row(event, result, participant, scanner, reason))


def check_in(
    event: Event,
    *,
    token: str,
    gate: str,
    by,
    scanned_at: datetime | None = None,
    device: str = "",
    door: Door | None = None,
) -> Scan:
    """Verify a ticket at the door and record the scan; exactly one scan of a ticket is green,
    the earliest. `door`: the event's door, opened for `by` already (registrations/doors.py)."""
    door = door or open_door(event, by)
    scanner = {
        "gate": gate.strip()[:60],
        "device": device.strip()[:64],
        "scanned_by": by,
        "scanned_at": scanned_at,
    }

    def refuse(reason: str, participant=None) -> Scan:
        row = _log(
            event, CheckInResult.INVALID, participant=participant, reason=reason, scanner=scanner
        )
        return Scan(CheckInResult.INVALID, reason, participant, row=row)

    try:
        claims = tickets.verify(token, door.public_keys)
    except tickets.BadTicket:
        try:
            claims, _payload, _signature = tickets.read(token)
        except tickets.BadTicket:
            return refuse(CheckInReason.UNREADABLE)
        if claims.event_id != event.pk:
            return refuse(CheckInReason.OTHER_EVENT)
        if EventKey.objects.filter(
            event=event, key_id=claims.key_id, retired_at__isnull=False
        ).exists():
            return refuse(CheckInReason.RETIRED_KEY)
        return refuse(CheckInReason.FORGED)
    if claims.event_id != event.pk:
        return refuse(CheckInReason.OTHER_EVENT)
    participant = door_participant(event, claims.ticket_id)
    if participant is None:
        return refuse(CheckInReason.UNKNOWN)
    registration = participant.registration
    if participant.ticket_revoked_at or registration.status == RegistrationStatus.CANCELLED:
        return refuse(CheckInReason.CANCELLED, participant)
    if registration.status != RegistrationStatus.CONFIRMED:
        return refuse(CheckInReason.NOT_CONFIRMED, participant)
    if scanner["scanned_at"] is None:
        # Most tickets are scanned once, live: green at once, without taking the lock. The
        # database allows one green scan per ticket; when another scan has it (or is recording
        # it: the insert waits for that to end), nothing is saved and the lock decides.
        row = _scan_row(event, CheckInResult.VALID, participant, scanner)
        if _insert_green(row, [_green_entry(row, participant)]) is not None:
            return Scan(CheckInResult.VALID, "", participant, row=row)
    try:
        return _admit(event, participant, scanner)
    except IntegrityError:
        # A live scan (which takes no lock) recorded its green between this scan's read and its
        # insert, as when an offline scan syncs at the moment the ticket is scanned live: the
        # other scan committed first; decide again against it.
        return _admit(event, participant, scanner)


@transaction.atomic
def _admit(event: Event, participant: Participant, scanner: dict) -> Scan:
    """Record a good ticket's scan under the ticket's lock: green if it is the earliest, amber
    otherwise."""
    # Every scan of this ticket waits here for the others: a synced offline scan and a live
    # one cannot both see "no green yet". A no-key lock: a live scan recording its green at once
    # (without this lock) must still pass its foreign-key check on the row, or the two wait for
    # each other.
    _lock_ticket(participant)
    if scanner["scanned_at"] is None:
        # A live scan happens when it holds the lock: one that waited for another live scan
        # is later than it, never earlier.
        scanner = {**scanner, "scanned_at": timezone.now()}
    first = _green_scan(participant)
    if first is None or scanner["scanned_at"] < first.scanned_at:
        if first is not None:
            # An offline scan from before the green one: the earlier scan counts. The later one
            # becomes a repeat, first (the constraint allows one green at a time).
            first.result, first.reason = CheckInResult.ALREADY, CheckInReason.ALREADY
            first.save(update_fields=["result", "reason"])
        row = _log(event, CheckInResult.VALID, participant=participant, scanner=scanner)
        if first is not None:
            CheckIn.objects.filter(pk=first.pk).update(first_scan=row)
            CheckIn.objects.filter(first_scan=first).update(first_scan=row)
            first.refresh_from_db()
        _record(row, participant, superseded=first)
        return Scan(CheckInResult.VALID, "", participant, superseded=first, row=row)
    row = _log(
        event,
        CheckInResult.ALREADY,
        participant=participant,
        reason=CheckInReason.ALREADY,
        scanner={**scanner, "first_scan": first},
    )
    return Scan(CheckInResult.ALREADY, CheckInReason.ALREADY, participant, first, row=row)


# The two queries of a repeated scan, written out as the door's others are.
_PARTICIPANT_TABLE = Participant._meta.db_table
_SCAN = Columns(CheckIn)
GREEN_SCAN = f"""
SELECT {_SCAN.sql("c")} FROM {CheckIn._meta.db_table} c
WHERE c.participant_id = %s AND c.result = %s
"""


def _lock_ticket(participant: Participant) -> None:
    """Lock the participant's row (as select_for_update(no_key=True)) until the transaction
    ends; nothing where the database has no row locks (SQLite locks the whole database)."""
    connection = connections[router.db_for_write(Participant)]
    if not connection.features.has_select_for_update:
        return
    lock = connection.ops.for_update_sql(no_key=connection.features.has_select_for_no_key_update)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {_PARTICIPANT_TABLE} WHERE id = %s {lock}", [participant.pk])


def _green_scan(participant: Participant) -> CheckIn | None:
    found = _SCAN.first(GREEN_SCAN, [participant.pk, CheckInResult.VALID])
    return None if found is None else found[0]


_LOGGED = ("result", "gate", "scanned_at")


def _record(row: CheckIn, participant: Participant, *, superseded: CheckIn | None) -> None:
    """The audit log keeps the green scans, and the green scan a synced earlier one replaced;
    the other scans are in the check-in log itself."""
    if superseded is not None:
        audit.record(
            row.event_id,
            AuditAction.CHANGED,
            superseded,
            actor=Actor.at_door(row.scanned_by, row.device),
            changes=audit.diff(
                {**audit.values(superseded, _LOGGED), "result": CheckInResult.VALID},
                audit.values(superseded, _LOGGED),
            ),
            label=participant.registration.reference,
        )
    audit.INSERT_ENTRY(_green_entry(row, participant))


def _green_entry(row: CheckIn, participant: Participant) -> AuditEntry:
    """A green scan's audit entry (unsaved)."""
    return audit.entry(
        row.event_id,
        AuditAction.CHECKED_IN,
        row,
        actor=Actor.at_door(row.scanned_by, row.device),
        changes=audit.created(audit.values(row, (*_LOGGED, "device"))),
        label=participant.registration.reference,
    )


@dataclass(frozen=True)
class SyncedScan:
    """One scan of an offline batch: the final answer, or why it was refused."""

    token: str
    gate: str
    scanned_at: datetime
    device: str
    scan: Scan | None = None
    refused: str = ""  # the message, when the scan was not recorded
    resent: bool = False  # the same scan had arrived before (a retried sync)

    @property
    def result(self) -> str:
        return REFUSED if self.scan is None else self.scan.result


def _already_received(event: Event, by, item: "SyncedScan") -> CheckIn | None:
    """A batch sent again after its answer was lost: a device never scans twice in the same
    millisecond, so device and time name the scan."""
    device = item.device.strip()[:64]
    if not device:
        return None
    return (
        CheckIn.objects.filter(
            event=event,
            device=device,
            scanned_at=item.scanned_at,
            scanned_by=by,
        )
        .select_related("participant__registration__ticket_type", "first_scan")
        .first()
    )


def _as_scan(row: CheckIn) -> Scan:
    """A scan recorded earlier, as it stands now."""
    first = row.first_scan if row.result == CheckInResult.ALREADY else None
    return Scan(row.result, row.reason, row.participant, first, row=row)


def sync_scans(event: Event, *, scans: list[dict], by) -> list[SyncedScan]:
    """Record the scans an offline scanner made: each {token, gate, scanned_at, device}, in the
    order given. Each is checked as at the door and placed by its own time: the earliest scan
    of a ticket is green, whichever device sent it and whenever. A scan whose time cannot be
    right is refused and not recorded."""
    door = open_door(event, by)
    now = timezone.now()
    opened = registration_opened(event)
    outcomes = []
    for item in scans:
        synced = SyncedScan(
            token=item["token"],
            gate=item.get("gate", ""),
            scanned_at=item["scanned_at"],
            device=item.get("device", ""),
        )
        problem = scan_time_problem(event, synced.scanned_at, now=now, opened=opened)
        if problem:
            outcomes.append(replace(synced, refused=problem))
            continue
        earlier = _already_received(event, by, synced)
        if earlier is not None:
            outcomes.append(replace(synced, scan=_as_scan(earlier), resent=True))
            continue
        scan = check_in(
            event,
            token=synced.token,
            gate=synced.gate,
            by=by,
            scanned_at=synced.scanned_at,
            device=synced.device,
            door=door,
        )
        outcomes.append(replace(synced, scan=scan))
    return outcomes
