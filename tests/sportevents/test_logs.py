"""Structured logs: one JSON object per line in production, an access record per request with
its request id, and nothing in them that names a person or opens their registration."""

import json
import logging
import os
import sys
import time

import pytest

from sportevents.celery import app as celery_app
from sportevents.logs import JsonFormatter, bind_request_id, current_request_id, unbind_request_id
from tests.sportevents.test_settings import PRODUCTION, manage

ACCESS = "sportevents.access"


def formatted(record: logging.LogRecord) -> dict:
    line = JsonFormatter().format(record)
    assert "\n" not in line
    return json.loads(line)


def access_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == ACCESS]


def test_a_record_is_one_json_line_with_only_the_listed_fields():
    try:
        raise ValueError("broken\non two lines")
    except ValueError:
        record = logging.getLogger("sportevents.test").makeRecord(
            "sportevents.test",
            logging.ERROR,
            __file__,
            1,
            "Sending %s failed:\n%s",
            ("mail", "retrying"),
            sys.exc_info(),
            extra={"status": 502, "email": "ana@example.org", "request": object()},
        )
    entry = formatted(record)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "sportevents.test"
    assert entry["message"] == "Sending mail failed:\nretrying"
    assert entry["status"] == 502
    assert entry["time"].endswith("Z")
    assert entry["pid"] == os.getpid()
    assert "ValueError: broken" in entry["exception"]
    # Whatever else code attaches to a record stays out.
    assert "email" not in entry
    assert "request" not in entry
    assert "ana@example.org" not in json.dumps(entry)


def test_records_logged_while_a_request_id_is_bound_carry_it():
    record = logging.getLogger("x").makeRecord("x", logging.INFO, __file__, 1, "hi", (), None)
    token = bind_request_id("lb-7f3a")
    try:
        assert formatted(record)["request_id"] == "lb-7f3a"
    finally:
        unbind_request_id(token)
    assert "request_id" not in formatted(record)


@pytest.mark.django_db
def test_each_request_gets_an_id_and_one_access_record(client, caplog):
    caplog.set_level(logging.INFO, logger=ACCESS)
    response = client.get("/events/?q=Ana+Lima")
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    (record,) = access_records(caplog)
    entry = formatted(record)
    assert entry["request_id"] == request_id
    assert entry["method"] == "GET"
    assert entry["path"] == "/events/"  # never the query: searches hold what people typed
    assert entry["status"] == 200
    assert entry["duration_ms"] > 0
    assert "user_id" not in entry
    assert "Ana" not in json.dumps(entry)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("offered", "kept"),
    [
        ("5b0e6c2e-6a8c-4bd2-9a8e-0d4b7a1f2c3d", True),
        ("Root=1-67891233-abcdef012345678912345678", False),
        ("lb-1.2:3_4", True),
        ("two words", False),
        ("line\nbreak", False),
        ("x" * 129, False),
        ("", False),
    ],
)
def test_a_sane_request_id_from_the_load_balancer_is_kept_others_replaced(
    client, caplog, offered, kept
):
    caplog.set_level(logging.INFO, logger=ACCESS)
    response = client.get("/events/", HTTP_X_REQUEST_ID=offered)
    (record,) = access_records(caplog)
    assert (response["X-Request-ID"] == offered) is kept
    assert record.request_id == response["X-Request-ID"]
    assert len(response["X-Request-ID"]) <= 128


@pytest.mark.django_db
def test_a_logged_in_person_is_their_user_id_never_their_email(client, user, caplog):
    caplog.set_level(logging.INFO, logger=ACCESS)
    client.force_login(user)
    client.get("/accounts/profile/")
    (record,) = access_records(caplog)
    line = JsonFormatter().format(record)
    assert json.loads(line)["user_id"] == user.pk
    assert user.email not in line


@pytest.mark.django_db
def test_the_secret_in_a_participants_link_never_reaches_the_log(client, caplog):
    caplog.set_level(logging.INFO)
    secret = "k3Jd9-secret-link-value"
    client.get(f"/calendar/u/{secret}.ics")
    client.post(f"/registrations/{secret}/erase/")
    records = [r for r in caplog.records if r.name == ACCESS]
    assert [r.path for r in records] == ["/calendar/u/<token>.ics", "/registrations/<token>/erase/"]
    # Django's own "Not Found: /path" records go through the same handler filter.
    from sportevents.request_log import RedactSecretPaths

    handler_filter = RedactSecretPaths()
    for record in caplog.records:
        handler_filter.filter(record)
        assert secret not in JsonFormatter().format(record), record.getMessage()


def test_health_probes_are_logged_only_at_debug(client, caplog):
    caplog.set_level(logging.INFO, logger=ACCESS)
    client.get("/healthz")
    assert not access_records(caplog)
    caplog.set_level(logging.DEBUG, logger=ACCESS)
    client.get("/healthz")
    assert access_records(caplog)[0].levelno == logging.DEBUG


LOG_ONE = "import logging; logging.getLogger('sportevents.probe').warning('hello %s', 'world')"


def test_production_logs_json_lines_to_stdout():
    result = manage("shell", "-c", LOG_ONE, env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stdout.strip().splitlines()[-1])
    assert entry["logger"] == "sportevents.probe"
    assert entry["level"] == "WARNING"
    assert entry["message"] == "hello world"


def test_debug_keeps_plain_text_logs():
    result = manage("shell", "-c", LOG_ONE, env={**PRODUCTION, "DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert "hello world" in result.stderr
    assert "{" not in result.stderr + result.stdout


def test_a_bad_log_format_is_refused_with_a_clear_message():
    result = manage("check", env={**PRODUCTION, "LOG_FORMAT": "yaml"})
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or text" in result.stderr


seen_request_ids = []


@celery_app.task
def remember_request_id():
    seen_request_ids.append(current_request_id())


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (run by .ci/run)")
def test_the_request_id_travels_with_a_task_to_the_worker():
    from celery.contrib.testing.worker import start_worker

    celery_app.conf.task_always_eager = False
    token = bind_request_id("req-queued-this")
    try:
        with start_worker(celery_app, perform_ping_check=False, pool="solo"):
            remember_request_id.delay()
            unbind_request_id(token)
            token = None
            deadline = time.monotonic() + 20
            while not seen_request_ids and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        if token is not None:
            unbind_request_id(token)
        celery_app.conf.task_always_eager = True
    assert seen_request_ids == ["req-queued-this"]
