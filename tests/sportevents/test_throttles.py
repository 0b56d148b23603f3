"""Rate limits count requests per window: the same cost at any rate, the same answers; they read
the data versions a view keeps data under in the same round trip."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from sportevents.throttles import ScopedRateThrottle
from sportevents.versions import READ_AHEAD, DataVersion


class View(APIView):
    throttle_scope = "tiny"


@pytest.fixture
def throttle(settings):
    cache.clear()
    ScopedRateThrottle.THROTTLE_RATES = {"tiny": "3/min"}
    yield ScopedRateThrottle
    from rest_framework.settings import api_settings

    ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def _allowed(throttle_class, address="203.0.113.7") -> tuple[bool, float]:
    request = APIRequestFactory().post("/", REMOTE_ADDR=address)
    request.user = None
    throttle = throttle_class()
    return throttle.allow_request(request, View()), throttle.wait()


def test_a_client_gets_its_limit_per_window_then_waits_for_the_next(throttle):
    start = datetime(2027, 9, 23, 10, 0, 20, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        assert [_allowed(throttle)[0] for _ in range(3)] == [True, True, True]
        allowed, wait = _allowed(throttle)
        assert not allowed
        assert wait == pytest.approx(40)  # until the minute's window ends
        # Another address has its own count.
        assert _allowed(throttle, "198.51.100.9")[0]
    with time_machine.travel(start + timedelta(seconds=40), tick=False):
        assert _allowed(throttle)[0]


def test_the_stored_state_is_one_number_whatever_the_traffic(throttle):
    now = datetime(2027, 9, 23, 10, 0, 0, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        for _ in range(50):
            _allowed(throttle)
        request = APIRequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
        request.user = None
        last = throttle()
        last.allow_request(request, View())
        # One counter for this address and window, not a list of fifty-one times.
        assert cache.get(f"{last.key}:{int(now.timestamp())}") == 51


@contextmanager
def _pipelines(client):
    """The number of commands in each pipeline the Redis client sends meanwhile."""
    calls = []
    original = type(client).pipeline

    def counting_pipeline(self, *args, **kwargs):
        pipe = original(self, *args, **kwargs)
        execute = pipe.execute
        pipe.execute = lambda *a, **k: calls.append(len(pipe.command_stack)) or execute(*a, **k)
        return pipe

    type(client).pipeline = counting_pipeline
    try:
        yield calls
    finally:
        type(client).pipeline = original


def test_in_redis_a_counter_takes_one_round_trip_and_always_expires(throttle):
    if not hasattr(cache, "count"):
        pytest.skip("the Redis cache runs with REDIS_URL set (the PostgreSQL + Redis pass of CI)")
    key = "throttle-test-counter"
    client = cache._cache.get_client(key, write=True)
    stored = cache.make_and_validate_key(key)
    assert [cache.count([key], 30) for _ in range(3)] == [[1], [2], [3]]
    assert cache.get(key) == 3  # stored as Django's cache stores integers
    assert 0 < client.ttl(stored) <= 30  # created with its window, never left without one
    with _pipelines(client) as calls:
        assert cache.count([key], 30) == [4]
        assert cache.count(["throttle-test-other", key], 30) == [1, 5]
    assert calls == [2, 4]  # SET NX and INCR per counter, sent together


def test_the_data_versions_a_view_keeps_data_under_are_read_with_its_counters(throttle):
    """A view names the data versions it will check (`data_versions`); the rate limit reads
    them with its counters, and the view's check uses what it read: one round trip in Redis."""
    door = DataVersion("throttle-test-version", [])
    read = door.current()

    class KeepingView(View):
        data_versions = [door]

    request = APIRequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
    request.user = None
    assert ScopedRateThrottle().allow_request(request, KeepingView())
    assert getattr(request, READ_AHEAD) == {door.key: read}
    door._replace()  # a change after the rate limit's read: seen by the next request
    assert door.current(request) == read != door.current()
    plain = APIRequestFactory().post("/", REMOTE_ADDR="203.0.113.7")
    plain.user = None
    assert ScopedRateThrottle().allow_request(plain, View())
    assert not hasattr(plain, READ_AHEAD)


def test_in_redis_the_data_versions_go_in_the_counters_round_trip(throttle):
    if not hasattr(cache, "count_and_get"):
        pytest.skip("the Redis cache runs with REDIS_URL set (the PostgreSQL + Redis pass of CI)")
    key = "throttle-test-counter-read"
    cache.set("throttle-test-value", "v1", 30)
    client = cache._cache.get_client(key, write=True)
    with _pipelines(client) as calls:
        found = cache.count_and_get([key], 30, ["throttle-test-value", "throttle-test-missing"])
    assert found == ([1], ["v1", None])
    assert calls == [4]  # SET NX, INCR and the two GETs, sent together
