"""Rate limits in the shared cache, for the API and for the HTML forms alike.

One set of rates (`REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`), one way to name the client (DRF's
`get_ident`, which honours NUM_PROXIES), one answer when a limit is hit (429 with Retry-After).

They cost the same at any rate: one counter per client and fixed window. DRF's own throttles
keep a list of every request's time per client and read and write the whole list on each
request, so a limit of thousands per minute (or one busy address: a school, a stadium's Wi-Fi)
moves kilobytes through the cache per request. Here a request adds one to a counter that expires
with its window. A fixed window lets a client spend its limit at the end of one window and again
at the start of the next; for abuse protection that is enough.

When the cache cannot be reached (Redis down) a limit lets the request through and logs a
warning: refusing everyone because the counter is gone would turn a cache outage into a site
outage. The lock-out after failed logins (django-axes) lives in the database and stays on.
"""

import hashlib
import logging
import math
from collections.abc import Callable, Iterable
from functools import wraps

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import throttling

from sportevents.versions import READ_AHEAD
from sportevents.views import error_response

logger = logging.getLogger(__name__)


def count_in_window(
    cache, keys: list[str], timeout: int, read: list[str] = ()
) -> tuple[list[int], list]:
    """Add one to each counter of `keys`, created with `timeout`; the new counts, and the values
    of the keys in `read` (None for a missing one). In Redis one round trip for them all
    (ForgivingRedisCache.count_and_get); elsewhere (the local-memory cache of a development
    machine) a call or two per key."""
    if hasattr(cache, "count_and_get"):
        return cache.count_and_get(keys, timeout, read)
    return [_count_one(cache, key, timeout) for key in keys], [cache.get(key) for key in read]


def _count_one(cache, key: str, timeout: int) -> int:
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls: a new window
        cache.set(key, 1, timeout)
        return 1


class CountingThrottle(throttling.SimpleRateThrottle):
    """Placed after a DRF throttle in the bases: the DRF class finds the scope, rate and cache
    key; this counts the requests per window instead of keeping their times. A request may
    count against several keys (`cache_keys`), all at the same rate, in one round trip."""

    def cache_keys(self, request, view) -> list[str]:
        key = self.get_cache_key(request, view)
        return [] if key is None else [key]

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        keys = self.cache_keys(request, view)
        if not keys:
            return True
        self.key = keys[0]
        self.now = self.timer()
        start = int(self.now // self.duration) * self.duration
        self.window_end = start + self.duration
        # The data versions the view will check (versions.READ_AHEAD), in the same round trip.
        ahead = [] if hasattr(request, READ_AHEAD) else getattr(view, "data_versions", [])
        counts, versions = count_in_window(
            self.cache,
            [f"{key}:{start}" for key in keys],
            self.duration + 1,
            [data.key for data in ahead],
        )
        if ahead:
            setattr(request, READ_AHEAD, dict(zip([d.key for d in ahead], versions, strict=True)))
        return max(counts) <= self.num_requests

    def wait(self) -> float:
        return max(0.0, self.window_end - self.now)


class FailOpen:
    """First in the bases: a throttle that allows the request when its cache is down, with a
    logged warning."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as error:  # the cache client's own errors (redis.ConnectionError, …)
            logger.warning(
                "Rate limit %s not applied: the cache is unreachable (%s: %s)",
                getattr(self, "scope", type(self).__name__),
                type(error).__name__,
                error,
            )
            return True


class AnonRateThrottle(FailOpen, throttling.AnonRateThrottle, CountingThrottle):
    pass


class UserRateThrottle(FailOpen, throttling.UserRateThrottle, CountingThrottle):
    def get_cache_key(self, request, view):
        # Signed-in people only: anonymous requests have their own, stricter limit
        # (AnonRateThrottle); counting them here as well would cost a round trip and change
        # nothing while the anonymous rate is the lower one.
        if not request.user or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class ScopedRateThrottle(FailOpen, throttling.ScopedRateThrottle, CountingThrottle):
    pass


# The same limits for the HTML forms --------------------------------------------------------


class _KeyedThrottle(FailOpen, CountingThrottle):
    """One scope's rate, counted for each of its keys (a client address, a hashed email
    address) in one round trip."""

    def __init__(self, scope: str, keys: list[str]):
        self.scope = scope
        self.idents = keys
        super().__init__()

    def cache_keys(self, request, view) -> list[str]:
        return [self.cache_format % {"scope": self.scope, "ident": ident} for ident in self.idents]


def client_address(request) -> str:
    """The client's address, behind NUM_PROXIES proxies: the same one the API throttles use."""
    return throttling.BaseThrottle().get_ident(request)


def posted_email(field: str = "email") -> Callable:
    """A key function: the posted email address, hashed (nothing personal in the cache)."""

    def key(request) -> str | None:
        value = request.POST.get(field, "").strip().lower()
        if not value:
            return None
        return f"{field}-" + hashlib.sha256(value.encode()).hexdigest()

    return key


def signed_in_user(request) -> str | None:
    return f"user-{request.user.pk}" if request.user.is_authenticated else None


def too_many_requests(request, wait: float | None):
    """429 "Too many attempts. Please try again in N minutes." (JSON under /api/)."""
    minutes = max(1, math.ceil((wait or 60) / 60))
    message = ngettext(
        "Too many attempts. Please try again in %(minutes)s minute.",
        "Too many attempts. Please try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}
    response = error_response(request, 429, "throttled", _("Too many attempts"), message)
    response["Retry-After"] = str(math.ceil(wait or 60))
    return response


def over_limit(request, scope: str, keys: Iterable[Callable] = (client_address,)):
    """Count this request against the `scope`'s rate for each key (see `rate_limited`): the
    429 answer when it is over the limit on any of them, else None."""
    found = [(key_of.__name__, key_of(request)) for key_of in keys]
    idents = [f"{name}:{key}" for name, key in found if key is not None]
    throttle = _KeyedThrottle(scope, idents)
    if idents and not throttle.allow_request(request, None):
        return too_many_requests(request, throttle.wait())
    return None


def rate_limited(
    scope: str, *, keys: Iterable[Callable] = (client_address,), methods=("POST",)
) -> Callable:
    """Limit a view's `methods` to the `scope`'s rate, counted per key (client address by
    default; each key function may return None to skip), all keys in one round trip. Over the
    limit on any of them: a 429 page."""
    keys = tuple(keys)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods:
                refused = over_limit(request, scope, keys)
                if refused is not None:
                    return refused
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
