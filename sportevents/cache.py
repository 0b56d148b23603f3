"""Redis as a cache that fails open: when Redis is down, the site keeps serving.

Everything we keep in the cache can be recomputed or forgotten (rate-limit counters, cached
fragments). So a read finds nothing, a write is skipped, and each is logged as a warning, rather
than every page answering 500 until Redis is back.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

# What each operation answers when Redis cannot be reached: what it answers for a missing key.
_FALLBACKS = {
    "add": lambda *args, **kwargs: False,
    "get": lambda key, default=None, *args, **kwargs: default,
    "set": lambda *args, **kwargs: None,
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "get_many": lambda *args, **kwargs: {},
    "has_key": lambda *args, **kwargs: False,
    "set_many": lambda *args, **kwargs: None,
    "delete_many": lambda *args, **kwargs: None,
    "clear": lambda *args, **kwargs: False,
}


def _forgiving(name: str, method):
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except self._lib.exceptions.ConnectionError as error:  # TimeoutError is one too
            logger.warning("Cache %s skipped: Redis is unreachable (%s)", name, error)
            return _FALLBACKS[name](*args, **kwargs)

    call.__name__ = name
    return call


class _ForgivingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        """One redis-py client per connection pool, not a new one per operation: building a
        client sets up its tables of commands each time, which cost more than the command
        itself. Clients are thread-safe."""
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


for _name in _FALLBACKS:
    setattr(_ForgivingClient, _name, _forgiving(_name, getattr(RedisCacheClient, _name)))


class ForgivingRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache whose reads and writes fail open. (incr, decr,
    count and count_and_get still raise: a counter that silently stays put would be wrong; the
    rate limits catch it and let the request through.)"""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ForgivingClient

    def count(self, keys: list[str], timeout: int, version=None) -> list[int]:
        """Add one to each counter of `keys`, each expiring `timeout` seconds after it was
        created; their new counts, in one round trip: SET NX then INCR for each in MULTI/EXEC,
        so no counter can expire between the two and be left without a timeout. Stored as
        Django's Redis cache stores integers, so `get` reads them. (Writes all go to the first
        server: one client serves every key.)"""
        return self.count_and_get(keys, timeout, version=version)[0]

    def count_and_get(
        self, keys: list[str], timeout: int, read: list[str] = (), version=None
    ) -> tuple[list[int], list]:
        """`count`, and in the same round trip the values of `read` (None for a missing key)."""
        made = [self.make_and_validate_key(key, version=version) for key in keys]
        client = self._cache.get_client(made[0], write=True)
        pipe = client.pipeline(transaction=True)
        for key in made:
            pipe.set(key, 0, ex=timeout, nx=True)
            pipe.incr(key)
        for key in read:
            pipe.get(self.make_and_validate_key(key, version=version))
        answers = pipe.execute()
        values = answers[2 * len(made) :]
        loads = self._cache._serializer.loads
        return answers[1 : 2 * len(made) : 2], [None if v is None else loads(v) for v in values]
