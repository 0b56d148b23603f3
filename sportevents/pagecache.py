"""Public pages and API lists from the cache, fresh the moment anything they show changes.

The cache holds a *data version* (sportevents/versions.py) that any change to the rows public
pages show replaces: the `WATCHED` models, and the few writes that go around signals
(`public_data_changed()`). Each page is kept with the version it was rendered under, and both
are read in one round trip: a page rendered before the change no longer matches, so an edit
shows at once, with no list of the pages it touched.

Only what is the same for every visitor is kept:

- pages for anonymous visitors with no message waiting; signed-in people get theirs rendered;
- keyed by the full address (with its query), the language and the day (the event list puts
  upcoming events first);
- the forms' CSRF token is put in for each visitor (`CSRF_PLACEHOLDER`), and parts that change
  with every registration (seats left) are rendered for each request into their place
  (`live_part`).

When the cache cannot be reached, every page is rendered as if nothing were cached.
"""

import hashlib
import json
import re
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from sportevents.versions import DataVersion

VERSION_KEY = "public-data-version"
TIMEOUT = 60 * 60
CSRF_PLACEHOLDER = "__csrf-token-placeholder__"
_CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')

# What public pages and API lists show. Seats left are not here: they are a live part.
WATCHED = [
    "catalogue.Action",
    "catalogue.ActionField",
    "events.Organisation",
    "events.OrganisationSport",
    "events.Event",
    "events.EventSport",
    "events.EventPartner",
    "events.Session",
    "events.Sponsorship",
    "venues.Venue",
    "venues.VenueFeature",
    "surveys.Snapshot",
]


PUBLIC_DATA = DataVersion(VERSION_KEY, WATCHED)
data_version = PUBLIC_DATA.current
public_data_changed = PUBLIC_DATA.changed
watch = PUBLIC_DATA.watch


def cache_key(kind: str, request, *, daily: bool = False) -> str:
    """The key of what `request` shows."""
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()[:32]
    day = timezone.localdate().isoformat() if daily else ""
    return f"page:{kind}:{get_language()}:{day}:{address}"


def lookup(key: str) -> tuple[str, object]:
    """The current data version and what `key` holds if it was kept under that version
    (else None), in one round trip. No version: the cache is down, and nothing is to be kept."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY) or data_version()
    kept = found.get(key)
    if version and kept is not None and kept[0] == version:
        return version, kept[1]
    return version, None


def keep(key: str, version: str, value) -> None:
    if version:
        cache.set(key, (version, value), TIMEOUT)


def _cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not len(getattr(request, "_messages", ()))
    )


def live_part(name: str) -> SafeString:
    """Where a part rendered for each request goes in a cached page."""
    return mark_safe(f"<!--live:{name}-->")


def public_page(*, daily: bool = False, live: dict[str, Callable[..., str]] | None = None):
    """Serve the view's 200 answers from the cache for anonymous visitors.

    `live` maps a part's name to a function (request, *view arguments) that renders it; the view
    puts `live_part(name)` where it goes. Parts are filled in on every answer, cached or not.
    """
    live = live or {}

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            key = cache_key(view.__name__, request, daily=daily) if _cacheable(request) else None
            version, page = lookup(key) if key else ("", None)
            if page is None:
                response = view(request, *args, **kwargs)
                if response.status_code != 200 or response.streaming:
                    return response
                html = response.content.decode(response.charset)
                if key:
                    kept = _CSRF_VALUE.sub(rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", html)
                    keep(key, version, (response["Content-Type"], kept))
            else:
                content_type, html = page
                response = HttpResponse(content_type=content_type)
                if CSRF_PLACEHOLDER in html:
                    html = html.replace(CSRF_PLACEHOLDER, get_token(request))
            for name, render_part in live.items():
                marker = live_part(name)
                if marker in html:
                    html = html.replace(marker, render_part(request, *args, **kwargs))
            response.content = html
            return response

        return wrapped

    return decorator


class CachedPublicListMixin:
    """For DRF viewsets: anonymous list answers (the serialized page) from the cache."""

    def list(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return super().list(request, *args, **kwargs)
        key = cache_key(f"api-{self.basename}", request)
        version, data = lookup(key)
        if data is None:
            response = super().list(request, *args, **kwargs)
            if response.status_code == 200:
                # As JSON types: DRF's hyperlinks would carry (and pickle) their model objects.
                keep(key, version, json.loads(json.dumps(response.data, cls=JSONEncoder)))
            return response
        return Response(data)
