"""Capacity that never oversells: taking and giving back the seats of a ticket type and of its
partner-country allocations, with conditional UPDATEs that are safe under races and backed by
check constraints. Locks are taken in one order everywhere: the ticket type's row, then its
allocations' rows (by country)."""

from collections import Counter

from django.db import connection, transaction
from django.db.models import F

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


_TICKET_TYPES, _REGISTRATIONS, _PARTICIPANTS = (
    connection.ops.quote_name(model._meta.db_table)
    for model in (TicketType, Registration, Participant)
)


def _take_from_ticket_type(ticket_type_id: int, seats: int, waiting_for) -> bool:
    """Raise `taken` by `seats` if they fit and the ticket is on sale; with `waiting_for`, only if
    no one waits for these seats (a list of countries: no one waiting from them; True: no one
    at all). One UPDATE, written out: it runs for every registration, and Django's ORM would
    build and compile it, subqueries and all, each time (a good part of a registration's CPU)."""
    sql = (
        f"UPDATE {_TICKET_TYPES} SET taken = taken + %s"
        " WHERE id = %s AND is_active AND taken <= capacity - %s"
    )
    params = [seats, ticket_type_id, seats]
    if waiting_for:
        sql += (
            f" AND NOT EXISTS (SELECT 1 FROM {_REGISTRATIONS} r"
            f" WHERE r.ticket_type_id = {_TICKET_TYPES}.id AND r.status = %s"
        )
        params.append(RegistrationStatus.WAITLISTED)
        if waiting_for is not True:  # with allocations, each country has its own line
            sql += (
                f" AND EXISTS (SELECT 1 FROM {_PARTICIPANTS} p WHERE p.registration_id = r.id"
                f" AND p.country IN ({', '.join(['%s'] * len(waiting_for))}))"
            )
            params.extend(waiting_for)
        sql += ")"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


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
    waiting_for = after_waiting_list and ((allocated and sorted(countries)) or True)
    if not allocated:
        return _take_from_ticket_type(ticket_type.pk, seats, waiting_for)
    try:
        with transaction.atomic():  # a savepoint: a country that is full undoes the others
            if not _take_from_ticket_type(ticket_type.pk, seats, waiting_for):
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
