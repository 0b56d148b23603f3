"""Registration writes: ticket types, registering with capacity that never oversells, the
waiting list, and cancellation with promotion. Check-in is in checkins.py."""

from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries as country_names

from events import audit
from events.audit import PARTICIPANT, STRIPE, SYSTEM, Actor
from events.models import AuditAction, Event, EventStatus
from events.permissions import access_for, require_lead_editor
from registrations import seats, signals, tasks
from registrations.links import hash_token, manage_token_for
from registrations.models import (
    HOLDING,
    AccessibilityNeed,
    Participant,
    Registration,
    RegistrationStatus,
    TicketAllocation,
    TicketType,
)
from sportevents.errors import Conflict, Forbidden
from sportevents.rows import Insert, InsertWith

GUARDIAN_AGE = 16  # under this age a parent or guardian registers with the child
SURVEY_CONSENT_VERSION = "2026-1"
TICKET_TYPE_FIELDS = (
    "name",
    "description",
    "price",
    "currency",
    "capacity",
    "sales_start",
    "sales_end",
    "min_age",
    "max_age",
    "is_active",
    "refund_policy",
    "refund_days_before",
)
PARTICIPANT_FIELDS = (
    "name",
    "email",
    "country",
    "year_of_birth",
    "gender",
    "role",
    "guardian_name",
    "guardian_email",
    "accessibility_needs",
    "accessibility_note",
)


# Ticket types ------------------------------------------------------------------------------


def paid_tickets_enabled() -> bool:
    """Paid tickets need Stripe: a secret key to take payments, a webhook secret to trust the
    confirmations."""
    return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRETS)


def _check_payments(ticket_type: TicketType) -> None:
    if ticket_type.price > 0 and ticket_type.is_active and not paid_tickets_enabled():
        raise ValidationError(
            {
                "is_active": _(
                    "A paid ticket can be put on sale once payments are set up: the site needs "
                    "its Stripe keys (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET). Save it "
                    "as not on sale for now, or make it free."
                )
            }
        )


@transaction.atomic
def event_countries(event: Event) -> list[str]:
    """The countries a ticket type's seats may be allocated to: the lead's and the partners'."""
    codes = {str(event.lead.country)} | {
        str(code) for code in event.partners.values_list("organisation__country", flat=True)
    }
    return sorted(codes)


def _set_allocations(ticket_type: TicketType, allocations: dict[str, int]) -> None:
    """Replace the partner-country allocations (caller holds the ticket type's row lock).
    Seats already held by residents of a country count against its allocation."""
    allocations = {str(code).upper(): seats for code, seats in allocations.items() if seats}
    allowed = set(event_countries(ticket_type.event))
    errors = []
    unknown = sorted(set(allocations) - allowed)
    if unknown:
        errors.append(
            _("Seats can only be kept for the event's partner countries, not for %(codes)s.")
            % {"codes": ", ".join(unknown)}
        )
    if any(seats < 0 for seats in allocations.values()):
        errors.append(_("Allocated seats cannot be negative."))
    if sum(allocations.values()) > ticket_type.capacity:
        errors.append(
            _("The allocations add up to %(sum)s seats, more than the capacity of %(capacity)s.")
            % {"sum": sum(allocations.values()), "capacity": ticket_type.capacity}
        )
    held = seats.countries_of(
        Participant.objects.filter(
            registration__ticket_type=ticket_type, registration__status__in=HOLDING
        )
    )
    if allocations:
        for code, count in sorted(held.items()):
            if allocations.get(code, 0) < count:
                errors.append(
                    ngettext(
                        "Residents of %(country)s hold %(count)s seat already: allocate at least "
                        "that many.",
                        "Residents of %(country)s hold %(count)s seats already: allocate at least "
                        "that many.",
                        count,
                    )
                    % {"country": dict(country_names).get(code, code), "count": count}
                )
    if errors:
        raise ValidationError({"allocations": errors})
    TicketAllocation.objects.filter(ticket_type=ticket_type).delete()
    TicketAllocation.objects.bulk_create(
        TicketAllocation(ticket_type=ticket_type, country=code, seats=n, taken=held.get(code, 0))
        for code, n in sorted(allocations.items())
    )


@transaction.atomic
def create_ticket_type(
    event: Event, *, by, allocations: dict[str, int] | None = None, **fields
) -> TicketType:
    require_lead_editor(by, event)
    unknown = set(fields) - set(TICKET_TYPE_FIELDS)
    if unknown:
        raise TypeError(f"unknown ticket type fields: {sorted(unknown)}")
    ticket_type = TicketType(event=event, **fields)
    ticket_type.currency = ticket_type.currency.upper()
    ticket_type.full_clean()
    _check_payments(ticket_type)
    ticket_type.save()
    if allocations:
        _set_allocations(ticket_type, allocations)
    audit.record(
        event,
        AuditAction.CREATED,
        ticket_type,
        actor=Actor.of(by),
        changes=audit.created(_ticket_type_values(ticket_type)),
    )
    return ticket_type


def _ticket_type_values(ticket_type: TicketType) -> dict:
    return {
        **audit.values(ticket_type, TICKET_TYPE_FIELDS),
        "allocations": dict(
            ticket_type.allocations.order_by("country").values_list("country", "seats")
        ),
    }


@transaction.atomic
def update_ticket_type(
    ticket_type: TicketType, *, by, allocations: dict[str, int] | None = None, **fields
) -> TicketType:
    require_lead_editor(by, ticket_type.event)
    ticket_type = TicketType.objects.select_for_update().get(pk=ticket_type.pk)
    before = _ticket_type_values(ticket_type)
    for name, value in fields.items():
        if name not in TICKET_TYPE_FIELDS:
            raise TypeError(f"unknown ticket type field: {name}")
        setattr(ticket_type, name, value)
    ticket_type.currency = ticket_type.currency.upper()
    if ticket_type.capacity < ticket_type.taken:
        raise ValidationError(
            {
                "capacity": ngettext(
                    "%(taken)s seat is taken already; the capacity cannot be lower.",
                    "%(taken)s seats are taken already; the capacity cannot be lower.",
                    ticket_type.taken,
                )
                % {"taken": ticket_type.taken}
            }
        )
    ticket_type.full_clean()
    _check_payments(ticket_type)
    ticket_type.save()
    if allocations is not None:
        _set_allocations(ticket_type, allocations)
    actor = Actor.of(by)
    changes = audit.diff(before, _ticket_type_values(ticket_type))
    if changes:
        audit.record(
            ticket_type.event_id, AuditAction.CHANGED, ticket_type, actor=actor, changes=changes
        )
    # More seats, or seats back on sale: the waiting list gets them first.
    _promote(ticket_type.pk, actor=actor)
    return ticket_type


# Registering -------------------------------------------------------------------------------


@dataclass
class Outcome:
    registration: Registration
    manage_token: str
    waitlist_position: int | None = None
    tokens: dict = field(default_factory=dict)  # participant id → signed ticket
    participants: list[Participant] = field(default_factory=list)


def _clean_participants(
    event: Event, ticket_type: TicketType, people: list[dict], now
) -> list[Participant]:
    if not people:
        raise ValidationError({"participants": _("Register at least one participant.")})
    result = []
    for index, person in enumerate(people):
        unknown = (
            set(person)
            - set(PARTICIPANT_FIELDS)
            - {"survey_consent", "accessibility_consent", "guardian_confirmed"}
        )
        if unknown:
            raise TypeError(f"unknown participant fields: {sorted(unknown)}")
        data = {k: v for k, v in person.items() if k in PARTICIPANT_FIELDS}
        participant = Participant(**data)
        errors = {}
        age = event.starts_on.year - (participant.year_of_birth or 0)
        if not 0 <= age <= 120:
            errors["year_of_birth"] = _("Give a real year of birth.")
        elif ticket_type.min_age is not None and age < ticket_type.min_age:
            errors["year_of_birth"] = _("This ticket is for people aged %(min)s or more.") % {
                "min": ticket_type.min_age
            }
        elif ticket_type.max_age is not None and age > ticket_type.max_age:
            errors["year_of_birth"] = _("This ticket is for people aged %(max)s or less.") % {
                "max": ticket_type.max_age
            }
        if not errors.get("year_of_birth") and age < GUARDIAN_AGE:
            if not (participant.guardian_name and participant.guardian_email):
                errors["guardian_name"] = _(
                    "Under 16, a parent or guardian registers too: give their name and email."
                )
            elif not person.get("guardian_confirmed"):
                errors["guardian_confirmed"] = _(
                    "The parent or guardian must confirm that the child may take part."
                )
            else:
                participant.guardian_confirmed_at = now
        if person.get("survey_consent"):
            participant.survey_consent_at = now
            participant.survey_consent_version = SURVEY_CONSENT_VERSION
        if set(participant.accessibility_needs or []) - set(AccessibilityNeed.values):
            errors["accessibility_needs"] = _("Unknown accessibility need.")
        if person.get("accessibility_consent"):
            participant.accessibility_consent_at = now
        elif participant.accessibility_needs or participant.accessibility_note:
            errors["accessibility_consent"] = _(
                "To store accessibility needs, tick the consent for them; or leave them out."
            )
        if errors:
            raise ValidationError({f"participants[{index}].{k}": v for k, v in errors.items()})
        exclude = ["registration"]
        if participant.country.code in _country_codes():
            # A known code: Django's own check would walk every country's translated name.
            exclude.append("country")
        try:
            # Field rules; the rules across fields are checked above and by the database.
            participant.clean_fields(exclude=exclude)
        except ValidationError as error:
            raise ValidationError(
                {f"participants[{index}].{k}": v for k, v in error.message_dict.items()}
            ) from None
        result.append(participant)
    return result


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(Participant._meta.get_field("country").countries.countries)


def _check_allocated(people: list[Participant], allocated: set[str]) -> None:
    if not allocated:
        return
    names = ", ".join(sorted(str(dict(country_names)[code]) for code in allocated))
    errors = {
        f"participants[{index}].country": _("This ticket is for residents of %(countries)s.")
        % {"countries": names}
        for index, person in enumerate(people)
        if str(person.country) not in allocated
    }
    if errors:
        raise ValidationError(errors)


def waitlist_position(registration: Registration) -> int:
    return registration.waitlist_position()


# A registration, its participants and its audit entry: written-out INSERTs (on PostgreSQL one
# statement), sending the save signals as Model.save does (the surveys app listens to a
# registration's).
_insert_registration = InsertWith(
    Insert(Registration),
    (Insert(Participant), "registration"),
    (audit.INSERT_ENTRY, "object_id"),
)


def register(
    event: Event,
    *,
    ticket_type: TicketType,
    name: str,
    email: str,
    language: str,
    participants: list[dict],
    accept_terms: bool,
    join_waiting_list: bool = False,
    notify: bool = True,
) -> Outcome:
    """Register one person, or a group, for a ticket type. Full: waiting list or Conflict."""
    now = timezone.now()
    if not accept_terms:
        raise ValidationError({"accept_terms": _("Accept the terms to register.")})
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown language.")})
    if event.status != EventStatus.PUBLISHED:
        raise Conflict(_("Registration is not open for this event."), code="not_open")
    if ticket_type.event_id != event.pk or not ticket_type.on_sale(now):
        raise Conflict(_("This ticket is not on sale."), code="not_on_sale")
    if not ticket_type.is_free and not paid_tickets_enabled():
        raise Conflict(
            _("Paid tickets cannot be bought at the moment: payments are not set up."),
            code="payments_unavailable",
        )
    people = _clean_participants(event, ticket_type, participants, now)
    countries = seats.countries_of(people)
    allocated = seats.allocated_countries(ticket_type)
    _check_allocated(people, allocated)
    if len(people) > ticket_type.capacity:
        raise Conflict(
            ngettext(
                "This ticket has %(capacity)s seat in all; a group of %(n)s cannot fit.",
                "This ticket has %(capacity)s seats in all; a group of %(n)s cannot fit.",
                ticket_type.capacity,
            )
            % {"capacity": ticket_type.capacity, "n": len(people)},
            code="group_too_large",
        )
    registration = Registration(
        event=event,
        ticket_type=ticket_type,
        name=name.strip(),
        email=email.strip().lower(),
        language=language,
        is_group=len(people) > 1,
        seats=len(people),
        terms_accepted_at=now,
        created_at=now,
    )
    token = manage_token_for(registration)
    registration.manage_token_hash = hash_token(token)
    try:
        with transaction.atomic():
            # Those already waiting come first: a newcomer takes a seat only if no one waits.
            if seats.take(
                ticket_type, countries, allocated=bool(allocated), after_waiting_list=True
            ):
                registration.status = (
                    RegistrationStatus.CONFIRMED
                    if ticket_type.is_free
                    else RegistrationStatus.PENDING_PAYMENT
                )
            elif join_waiting_list:
                registration.status = RegistrationStatus.WAITLISTED
            else:
                raise Conflict(
                    _(
                        "This ticket is sold out. You can join the waiting list: the first in line "
                        "gets the next free seat."
                    ),
                    code="full",
                )
            if registration.status == RegistrationStatus.PENDING_PAYMENT:
                signals.payment_due.send(Registration, registration=registration, offered=False)
            # Field rules only: the database enforces one registration per address (a race ends
            # in IntegrityError) and the other constraints, without a query for each.
            registration.clean_fields(exclude=["event", "ticket_type", "manage_token_hash"])
            entry = audit.entry(
                event,
                AuditAction.CREATED,
                registration,
                actor=PARTICIPANT,
                changes=audit.created(
                    {
                        **_registration_values(registration),
                        "ticket_type": ticket_type.name,
                        "seats": registration.seats,
                    }
                ),
            )
            _insert_registration(registration, people, [entry])
            for participant in people:
                participant.registration = registration
            # The commit's hooks (the survey offer) read them without a query. Left only
            # until the end of this call: a caller that changes them later would read stale rows.
            with_participants(registration, people)
    except IntegrityError as error:
        raise Conflict(
            _(
                "%(email)s is registered for this ticket already. Use the link in the confirmation "
                "email to see or change the registration."
            )
            % {"email": registration.email},
            code="already_registered",
        ) from error
    if notify:
        transaction.on_commit(
            lambda: tasks.send_registration_email.delay(registration.pk, "registered")
        )
    registration._prefetched_objects_cache.pop("participants", None)
    outcome = Outcome(registration, token, participants=people)
    if registration.status == RegistrationStatus.WAITLISTED:
        outcome.waitlist_position = waitlist_position(registration)
    return outcome


def with_participants(registration: Registration, people: list[Participant]) -> Registration:
    """`registration.participants.all()` answers `people` without a query, as if read with
    `prefetch_related("participants")` (the same attributes Django's prefetching sets)."""
    rows = registration.participants.all()
    rows._result_cache = people
    rows._prefetch_done = True
    registration._prefetched_objects_cache = {"participants": rows}
    return registration


# What the audit log follows of a registration: its state, never who it is (see privacy.py
# for the fields a participant changes, logged by name only).
REGISTRATION_AUDIT_FIELDS = ("status", "hold_expires_at")


def _registration_values(registration: Registration) -> dict:
    return audit.values(registration, REGISTRATION_AUDIT_FIELDS)


def _log(registration: Registration, action: str, before: dict, *, actor: Actor) -> None:
    audit.record(
        registration.event_id,
        action,
        registration,
        actor=actor,
        changes=audit.diff(before, _registration_values(registration)),
    )


def find_registration(token: str) -> Registration | None:
    return (
        Registration.objects.select_related("event", "ticket_type")
        .filter(manage_token_hash=hash_token(token))
        .first()
    )


# Cancelling and the waiting list ----------------------------------------------------------


def _promote(ticket_type_id: int, *, actor: Actor) -> list[Registration]:
    """Give freed seats to the waiting list in order of arrival; caller holds the row lock.
    With partner-country allocations each country has its own line: a full country does not
    hold up the others, and no one overtakes a person waiting for the same country's seats."""
    ticket_type = TicketType.objects.get(pk=ticket_type_id)
    allocated = bool(seats.allocated_countries(ticket_type))
    blocked: set[str] = set()  # countries whose first in line is still waiting
    promoted = []
    for waiting in (
        Registration.objects.select_for_update()
        .filter(ticket_type_id=ticket_type_id, status=RegistrationStatus.WAITLISTED)
        .order_by("created_at", "pk")
        .prefetch_related("participants")
    ):
        if waiting.seats > ticket_type.capacity - ticket_type.taken:
            break  # the first in line keeps their place until enough seats are free
        countries = seats.countries_of(waiting.participants.all())
        if blocked & set(countries):
            continue
        if not seats.take(ticket_type, countries, allocated=allocated):
            if not allocated:
                break
            blocked |= set(countries)
            continue
        ticket_type.taken += waiting.seats
        before = _registration_values(waiting)
        if ticket_type.is_free:
            waiting.status = RegistrationStatus.CONFIRMED
        else:
            # An offer: the seats are held for the next in line until they pay or it expires.
            waiting.status = RegistrationStatus.PENDING_PAYMENT
            waiting.offered_at = timezone.now()
            signals.payment_due.send(Registration, registration=waiting, offered=True)
        waiting.save(update_fields=["status", "offered_at", "hold_expires_at"])
        _log(waiting, AuditAction.PROMOTED, before, actor=actor)
        promoted.append(waiting)
        transaction.on_commit(lambda pk=waiting.pk: tasks.send_promotion_email.delay(pk))
    return promoted


@transaction.atomic
def cancel_registration(
    registration: Registration, *, actor: Actor = PARTICIPANT
) -> list[Registration]:
    """Cancel (by its manage link, or an organiser's `actor`); frees the seats, promotes the
    waiting list. Returns the registrations promoted."""
    # Lock the capacity row first, then the registration: the same order everywhere.
    TicketType.objects.select_for_update().filter(pk=registration.ticket_type_id).first()
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        raise Conflict(_("This registration is cancelled already."), code="already_cancelled")
    return _cancel(registration, now=timezone.now(), actor=actor)


def _cancel(
    registration: Registration, *, now, actor: Actor, hold_expired: bool = False
) -> list[Registration]:
    """Cancel a locked registration, give its seats back and promote the waiting list."""
    previous = registration.status
    before = _registration_values(registration)
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.hold_expires_at = None
    registration.hold_expired_at = now if hold_expired else None
    registration.save(
        update_fields=["status", "cancelled_at", "hold_expires_at", "hold_expired_at"]
    )
    registration.participants.update(ticket_revoked_at=now)
    _log(
        registration,
        AuditAction.HOLD_EXPIRED if hold_expired else AuditAction.CANCELLED,
        before,
        actor=actor,
    )
    if previous in HOLDING:
        seats.give_back(
            registration.ticket_type_id, seats.countries_of(registration.participants.all())
        )
    signals.registration_cancelled.send(
        Registration, registration=registration, previous_status=previous, actor=actor
    )
    # Also when a waiting group leaves: those behind it may fit the seats it waited for.
    return _promote(registration.ticket_type_id, actor=actor)


# Paid seats: the hold, its expiry, the confirmation by payment ------------------------------


def lock_registration(registration: Registration) -> Registration:
    """Inside a transaction: lock the ticket type's row, then the registration's (the order
    every capacity write uses), and return the registration as stored."""
    TicketType.objects.select_for_update().filter(pk=registration.ticket_type_id).first()
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event", "ticket_type")
        .get(pk=registration.pk)
    )


@transaction.atomic
def release_hold(
    registration: Registration, *, now=None, actor: Actor = SYSTEM
) -> list[Registration] | None:
    """Release the seats of an unpaid registration whose hold has expired: it is cancelled and
    the waiting list promoted (returned). None if it no longer needs releasing (paid, cancelled,
    or its payment is under way, which clears the expiry). By the beat task, or by `actor`."""
    now = now or timezone.now()
    registration = lock_registration(registration)
    if (
        registration.status != RegistrationStatus.PENDING_PAYMENT
        or registration.hold_expires_at is None
        or registration.hold_expires_at > now
    ):
        return None
    return _cancel(registration, now=now, actor=actor, hold_expired=True)


def keep_hold(registration: Registration) -> None:
    """A payment is under way (a bank debit takes days): the seats stay held until its result.
    The caller holds the registration's lock."""
    if registration.status == RegistrationStatus.PENDING_PAYMENT:
        before = _registration_values(registration)
        registration.hold_expires_at = None
        registration.save(update_fields=["hold_expires_at"])
        _log(registration, AuditAction.CHANGED, before, actor=STRIPE)


class Paid(models.TextChoices):
    CONFIRMED = "confirmed"  # the seats are now confirmed
    ALREADY = "already"  # it was confirmed already (by another payment)
    NO_SEAT = "no-seat"  # its hold had expired and no seat is free any more
    CANCELLED = "cancelled"  # cancelled by the participant or an organiser meanwhile


def confirm_paid(registration: Registration) -> Paid:
    """A payment for `registration` succeeded: confirm it. If its hold expired meanwhile, it
    takes free seats again when there are any. The caller runs a transaction and has locked
    the registration (`lock_registration`); it refunds whatever is not CONFIRMED. Only Stripe's
    webhook says a payment succeeded."""
    if registration.status == RegistrationStatus.CONFIRMED:
        return Paid.ALREADY
    before = _registration_values(registration)
    if registration.status == RegistrationStatus.PENDING_PAYMENT:
        registration.status = RegistrationStatus.CONFIRMED
        registration.hold_expires_at = None
        registration.save(update_fields=["status", "hold_expires_at"])
    elif (
        registration.status == RegistrationStatus.CANCELLED
        and registration.hold_expired_at is not None
        and registration.erased_at is None
    ):
        if not _take_again(registration):
            return Paid.NO_SEAT
    else:
        return Paid.CANCELLED
    _log(registration, AuditAction.CONFIRMED, before, actor=STRIPE)
    pk = registration.pk
    transaction.on_commit(lambda: tasks.send_registration_email.delay(pk, "paid"))
    return Paid.CONFIRMED


def _take_again(registration: Registration) -> bool:
    ticket_type = registration.ticket_type
    participants = list(registration.participants.all())
    allocated = bool(seats.allocated_countries(ticket_type))
    try:
        with transaction.atomic():
            if not seats.take(ticket_type, seats.countries_of(participants), allocated=allocated):
                return False
            registration.status = RegistrationStatus.CONFIRMED
            registration.cancelled_at = None
            registration.hold_expired_at = None
            registration.save(update_fields=["status", "cancelled_at", "hold_expired_at"])
            registration.participants.update(ticket_revoked_at=None)
    except IntegrityError:
        # The address registered again for this ticket meanwhile: that registration counts.
        registration.refresh_from_db()
        return False
    return True


def cancel_by_organiser(registration: Registration, *, by) -> list[Registration]:
    access = access_for(by, registration.event)
    if not access.edits_anything:
        raise Forbidden(_("Only the event's organisers may cancel registrations."))
    return cancel_registration(registration, actor=Actor.of(by))
