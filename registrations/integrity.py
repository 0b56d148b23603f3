"""What must hold for registrations, seats and check-ins (see sportevents/integrity.py)."""

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from registrations.models import (
    HOLDING,
    CheckIn,
    CheckInResult,
    Participant,
    Registration,
    TicketAllocation,
    TicketType,
)


def seats_taken_match_the_registrations() -> list[str]:
    """A ticket type's `taken` is the seats of its confirmed and held registrations."""
    holding = (
        Registration.objects.filter(ticket_type=OuterRef("pk"), status__in=HOLDING)
        .order_by()
        .values("ticket_type")
        .annotate(total=Sum("seats"))
        .values("total")
    )
    rows = TicketType.objects.annotate(
        holding=Coalesce(Subquery(holding, output_field=IntegerField()), 0)
    ).exclude(taken=F("holding"))
    return [
        f"Ticket type {row.pk} ({row.name}): {row.taken} seats counted as taken, "
        f"{row.holding} held by registrations."
        for row in rows.order_by("pk")
    ]


def allocations_match_the_participants() -> list[str]:
    """A partner country's `taken` is the participants from there holding seats."""
    holding = (
        Participant.objects.filter(
            registration__ticket_type=OuterRef("ticket_type"),
            registration__status__in=HOLDING,
            country=OuterRef("country"),
        )
        .order_by()
        .values("registration__ticket_type")
        .annotate(total=Count("pk"))
        .values("total")
    )
    rows = (
        TicketAllocation.objects.annotate(
            holding=Coalesce(Subquery(holding, output_field=IntegerField()), 0)
        )
        .exclude(taken=F("holding"))
        .order_by("pk")
    )
    return [
        f"Allocation {row.pk} (ticket type {row.ticket_type_id}, {row.country.code}): "
        f"{row.taken} seats counted as taken, {row.holding} held by participants."
        for row in rows
    ]


def nothing_is_oversold() -> list[str]:
    findings = [
        f"Ticket type {pk}: {taken} seats taken of {capacity}."
        for pk, taken, capacity in TicketType.objects.filter(taken__gt=F("capacity"))
        .order_by("pk")
        .values_list("pk", "taken", "capacity")
    ]
    findings += [
        f"Allocation {pk}: {taken} seats taken of {seats}."
        for pk, taken, seats in TicketAllocation.objects.filter(taken__gt=F("seats"))
        .order_by("pk")
        .values_list("pk", "taken", "seats")
    ]
    return findings


def every_registration_has_its_participants() -> list[str]:
    """One participant (one ticket) per seat; no registration without participants."""
    rows = (
        Registration.objects.annotate(people=Count("participants"))
        .filter(~Q(people=F("seats")))
        .order_by("pk")
        .values_list("reference", "seats", "people")
    )
    return [
        f"Registration {reference}: {seats} seats, {people} participants."
        for reference, seats, people in rows
    ]


def one_valid_check_in_per_ticket() -> list[str]:
    rows = (
        CheckIn.objects.filter(result=CheckInResult.VALID, participant__isnull=False)
        .values("participant")
        .annotate(scans=Count("pk"))
        .filter(scans__gt=1)
        .order_by("participant")
    )
    return [f"Participant {row['participant']}: {row['scans']} valid check-ins." for row in rows]


def accessibility_needs_only_with_consent() -> list[str]:
    rows = (
        Participant.objects.filter(accessibility_consent_at__isnull=True)
        .exclude(accessibility_needs=[], accessibility_note="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [f"Participant {pk}: accessibility needs stored without consent." for pk in rows]


CHECKS = [
    seats_taken_match_the_registrations,
    allocations_match_the_participants,
    nothing_is_oversold,
    every_registration_has_its_participants,
    one_valid_check_in_per_ticket,
    accessibility_needs_only_with_consent,
]
