"""Faults: Redis down, the database dropping the connection mid-request, and the nightly
integrity check that finds what went wrong anyway."""

import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection
from django.db.models.signals import post_save

from events.models import Event
from registrations.models import Registration, TicketType
from sportevents.celery import app as celery_app
from tests.registrations.test_pages import form_data, register_url

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:9/0"  # discard port: nothing listens there


@pytest.fixture
def redis_down(settings, monkeypatch):
    """The cache and the Celery broker point at a Redis that is not there."""
    settings.CACHES = {
        "default": {
            "BACKEND": "sportevents.cache.ForgivingRedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", CLOSED_PORT)
    monkeypatch.setitem(
        celery_app.conf, "task_publish_retry_policy", {"max_retries": 0, "interval_start": 0}
    )
    # Connections made for the memory broker earlier in this process are forgotten.
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)


def test_with_redis_down_the_site_serves_and_registers_and_mails_in_process(
    client, api, redis_down, free_ticket, caplog, mailoutbox, django_capture_on_commit_callbacks
):
    event = free_ticket.event
    caplog.set_level(logging.WARNING)
    assert client.get("/events/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(register_url(event), form_data(free_ticket))
    assert page.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(
            f"/api/v1/events/{event.slug}/registrations/",
            {
                "ticket_type": free_ticket.pk,
                "name": "Bo",
                "email": "bo@example.org",
                "language": "en",
                "accept_terms": True,
                "participants": [
                    {"name": "Bo", "country": "PT", "year_of_birth": 1990, "role": "athlete"}
                ],
            },
            format="json",
        )
    assert answer.status_code == 201, answer.content
    assert Registration.objects.count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["ana@example.org", "bo@example.org"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("runs in this process: the broker is unreachable" in w for w in warnings)
    assert any(
        "Rate limit registration not applied: the cache is unreachable" in w for w in warnings
    )


def test_with_redis_down_rate_limits_let_requests_through(client, redis_down, caplog):
    caplog.set_level(logging.WARNING)
    response = client.post("/accounts/login/", {"username": "a@example.org", "password": "x"})
    assert response.status_code == 200
    assert any(
        "Rate limit login not applied: the cache is unreachable" in r.getMessage()
        for r in caplog.records
    )


def test_with_redis_down_the_waiting_room_stands_open(
    client, api, redis_down, free_ticket, caplog, django_capture_on_commit_callbacks
):
    """The line is in Redis: without it everyone goes in (the seats are still the database's
    to guard), with a warning, rather than nobody."""
    event = free_ticket.event
    Event.objects.filter(pk=event.pk).update(waiting_room=True, admission_rate=1)
    caplog.set_level(logging.WARNING)
    with django_capture_on_commit_callbacks(execute=True):
        pages = [
            client.post(register_url(event), form_data(free_ticket, email=f"p{n}@example.org"))
            for n in range(2)
        ]
        answer = api.post(
            f"/api/v1/events/{event.slug}/registrations/",
            {
                "ticket_type": free_ticket.pk,
                "name": "Bo",
                "email": "bo@example.org",
                "language": "en",
                "accept_terms": True,
                "participants": [{"name": "Bo", "country": "PT", "year_of_birth": 1990}],
            },
            format="json",
        )
    assert [page.status_code for page in pages] == [302, 302]
    assert answer.status_code == 201, answer.content
    assert "waiting_room" not in client.cookies
    assert Registration.objects.count() == 3
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    room = [w for w in warnings if w.startswith("Waiting room of")]
    assert len(room) == 3 and all("Redis is unreachable" in w for w in room)


def test_with_the_room_off_registering_asks_redis_nothing_for_the_room(
    client, redis_down, free_ticket, caplog, django_capture_on_commit_callbacks
):
    """An event without a waiting room (the default) costs its registrations no round trip: with
    Redis gone, only the rate limits notice."""
    caplog.set_level(logging.WARNING)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(register_url(free_ticket.event), form_data(free_ticket))
    assert page.status_code == 302
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(w.startswith("Rate limit") for w in warnings)  # Redis was asked, and was down
    assert not any("Waiting room" in w for w in warnings)


# The database goes away -------------------------------------------------------------------


@pytest.fixture
def database_drops_mid_registration():
    """The database connection fails once the seats are taken and the registration row is
    written, before its participants are: the moment a half-written registration would be
    left behind."""

    def fail(sender, instance, created, **kwargs):
        if created:
            raise OperationalError("server closed the connection unexpectedly")

    post_save.connect(fail, sender=Registration)
    yield
    post_save.disconnect(fail, sender=Registration)


def test_a_dropped_database_connection_gives_a_friendly_503_and_writes_nothing(
    client, api, free_ticket, database_drops_mid_registration
):
    event = free_ticket.event
    page = client.post(register_url(event), form_data(free_ticket))
    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    assert "nothing was saved" in page.content.decode()
    answer = api.post(
        f"/api/v1/events/{event.slug}/registrations/",
        {
            "ticket_type": free_ticket.pk,
            "name": "Bo",
            "email": "bo@example.org",
            "language": "en",
            "accept_terms": True,
            "participants": [
                {"name": "Bo", "country": "PT", "year_of_birth": 1990, "role": "athlete"}
            ],
        },
        format="json",
    )
    assert answer.status_code == 503
    assert answer.json()["code"] == "unavailable"
    assert not Registration.objects.exists()
    assert TicketType.objects.get(pk=free_ticket.pk).taken == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates a PostgreSQL backend")
def test_postgresql_terminating_the_connection_mid_registration_leaves_nothing(client, free_ticket):
    import psycopg
    from django.conf import settings

    event = free_ticket.event
    database = settings.DATABASES["default"]

    def terminate(sender, instance, created, **kwargs):
        if not created:
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with psycopg.connect(
            host=database["HOST"],
            port=database["PORT"] or 5432,
            user=database["USER"],
            password=database["PASSWORD"] or None,
            dbname=database["NAME"],
            autocommit=True,
        ) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])

    post_save.connect(terminate, sender=Registration)
    try:
        page = client.post(register_url(event), form_data(free_ticket))
    finally:
        post_save.disconnect(terminate, sender=Registration)
    assert page.status_code == 503
    assert "nothing was saved" in page.content.decode()
    assert not Registration.objects.exists()
    assert TicketType.objects.get(pk=free_ticket.pk).taken == 0
    # The next request gets a new connection.
    assert client.post(register_url(event), form_data(free_ticket)).status_code == 302


# The integrity check ----------------------------------------------------------------------


def test_check_integrity_passes_on_a_consistent_database(capsys, free_ticket, sign_up, person):
    sign_up(free_ticket, participants=[person(), person(name="Bo")])
    call_command("check_integrity")
    assert "All 7 checks passed." in capsys.readouterr().out


def test_check_integrity_reports_each_breach_and_fails(
    capsys, plan, event, free_ticket, sign_up, person
):
    registration = sign_up(free_ticket, participants=[person(), person(name="Bo")]).registration
    ana, bo = registration.participants.order_by("pk")
    TicketType.objects.filter(pk=free_ticket.pk).update(taken=5)
    bo.delete()
    with pytest.raises(CommandError, match="finding"):
        call_command("check_integrity")
    out = capsys.readouterr().out
    assert "seats_taken_match_the_registrations: Ticket type" in out
    assert "5 seats counted as taken, 2 held by registrations." in out
    assert f"Registration {registration.reference}: 2 seats, 1 participants." in out
