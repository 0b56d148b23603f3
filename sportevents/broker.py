"""Celery's Redis transport, keeping one Redis client per channel for what it sends.

kombu's Redis channel builds a new redis-py client for every message it publishes
(`conn_or_acquire` without a client calls `_create_client`), and a redis-py client fills its
table of some 170 response callbacks as it is built: about 40 % of the CPU that queueing a task
costs, paid by every registration (its confirmation email). A redis-py client is safe to share;
it takes a connection from the channel's pool for each command either way, so keeping one
changes nothing else. Used for redis:// and rediss:// broker addresses (settings.py).
"""

from contextlib import contextmanager
from functools import cached_property

from kombu.transport import redis


class Channel(redis.Channel):
    @cached_property
    def _kept_client(self):
        return self._create_client()

    @contextmanager
    def conn_or_acquire(self, client=None):
        yield client or self._kept_client

    def _disconnect_pools(self):
        # After a fork or on close kombu drops its pools: the kept client goes with them.
        self.__dict__.pop("_kept_client", None)
        super()._disconnect_pools()


class Transport(redis.Transport):
    Channel = Channel
