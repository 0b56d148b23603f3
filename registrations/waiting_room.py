"""The waiting room for registration rushes: when an event's registration opens to more people
than the site should let in at once, they enter at the rate the organisers set
(`Event.admission_rate` a minute) and the others wait, in the order they came.

How the line works, the same on every app server (the line is in Redis, places are signed with
SECRET_KEY):

- An arrival without a place takes one in a small Lua script, atomic in Redis: the next number
  (a counter) and the next admission time, `max(now, next free time)`; the next free time then
  moves on by 60/rate seconds. The "now serving" point thus follows the clock: nothing runs in
  the background, and a time once given never moves, whichever server gave it.
- The place (event, number, admission time, spacing) is signed and kept by the visitor: a cookie
  in the browser, the Waiting-Room-Pass header for API clients. Reloading keeps it, and asking
  where one stands needs neither Redis nor the database.
- From its admission time on, the same place is the pass to the registration form, for
  WAITING_ROOM_PASS_MINUTES. After that its holder takes a new place.
- Redis unreachable: the room lets everyone in, with a logged warning, as the rate limits do.
  The seats themselves are guarded by the database, so a rush without the room still sells
  each seat once; it is only slower.

A place whose holder gave up still takes its turn: the rate counts people let in, not forms
sent. App servers' clocks should agree (NTP): a server whose clock is ahead lets its visitors in
that much early, but the line's order is Redis's.
"""

import logging
import math
import threading
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from events.models import Event
from sportevents.errors import DomainError

logger = logging.getLogger(__name__)

SALT = "registrations.waiting-room"
# A place whose turn comes within this many seconds goes straight in: nobody is shown the line
# for a wait shorter than a page load. It lets a small burst in together.
GRACE_SECONDS = 2
# How long Redis keeps a quiet line after its last turn (numbers then start again at 1).
KEEP_MS = 10 * 60 * 1000

# KEYS[1]: the event's line (a hash). ARGV: now, the spacing of turns, how long to keep (ms).
JOIN = """
local number = redis.call('HINCRBY', KEYS[1], 'issued', 1)
local free = tonumber(redis.call('HGET', KEYS[1], 'free_at')) or 0
local now = tonumber(ARGV[1])
local turn = math.max(free, now)
local after = turn + tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'free_at', string.format('%d', after))
redis.call('PEXPIRE', KEYS[1], after - now + tonumber(ARGV[3]))
return {number, turn}
"""


class InvalidPass(DomainError):
    status = 400
    code = "invalid_waiting_room_pass"

    def __init__(self):
        super().__init__(
            _(
                "The waiting-room pass is not valid: it was altered, or it is for another event. "
                "Send the request without it to take a place in line."
            )
        )


def pass_seconds() -> int:
    return settings.WAITING_ROOM_PASS_MINUTES * 60


def now() -> float:
    return timezone.now().timestamp()


@dataclass(frozen=True)
class Place:
    """A place in an event's line: who came when, and when they may register."""

    event: str  # the event's slug
    number: int  # order of arrival
    admit_at: float  # seconds since the epoch
    spacing: float  # seconds between two turns when the place was given

    def is_admitted(self, at: float) -> bool:
        return at >= self.admit_at

    def has_expired(self, at: float) -> bool:
        return at >= self.admit_at + pass_seconds()

    def position(self, at: float) -> int:
        """1 for the next in line, 0 once admitted. The turns ahead are `spacing` apart."""
        if self.is_admitted(at):
            return 0
        return max(1, math.ceil((self.admit_at - at) / self.spacing))

    def wait(self, at: float) -> int:
        """Whole seconds until the turn comes."""
        return max(0, math.ceil(self.admit_at - at))

    def lasts(self, at: float) -> int:
        """Whole seconds the place (then the pass) stays good: for a cookie's max-age."""
        return max(0, math.ceil(self.admit_at + pass_seconds() - at))

    def token(self) -> str:
        fields = [self.event, self.number, round(self.admit_at * 1000), round(self.spacing * 1000)]
        return signing.dumps(fields, salt=SALT, compress=False)


def read(token: str | None, event_slug: str) -> Place | None:
    """The place a token holds; None without one. Altered, or for another event: InvalidPass."""
    if not token:
        return None
    try:
        slug, number, admit_ms, spacing_ms = signing.loads(token, salt=SALT)
        place = Place(str(slug), int(number), admit_ms / 1000, spacing_ms / 1000)
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise InvalidPass() from error
    if place.event != event_slug:  # an event's slug, not a secret: a plain comparison
        raise InvalidPass()
    return place


@dataclass(frozen=True)
class Admission:
    """What the room says to one request: its place, and whether that place is new (to hand
    back to the visitor). No place: the line could not be reached and the room stands open."""

    place: Place | None
    issued: bool
    at: float

    @property
    def admitted(self) -> bool:
        return self.place is None or self.place.is_admitted(self.at)


def held(event: Event, token: str | None, *, at: float) -> Place | None:
    """The place the visitor's token holds for the event, unless it has run out; None without
    one. Altered, or for another event: InvalidPass."""
    place = read(token, event.slug)
    return place if place is not None and not place.has_expired(at) else None


def admit(event: Event, token: str | None, *, at: float | None = None) -> Admission:
    """The visitor's place if they hold a good one; else a new place at the back of the line.
    The caller checks `event.waiting_room` first: with the room off nothing here runs."""
    at = now() if at is None else at
    place = held(event, token, at=at)
    if place is not None:
        return Admission(place, issued=False, at=at)
    return Admission(join(event, at=at), issued=True, at=at)


def join(event: Event, *, at: float) -> Place | None:
    """Take the next place in the event's line (None, with a warning, if Redis is down)."""
    spacing_ms = max(1, round(60_000 / event.admission_rate))
    try:
        number, turn_ms = _line_for().join(_key(event), round(at * 1000), spacing_ms)
    except RedisError as error:
        logger.warning(
            "Waiting room of %s not applied: Redis is unreachable (%s: %s)",
            event.slug,
            type(error).__name__,
            error,
        )
        return None
    return Place(event.slug, int(number), int(turn_ms) / 1000 - GRACE_SECONDS, spacing_ms / 1000)


def forget(event: Event) -> None:
    """Empty the event's line: the next arrival is number 1 and goes straight in."""
    _line_for().forget(_key(event))


def _key(event: Event) -> str:
    return caches["default"].make_key(f"waiting-room:{event.pk}")


class _RedisLine:
    def __init__(self, client):
        self.client = client

    def join(self, key: str, at_ms: int, spacing_ms: int) -> tuple[int, int]:
        number, turn = self.client.eval(JOIN, 1, key, at_ms, spacing_ms, KEEP_MS)
        return int(number), int(turn)

    def forget(self, key: str) -> None:
        self.client.delete(key)


class _MemoryLine:
    """Without Redis (`make run`, tests without REDIS_URL): the same steps under a lock, good
    for one process only, like the memory cache it stands beside."""

    def __init__(self):
        self.lock = threading.Lock()
        self.lines: dict[str, tuple[int, int]] = {}

    def join(self, key: str, at_ms: int, spacing_ms: int) -> tuple[int, int]:
        with self.lock:
            issued, free_at = self.lines.get(key, (0, 0))
            turn = max(free_at, at_ms)
            self.lines[key] = (issued + 1, turn + spacing_ms)
            return issued + 1, turn

    def forget(self, key: str) -> None:
        with self.lock:
            self.lines.pop(key, None)


_memory_line = _MemoryLine()


def _line_for() -> _RedisLine | _MemoryLine:
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # The cache's own connection pool (Django keeps no public accessor for it).
        return _RedisLine(backend._cache.get_client(write=True))
    return _memory_line
