"""Capacity that never oversells: taking and giving back the seats of a ticket type and of its
partner-country allocations, with conditional UPDATEs that are safe under races and backed by
check constraints. Locks are taken in one order everywhere: the ticket type's row, then its
allocations' rows (by country)."""

from collections import Counter

from django.db import transaction
from django.db.models import Exists, F, OuterRef

from registrations.models import (
    Participant,
    Registration,
    RegistrationStatus,
    TicketAllocation,
    TicketType,
)


class _Full(Exception):
    pass


def allocated_countries(ticket_type: TicketType) -> set[str]:
    """The countries a ticket type is kept for; empty when it is open to everyone. A ticket type
    read `with_allocation_flag()` that has none answers without a query."""
    if getattr(ticket_type, "has_allocations", None) is False:
        return set()
    return {str(code) for code in ticket_type.allocations.values_list("country", flat=True)}


def _someone_waits(ticket_type: TicketType, countries) -> Exists:
    waiting = Registration.objects.filter(
        ticket_type=OuterRef("pk"), status=RegistrationStatus.WAITLISTED
    )
    if countries:
        # With allocations, each country has its own line.
        waiting = waiting.filter(
            Exists(Participant.objects.filter(registration=OuterRef("pk"), country__in=countries))
        )
    return Exists(waiting)


def take(
    ticket_type: TicketType,
    countries: Counter,
    *,
    allocated: bool,
    after_waiting_list: bool = False,
) -> bool:
    """Take one seat per participant ({country: participants}) if they all fit; all or nothing.
    `after_waiting_list`: only if no one waits for these seats (newcomers queue behind).
    Call inside a transaction."""
    seats = sum(countries.values())
    rows = TicketType.objects.filter(
        pk=ticket_type.pk, is_active=True, taken__lte=F("capacity") - seats
    )
    if after_waiting_list:
        rows = rows.filter(~_someone_waits(ticket_type, list(countries) if allocated else None))
    if not allocated:
        return bool(rows.update(taken=F("taken") + seats))
    try:
        with transaction.atomic():  # a savepoint: a country that is full undoes the others
            if not rows.update(taken=F("taken") + seats):
                raise _Full
            for country, count in sorted(countries.items()):
                if not TicketAllocation.objects.filter(
                    ticket_type=ticket_type, country=country, taken__lte=F("seats") - count
                ).update(taken=F("taken") + count):
                    raise _Full
    except _Full:
        return False
    return True


def give_back(ticket_type_id: int, countries: Counter) -> None:
    """The seats of a cancelled registration go back to the ticket type and its allocations."""
    TicketType.objects.filter(pk=ticket_type_id).update(taken=F("taken") - sum(countries.values()))
    for country, count in sorted(countries.items()):
        TicketAllocation.objects.filter(ticket_type_id=ticket_type_id, country=country).update(
            taken=F("taken") - count
        )


def countries_of(participants) -> Counter:
    return Counter(str(participant.country) for participant in participants)
