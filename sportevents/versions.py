"""A data version: a random string in the shared cache that any change to a set of models
replaces, so whatever was kept under the old one is known to be stale at once, with no list of
what the change touched.

Saving or deleting a watched model replaces it (signals), and again when the transaction
commits, so something read in between (from the rows as they were) does not match either; the
few writes that go around signals call `changed()`; each `migrate` replaces it too. When the
cache cannot be reached the version is "", and nothing is to be kept under it.
"""

import secrets
import time

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save

# A view that keeps data in its workers names the versions it will check in `data_versions`;
# its rate limit reads them with its counters, in the same round trip, into this attribute of the
# request (sportevents/throttles.py).
READ_AHEAD = "data_versions_read"


class DataVersion:
    def __init__(self, key: str, watched: list[str]):
        self.key = key
        self.watched = watched  # model labels

    def current(self, request=None) -> str:
        """The version now; for `request`, as its rate limit read it, if it did."""
        version = getattr(request, READ_AHEAD, {}).get(self.key)
        if version:
            return version
        version = cache.get(self.key)
        if version is None:
            cache.add(self.key, secrets.token_hex(8), None)
            version = cache.get(self.key)
        return version or ""

    def _replace(self) -> None:
        cache.set(self.key, secrets.token_hex(8), None)

    def changed(self, **_signal) -> None:
        """Whatever was kept is stale: now, and again once the change is committed."""
        self._replace()
        transaction.on_commit(self._replace)

    def watch(self) -> None:
        """Connect the signals (from an AppConfig.ready)."""
        for label in self.watched:
            model = apps.get_model(label)
            uid = f"{self.key}-{label}"
            post_save.connect(self.changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(self.changed, sender=model, dispatch_uid=f"{uid}-delete")
        post_migrate.connect(self.changed, dispatch_uid=f"{self.key}-migrate")


class KeptInWorker:
    """What one worker process keeps between requests, each entry under the data version it was
    read under and for `seconds` at most: the next request after a change reads afresh. With
    the cache down (no version) nothing is kept."""

    def __init__(self, data: DataVersion, *, seconds: int = 60, max_kept: int = 1_000):
        self.data, self.seconds, self.max_kept = data, seconds, max_kept
        self._kept: dict = {}

    def get(self, key, request=None) -> tuple[str, object]:
        """The current version (as `request`'s rate limit read it, if it did), and what is kept
        for `key` under it (else None). Read the version first, then the rows: rows read after
        a change are kept under a new version."""
        version = self.data.current(request)
        kept = self._kept.get(key)
        if kept is not None and version and kept[0] == version and kept[1] > time.monotonic():
            return version, kept[2]
        return version, None

    def keep(self, key, version: str, value) -> None:
        if not version:
            return
        if len(self._kept) >= self.max_kept:
            self._kept.clear()
        self._kept[key] = (version, time.monotonic() + self.seconds, value)
