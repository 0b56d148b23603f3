"""`manage.py seed_scale`: the benchmarks' data, made in PostgreSQL, never over real data."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from events.models import Event, EventStatus
from registrations import tickets
from registrations.models import CheckIn, Participant, Registration, TicketType
from sportevents.integrity import run_checks
from sportevents.scale import DOOR_EVENT, IMPACT_EVENT, door_tickets
from surveys.models import Response
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="scale data is made in PostgreSQL only"
)
SIZES = ["--events", "30", "--registrations", "600", "--responses", "200"]


@on_postgresql
def test_seed_scale_makes_the_sizes_asked_for_and_keeps_every_rule(catalogue, capsys):
    call_command("seed_scale", *SIZES)
    assert "30 events, 120 sessions, 600 registrations, 400 survey responses" in (
        capsys.readouterr().out
    )
    assert Event.objects.count() == 30
    assert Registration.objects.count() == Participant.objects.count() == 600
    impact = Event.objects.get(slug=IMPACT_EVENT)
    assert impact.status == EventStatus.COMPLETED
    assert CheckIn.objects.filter(event=impact, result="valid").count() == 200
    assert Response.objects.filter(wave__event=impact).count() == 400
    assert Registration.objects.filter(event__slug=DOOR_EVENT).count() == 200
    for ticket in TicketType.objects.all():
        assert ticket.taken == ticket.registrations.count() <= ticket.capacity
    assert all(not found for found in run_checks().values())


@on_postgresql
def test_the_door_tickets_are_signed_and_check_in(catalogue):
    call_command("seed_scale", *SIZES)
    token = door_tickets(1)[0]
    event = Event.objects.get(slug=DOOR_EVENT)
    claims = tickets.verify(token, tickets.public_keys(event))
    assert Participant.objects.get(ticket_id=claims.ticket_id).registration.event == event


@on_postgresql
def test_seeding_again_with_the_same_sizes_changes_nothing_and_other_sizes_are_refused(
    catalogue, capsys
):
    call_command("seed_scale", *SIZES)
    call_command("seed_scale", *SIZES)
    assert "already holds this scale data" in capsys.readouterr().out
    assert Event.objects.count() == 30
    with pytest.raises(CommandError, match="scale data of another size"):
        call_command("seed_scale", "--events", "40")


@on_postgresql
def test_a_database_with_real_data_is_refused_unless_forced(catalogue):
    UserFactory(email="someone@example.org")
    with pytest.raises(CommandError, match="holds data that is not scale data"):
        call_command("seed_scale", *SIZES)
    assert not Event.objects.exists()
    call_command("seed_scale", *SIZES, "--force")
    assert Event.objects.count() == 30
    assert UserFactory._meta.model.objects.filter(email="someone@example.org").exists()


@on_postgresql
def test_impossible_sizes_are_refused(catalogue):
    with pytest.raises(CommandError, match="responses ≤ registrations"):
        call_command("seed_scale", "--registrations", "10", "--responses", "20")


@pytest.mark.skipif(connection.vendor == "postgresql", reason="about other databases")
def test_other_databases_are_refused_with_a_reason(catalogue):
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("seed_scale", *SIZES)
