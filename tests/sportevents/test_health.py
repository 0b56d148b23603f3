"""/healthz and /readyz as a load balancer probes them: over plain HTTP, by the server's own
address, without cookies; and what /readyz says when the database or Redis is gone."""

import logging
import os
import time

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection

from sportevents.throttles import AnonRateThrottle

CLOSED_PORT = "redis://127.0.0.1:9/0"  # discard port: nothing listens there
PROBE = {"HTTP_HOST": "10.0.3.7:8000"}  # the app server's address, not in ALLOWED_HOSTS


@pytest.fixture
def production_https(settings):
    settings.SECURE_SSL_REDIRECT = True  # tests switch it off: the test client speaks HTTP


def test_healthz_answers_ok_without_the_database_a_session_or_https(client, production_https):
    # No django_db mark: any query would raise here.
    client.cookies["sessionid"] = "a-session-the-probe-does-not-have"
    response = client.get("/healthz", **PROBE)
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
    assert len(response["X-Request-ID"]) == 32


def test_other_pages_still_check_the_host_and_redirect_to_https(client, production_https):
    assert client.get("/events/", **PROBE).status_code == 400
    assert client.get("/events/").status_code == 301


@pytest.mark.django_db
def test_readyz_reports_the_database_and_redis(client, production_https, settings):
    response = client.get("/readyz", **PROBE)
    assert response.status_code == 200
    expected = "ok" if settings.REDIS_URL else "not configured"
    assert response.json() == {"database": "ok", "redis": expected}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (run by .ci/run)")
@pytest.mark.django_db
def test_readyz_pings_the_real_redis(client):
    assert client.get("/readyz").json() == {"database": "ok", "redis": "ok"}


@pytest.mark.django_db
def test_readyz_is_503_naming_redis_when_redis_is_down(client, settings, caplog):
    settings.REDIS_URL = CLOSED_PORT
    # The probe's own logger, at its level: whatever an earlier test in this process left the
    # root logger's level at (a Celery worker started in a test sets it from its options).
    caplog.set_level(logging.WARNING, logger="sportevents.health")
    started = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "redis": "unavailable"}
    assert any("Redis is unreachable" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_readyz_is_503_naming_the_database_when_queries_fail(client, caplog):
    def connection_lost(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    caplog.set_level(logging.WARNING, logger="sportevents.health")
    with connection.execute_wrapper(connection_lost):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert any("database is unreachable" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="points PostgreSQL at a closed port")
def test_readyz_is_503_when_postgresql_cannot_be_reached_and_200_once_it_is_back(client):
    # A real connection attempt to a port where no database listens: refused at once.
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "9"
    try:
        response = client.get("/readyz")
    finally:
        connection.settings_dict["PORT"] = real_port
        connection.close()
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert client.get("/readyz").status_code == 200


def test_probes_take_get_and_head_only(client):
    assert client.head("/healthz").status_code == 200
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_probes_are_not_rate_limited(client, api, monkeypatch, same_rate_window):
    cache.clear()
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/min"})
    statuses = [api.get("/api/v1/actions/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]  # the limit is on for anonymous clients
    assert {client.get("/readyz").status_code for _ in range(5)} == {200}
    assert {client.get("/healthz").status_code for _ in range(5)} == {200}
