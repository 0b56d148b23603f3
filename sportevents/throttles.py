"""API rate limits that cost the same at any rate: one counter per client and fixed window.

DRF's own throttles keep a list of every request's time per client and read and write the whole
list on each request, so a limit of thousands per minute (or one busy address: a school, a
stadium's Wi-Fi) moves kilobytes through the cache per request. Here a request adds one to a
counter that expires with its window. A fixed window lets a client spend its limit at the end
of one window and again at the start of the next; for abuse protection that is enough.
"""

from rest_framework import throttling


class CountingThrottle(throttling.SimpleRateThrottle):
    """Placed after a DRF throttle in the bases: the DRF class finds the scope, rate and cache
    key; this counts the requests per window instead of keeping their times."""

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        start = int(self.now // self.duration) * self.duration
        self.window_end = start + self.duration
        key = f"{self.key}:{start}"
        self.cache.add(key, 0, self.duration + 1)
        try:
            count = self.cache.incr(key)
        except ValueError:  # expired between the two calls: a new window
            self.cache.set(key, 1, self.duration + 1)
            count = 1
        return count <= self.num_requests

    def wait(self) -> float:
        return max(0.0, self.window_end - self.now)


class AnonRateThrottle(throttling.AnonRateThrottle, CountingThrottle):
    pass


class UserRateThrottle(throttling.UserRateThrottle, CountingThrottle):
    pass


class ScopedRateThrottle(throttling.ScopedRateThrottle, CountingThrottle):
    pass
