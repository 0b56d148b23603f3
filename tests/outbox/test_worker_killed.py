"""Proof against the real parts: emails queued in Redis, `celery -A sportevents worker`
processes, and an SMTP server on 127.0.0.1. Workers are killed (SIGKILL) in the middle of
sending; the next worker sends what was left, and every email arrives exactly once — except
the one window no design closes (outbox/services.py): the server had the whole message when
its worker died, so it arrives twice, with one Message-ID.

The workers share the test database, so this runs on PostgreSQL with Redis (.ci/run's second
pass) and is skipped on SQLite.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from outbox.models import Email, EmailStatus
from registrations import tasks
from sportevents.celery import app as celery_app

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL")
        or not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="Needs Redis and PostgreSQL (REDIS_URL, DATABASE_URL; run by .ci/run): the "
        "worker processes must share the test database, which SQLite's in-memory one cannot.",
    ),
    pytest.mark.django_db(transaction=True),
]

EMAILS = 5
# Low for the workers here, so that a killed worker's task comes back within seconds; the
# claim timeout is lower still, as in production (600 s against an hour).
VISIBILITY_TIMEOUT = 4
CLAIM_TIMEOUT = 2


def database_url() -> str:
    """The test database, as the worker processes must see it."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (
        f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def queue():
    """A queue of this run's own: nothing else's tasks reach these workers."""
    name = f"outbox-proof-{uuid.uuid4().hex[:8]}"
    yield name
    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(match=f"*{name}*"))  # the queues and kombu's bindings
    if keys:
        client.delete(*keys)


@pytest.fixture
def workers(queue, smtp_backend, tmp_path, monkeypatch):
    """`workers.start(name)`: a `celery worker` process, sending to the fake SMTP server, that
    idles (on a queue nobody sends to) until `workers.take_queue(name)` gives it `queue`.
    Starting them together, before they are needed, keeps their start-up (seconds each) out of
    the scenario. Tasks sent from the test go to Redis (not run in process)."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    started: list[subprocess.Popen] = []
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "OUTBOX_CLAIM_TIMEOUT": str(CLAIM_TIMEOUT),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_backend.port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_TIMEOUT": "10",
    }

    class Workers:
        logs = tmp_path

        def start(self, name: str) -> subprocess.Popen:
            log = (tmp_path / f"{name}.log").open("wb")
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "sportevents", "worker", "--pool=solo"]
                + ["--queues", f"{queue}-idle", "--hostname", f"{name}@outbox-proof"]
                + ["--without-gossip", "--without-mingle", "--without-heartbeat"]
                + ["--loglevel", "INFO"],
                cwd=Path(settings.BASE_DIR),
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            started.append(process)
            return process

        def take_queue(self, name: str) -> None:
            # A broadcast reaches only a worker already listening: repeat until it answers.
            wait_until(
                lambda: celery_app.control.add_consumer(
                    queue, destination=[f"{name}@outbox-proof"], reply=True, timeout=1
                ),
                timeout=60,
                what=f"{name} to take the queue (its log: {tmp_path / name}.log)",
            )

    yield Workers()
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.1)


def sending() -> list[Email]:
    return list(Email.objects.filter(status=EmailStatus.SENDING))


def test_workers_killed_mid_send_lose_no_email_and_send_none_twice_but_in_the_window(
    registrations, workers, queue, smtp_backend
):
    smtp = smtp_backend
    first, second, third = (workers.start(name) for name in ("first", "second", "third"))
    people = registrations(EMAILS)
    for registration in people:
        tasks.send_registration_email.apply_async((registration.pk, "registered"), queue=queue)

    # The first worker dies while the server has not even received its third message.
    smtp.hold("data", after=2)
    workers.take_queue("first")
    smtp.wait_for(lambda: smtp.holding, timeout=60)
    kill(first)
    smtp.wait_for(lambda: not smtp.holding, timeout=10)
    assert (len(smtp.messages), smtp.dropped) == (2, 1)
    [interrupted] = sending()

    # The second sends one, then dies after the server took the next one whole, before it
    # could answer "250".
    smtp.hold("end", after=len(smtp.messages) + 2)
    workers.take_queue("second")
    smtp.wait_for(lambda: smtp.holding, timeout=30)
    kill(second)
    smtp.wait_for(lambda: not smtp.holding, timeout=10)
    # The one the server has (the first worker's may still be waiting for Redis to give it
    # back: a task comes back only after the visibility timeout).
    [in_the_window] = [row for row in sending() if smtp.message_ids()[row.message_id] == 1]

    # The third finishes: the interrupted emails come back from Redis after the visibility
    # timeout, find their claims stale, and are sent (again).
    workers.take_queue("third")
    wait_until(
        lambda: Email.objects.filter(status=EmailStatus.SENT).count() == EMAILS,
        timeout=40,
        what=f"every email sent (worker logs in {workers.logs})",
    )
    third.terminate()
    third.wait(timeout=20)

    rows = {row.key: row for row in Email.objects.all()}
    addresses = {f"registration:{r.pk}:registered": r.email for r in people}
    assert set(rows) == set(addresses)
    assert all(row.status == EmailStatus.SENT for row in rows.values())
    # Exactly once each, by Message-ID at the server, but the one in the window: twice.
    expected = Counter(row.message_id for row in rows.values())
    expected[in_the_window.message_id] += 1
    assert smtp.message_ids() == expected
    assert sorted(m["To"] for m in smtp.messages) == sorted(
        [*addresses.values(), addresses[in_the_window.key]]
    )
    retried = Counter([interrupted.key, in_the_window.key])
    assert {key: row.attempts for key, row in rows.items()} == {
        key: 1 + retried[key] for key in rows
    }
