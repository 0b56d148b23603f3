"""The audit log: who changed what on an event, written by the service that makes the change, in
the same transaction (a change that rolls back leaves no entry, an entry never lacks its change).

Entries are written explicitly rather than by a history library hooked to model signals: only
the service knows who acts (an organiser, the participant at their link, a scheduled task,
Stripe's webhook, a door device) and what the change means (published, promoted, refunded);
many of our writes are conditional UPDATEs that no model signal sees; and what may be logged of
a person is decided here, once: a personal field is logged by its name only, never with its
values, so erasing a person's data leaves nothing of them in the log.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django_countries.fields import Country

from events.models import (
    ActorKind,
    AuditEntry,
    AuditObject,
    Event,
    EventPartner,
)
from sportevents.rows import Insert


@dataclass(frozen=True)
class Actor:
    """Who makes a change; passed to the services that do not take an organiser's `by`."""

    kind: str
    user: object = None  # the account, for organisers and the people at a door device
    device: str = ""

    @classmethod
    def of(cls, user) -> "Actor":
        return cls(ActorKind.USER, user=user if getattr(user, "pk", None) else None)

    @classmethod
    def at_door(cls, user, device: str = "") -> "Actor":
        """A scan: by the scanner's device when it names itself, else by the person."""
        device = (device or "").strip()[:64]
        if not device:
            return cls.of(user)
        return cls(ActorKind.DEVICE, user=cls.of(user).user, device=device)


PARTICIPANT = Actor(ActorKind.PARTICIPANT)
SYSTEM = Actor(ActorKind.SYSTEM)
STRIPE = Actor(ActorKind.STRIPE)

# The models whose changes are logged, by their label.
OBJECT_TYPES = {
    "events.Event": AuditObject.EVENT,
    "events.EventPartner": AuditObject.PARTNER,
    "events.Sponsorship": AuditObject.SPONSORSHIP,
    "events.Session": AuditObject.SESSION,
    "events.Milestone": AuditObject.MILESTONE,
    "venues.Venue": AuditObject.VENUE,
    "registrations.TicketType": AuditObject.TICKET_TYPE,
    "registrations.Registration": AuditObject.REGISTRATION,
    "registrations.CheckIn": AuditObject.CHECK_IN,
    "payments.Payment": AuditObject.PAYMENT,
    "payments.Refund": AuditObject.REFUND,
}
MODELS = {code: label for label, code in OBJECT_TYPES.items()}
# Entries are written on the busiest calls (each registration, each green scan), and nothing
# listens to their saving: a written-out INSERT (sportevents/rows.py).
INSERT_ENTRY = Insert(AuditEntry)


def label_of(obj: models.Model) -> str:
    """A row as the log names it: never a person's name (registrations by their reference)."""
    if isinstance(obj, EventPartner):
        return obj.organisation.name
    for attribute in ("reference", "name", "title", "slug"):
        try:
            obj._meta.get_field(attribute)
        except FieldDoesNotExist:
            continue
        return str(getattr(obj, attribute))
    return str(obj.pk)


def plain(value):
    """A value as JSON keeps it: dates in ISO 8601, amounts as text, related rows by label."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str | Promise):
        return str(value)
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()  # one instant, one text, whatever its zone
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Country):
        return value.code
    if isinstance(value, models.Model):
        return label_of(value)
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, Iterable):
        return [plain(item) for item in value]
    return str(value)


def values(instance: models.Model, fields: Iterable[str]) -> dict:
    """The current values of `fields` (related rows by their label; amounts to the field's
    decimal places, so that 25 and 25.00 are one value)."""
    result = {}
    for name in fields:
        value = getattr(instance, name)
        field = instance._meta.get_field(name)
        if isinstance(field, models.DecimalField) and value not in (None, ""):
            value = Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))
        result[name] = plain(value)
    return result


def diff(before: Mapping, after: Mapping, *, withheld: Iterable[str] = ()) -> list[dict]:
    """The fields whose values differ; those in `withheld` by their name only."""
    withheld = set(withheld)
    changes = []
    for name in after:
        old, new = plain(before.get(name)), plain(after[name])
        if old == new:
            continue
        changes.append({"field": name} if name in withheld else _change(name, old, new))
    return changes


def created(after: Mapping) -> list[dict]:
    """A new row's values, leaving out the empty ones."""
    return [_change(name, None, value) for name, value in _filled(after)]


def deleted(before: Mapping) -> list[dict]:
    """A removed row's last values, leaving out the empty ones."""
    return [_change(name, value, None) for name, value in _filled(before)]


def names(fields: Iterable[str]) -> list[dict]:
    """Changed fields whose values are personal: their names only."""
    return [{"field": name} for name in dict.fromkeys(fields)]


EMPTY = (None, "", [], {}, ())


def _filled(row: Mapping) -> list[tuple]:
    return [(name, plain(value)) for name, value in row.items() if value not in EMPTY]


def _change(name: str, before, after) -> dict:
    return {"field": name, "before": before, "after": after}


def record(event: Event | int, action: str, obj: models.Model, **details) -> AuditEntry:
    """Log `action` on `obj` (saved, with its primary key) for `event`; `details` as for
    `entry`. Call it inside the transaction of the change, before a deleted row loses its key."""
    return INSERT_ENTRY(entry(event, action, obj, **details))


def entry(
    event: Event | int,
    action: str,
    obj: models.Model,
    *,
    actor: Actor,
    changes: list[dict] | None = None,
    label: str | None = None,
) -> AuditEntry:
    """The entry `record` saves; unsaved, for a row saved together with it (rows.InsertWith
    fills in `object_id` when `obj` has no key yet)."""
    return AuditEntry(
        event_id=getattr(event, "pk", event),
        actor_kind=actor.kind,
        actor=actor.user,
        device=actor.device,
        object_type=OBJECT_TYPES[obj._meta.label],
        object_id="" if obj.pk is None else str(obj.pk),
        object_label=(label if label is not None else label_of(obj))[:200],
        action=action,
        changes=changes or [],
    )
