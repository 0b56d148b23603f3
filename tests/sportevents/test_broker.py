"""Tasks go to Redis through kombu's transport with one Redis client kept per channel
(sportevents/broker.py), not one built for every message."""

import os
import uuid

import pytest
import redis
from celery import current_app

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (run by .ci/run)"),
    # Tests run tasks eagerly; send_task queues them all the same, which is the point here.
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]


def test_the_broker_is_the_transport_that_keeps_its_client():
    with current_app.connection_for_write() as connection:
        assert type(connection.transport).__module__ == "sportevents.broker"


def test_messages_are_queued_through_one_kept_client(monkeypatch):
    queue = f"test-broker-{uuid.uuid4().hex}"
    built = []
    original = redis.Redis.__init__

    def counting_init(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    send = current_app.send_task
    send("outbox.tasks.forget_old_emails", queue=queue)  # the channel and its client, once
    monkeypatch.setattr(redis.Redis, "__init__", counting_init)
    for _ in range(3):
        send("outbox.tasks.forget_old_emails", queue=queue)
    monkeypatch.undo()
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    try:
        assert client.llen(queue) == 4  # all there, for a worker to take
        assert built == []
    finally:
        client.delete(queue, f"_kombu.binding.{queue}")
