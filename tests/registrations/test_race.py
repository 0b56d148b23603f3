"""Capacity and check-in under real concurrency: threads, each with its own connection, hit
PostgreSQL at the same instant. SQLite serialises writers, so there is no race to show there.

Pattern: django-oscar's tests/integration/order/test_stockrecord_locking.py.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from registrations import checkins, services, tickets
from registrations.models import CheckIn, Registration, RegistrationStatus, TicketType
from sportevents.errors import Conflict

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Real concurrent transactions need PostgreSQL (set DATABASE_URL); SQLite "
        "serialises writers, so there is no race to reproduce.",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 50
LAST_SEATS = 10


def at_once(count: int, work) -> list:
    """Run `work(i)` in `count` threads released together; each result or exception, in order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as error:  # noqa: BLE001 - the test inspects every outcome
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,), name=f"racer-{i}") for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


@pytest.fixture
def last_ten_seats(event, lead, sign_up, person):
    """A ticket type of 12 seats, 2 of them taken by a couple. (Kept small: each confirmation
    email, sent after commit in these tests, draws a QR code per participant.)"""
    ticket_type = services.create_ticket_type(event, by=lead, name="Fun run", capacity=12)
    sign_up(ticket_type, participants=[person(), person()])
    ticket_type.refresh_from_db()
    assert ticket_type.seats_left == LAST_SEATS
    return ticket_type


def rush(event, ticket_type, person, *, join_waiting_list: bool) -> list:
    def register(index: int):
        return services.register(
            event,
            ticket_type=ticket_type,
            name=f"Runner {index}",
            email=f"runner{index}@example.org",
            language="en",
            participants=[person(name=f"Runner {index}")],
            accept_terms=True,
            join_waiting_list=join_waiting_list,
        )

    return at_once(THREADS, register)


def test_fifty_at_once_for_the_last_ten_seats_confirm_ten_and_waitlist_forty(
    event, last_ten_seats, person
):
    results = rush(event, last_ten_seats, person, join_waiting_list=True)

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    statuses = [outcome.registration.status for outcome in results]
    assert statuses.count(RegistrationStatus.CONFIRMED) == LAST_SEATS
    assert statuses.count(RegistrationStatus.WAITLISTED) == THREADS - LAST_SEATS
    last_ten_seats.refresh_from_db()
    assert last_ten_seats.taken == last_ten_seats.capacity == 12
    rushed = Registration.objects.filter(email__startswith="runner")
    assert rushed.filter(status=RegistrationStatus.CONFIRMED).count() == LAST_SEATS
    assert rushed.filter(status=RegistrationStatus.WAITLISTED).count() == THREADS - LAST_SEATS


def test_waiting_list_after_a_rush_is_one_line_without_shared_places(event, last_ten_seats, person):
    rush(event, last_ten_seats, person, join_waiting_list=True)

    waiting = Registration.objects.filter(status=RegistrationStatus.WAITLISTED)
    positions = sorted(services.waitlist_position(r) for r in waiting)
    assert positions == list(range(1, THREADS - LAST_SEATS + 1))


def test_fifty_at_once_without_the_waiting_list_ten_win_and_forty_are_told_full(
    event, last_ten_seats, person
):
    results = rush(event, last_ten_seats, person, join_waiting_list=False)

    conflicts = [r for r in results if isinstance(r, Conflict)]
    others = [r for r in results if isinstance(r, Exception) and not isinstance(r, Conflict)]
    wins = [r for r in results if isinstance(r, services.Outcome)]
    assert others == []
    assert len(wins) == LAST_SEATS
    assert all(outcome.registration.status == RegistrationStatus.CONFIRMED for outcome in wins)
    assert len(conflicts) == THREADS - LAST_SEATS
    assert {conflict.code for conflict in conflicts} == {"full"}
    assert TicketType.objects.get(pk=last_ten_seats.pk).taken == 12
    assert not Registration.objects.filter(status=RegistrationStatus.WAITLISTED).exists()
    assert Registration.objects.filter(email__startswith="runner").count() == LAST_SEATS


def test_two_scanners_on_one_ticket_at_the_same_instant_give_exactly_one_green(
    plan, event, free_ticket, sign_up
):
    participant = sign_up(free_ticket).registration.participants.get()
    token = tickets.sign(participant)
    scanners = [plan.people["lead"], plan.people["pt"]]

    results = at_once(
        2,
        lambda i: checkins.check_in(event, token=token, gate=f"Gate {i + 1}", by=scanners[i]),
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    assert sorted(scan.result for scan in results) == ["already", "valid"]
    already = next(scan for scan in results if scan.result == "already")
    valid_row = CheckIn.objects.get(participant=participant, result="valid")
    assert already.previous == valid_row
    assert CheckIn.objects.filter(participant=participant).count() == 2


def test_offline_syncs_racing_live_scans_leave_one_green_per_ticket_the_earliest(
    plan, event, free_ticket, sign_up, person
):
    """Each ticket is scanned live at two gates while two phones that were offline send earlier
    scans of it, all at the same instant: each ticket ends with exactly one green scan, the
    earliest, the others pointing at it, and every scan logged."""
    registration = sign_up(
        free_ticket, participants=[person(name=f"Runner {i}") for i in range(5)]
    ).registration
    Registration.objects.filter(pk=registration.pk).update(
        created_at=timezone.now() - timedelta(days=1)
    )
    tokens = [tickets.sign(participant) for participant in registration.participants.all()]
    now = timezone.now()
    phones = {"Phone 1": now - timedelta(minutes=10), "Phone 2": now - timedelta(minutes=20)}
    racers = ["Live 1", "Live 2", *phones]
    scanners = [plan.people["lead"], plan.people["pt"]]

    def scanned_at(gate: str, ticket: int):
        # A phone reads one ticket at a time: its scans of two tickets are never at the same
        # millisecond (device and time name a scan when a batch is sent again).
        return phones[gate] + timedelta(milliseconds=ticket)

    def work(index: int):
        ticket, gate = index // len(racers), racers[index % len(racers)]
        by = scanners[index % 2]
        if gate not in phones:
            return checkins.check_in(event, token=tokens[ticket], gate=gate, by=by)
        scan = {
            "token": tokens[ticket],
            "gate": gate,
            "scanned_at": scanned_at(gate, ticket),
            "device": gate,
        }
        return checkins.sync_scans(event, scans=[scan], by=by)[0].scan

    results = at_once(len(racers) * len(tokens), work)

    assert [r for r in results if isinstance(r, Exception)] == []
    for ticket, token in enumerate(tokens):
        participant = registration.participants.get(ticket_id=tickets.read(token)[0].ticket_id)
        scans = CheckIn.objects.filter(participant=participant)
        winner = scans.get(result="valid")
        assert (winner.gate, winner.scanned_at) == ("Phone 2", scanned_at("Phone 2", ticket))
        repeats = scans.filter(result="already")
        assert sorted(repeats.values_list("gate", flat=True)) == ["Live 1", "Live 2", "Phone 1"]
        assert {repeat.first_scan_id for repeat in repeats} == {winner.pk}
