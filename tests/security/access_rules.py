"""The rules of the access matrix: who may do what (policies), what an answer must be
(expectations), and one request made and judged the same way for every route.

A policy maps a role and a target (which object the address points at) to an expectation:
- ALLOW: the role may; a read answers 2xx or 3xx (not to the login page), a write anything but
  401, 403, 404, 405 or a 5xx (a 400 or 409 is the service's refusal of this body, after access);
- DENY: 403 or 404 (a write may also get 405); anonymous people may instead be sent to log in or
  get a 401; nothing in the database changes;
- REFUSED: the role reaches the page (a secret link is the key) but the write it tries is refused
  by the service's own rule: any allowed answer, and nothing changes;
- UNSIGNED: a webhook without Stripe's signature: 400, nothing changes.
A "mixed" target (another organisation's parent with this organisation's child) and a "forged"
one (a well-formed secret that matches nothing) are DENY for everyone.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url

from tests.security.access_world import ROLES


@dataclass(frozen=True)
class Expect:
    name: str
    allowed: bool
    unchanged: bool
    statuses: frozenset[int] = frozenset()  # exact answers, when not the allow/deny rule


ALLOW = Expect("allow", allowed=True, unchanged=False)
DENY = Expect("deny", allowed=False, unchanged=True)
REFUSED = Expect("refused", allowed=True, unchanged=True)
UNSIGNED = Expect("unsigned", allowed=False, unchanged=True, statuses=frozenset({400}))

Policy = Callable[[str, str], Expect]

ALL = frozenset(ROLES)
SIGNED_IN = ALL - {"anonymous"}
ORG_MEMBERS = frozenset({"lead", "admin", "viewer"})  # members of A
EVENT_MEMBERS = ORG_MEMBERS | {"partner"}  # members of the lead or a partner organisation
EDITORS = frozenset({"lead", "admin", "partner"})  # administrators and organisers of those
LEADS = frozenset({"lead", "admin"})  # administrators and organisers of the lead organisation
ORG_ADMINS = frozenset({"admin"})
# Administrators or organisers of some organisation: they may add venues to their own.
ORGANISERS = frozenset({"other_organiser", "partner", "lead", "admin", "sponsor"})
SNAPSHOT_READERS = EVENT_MEMBERS | {"sponsor"}  # an event's snapshot: its members and sponsors


def only(roles: frozenset[str], otherwise: Expect = DENY) -> Policy:
    return lambda role, target: ALLOW if role in roles else otherwise


PUBLIC = only(ALL)
SIGNED = only(SIGNED_IN)


def sees_event(role: str, target: str) -> Expect:
    """Published events are everyone's; a draft is its organisations' members' only."""
    return ALLOW if target != "draft" or role in EVENT_MEMBERS else DENY


def sees_venue(role: str, target: str) -> Expect:
    """A venue of a public event's programme is everyone's; another venue of A's is for the
    members of A's events, whose sessions may be planned there."""
    return ALLOW if target == "public" or role in EVENT_MEMBERS else DENY


def link(role: str, target: str) -> Expect:
    """A secret link is the key: whoever holds it may use it, logged in or not, any role."""
    return ALLOW


def snapshot(role: str, target: str) -> Expect:
    readers = {"sponsor"} if target == "sponsor-snapshot" else SNAPSHOT_READERS
    return ALLOW if role in readers else DENY


def invitation_accept(role: str, target: str) -> Expect:
    """The link shows the invitation; accepting it needs the address it was sent to, which no
    role here has: a logged-in role is refused, an anonymous one is shown the page again."""
    return ALLOW if role == "anonymous" else REFUSED


def unsigned(role: str, target: str) -> Expect:
    return UNSIGNED


def expectation(policy: Policy, role: str, target: str) -> Expect:
    if target in ("mixed", "forged"):
        return DENY
    return policy(role, target)


# Requests ---------------------------------------------------------------------------------

WATCHED_APPS = (
    "accounts",
    "catalogue",
    "venues",
    "events",
    "registrations",
    "payments",
    "calendars",
    "surveys",
    "authtoken",
)


def rows_written() -> int:
    """How many rows this connection has inserted, updated or deleted so far: compared before
    and after a request that must change nothing. SQLite counts them itself; PostgreSQL per
    transaction, which the test's is."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_user_tables"
            )
        else:
            cursor.execute("SELECT total_changes()")
        return cursor.fetchone()[0]


def database_state() -> dict[str, list]:
    """Every row of the product's tables, read with plain SQL: to name what a request wrote."""
    with connection.cursor() as cursor:
        state = {}
        for table in _watched_tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
            state[table] = cursor.fetchall()
    return state


@cache
def _watched_tables() -> list[str]:
    return [
        model._meta.db_table
        for label in WATCHED_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]


def send(client, method: str, path: str, *, api: bool, data: dict | None, token: str | None):
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    if method == "GET":
        return client.get(path, **headers)
    if api:
        body = json.dumps(data or {}) if method != "DELETE" else ""
        return client.generic(method, path, body, content_type="application/json", **headers)
    return client.generic(
        method,
        path,
        _form(data or {}),
        content_type="application/x-www-form-urlencoded",
        **headers,
    )


def _form(data: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(data, doseq=True)


def body_of(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def to_login(response) -> bool:
    login = resolve_url(settings.LOGIN_URL)
    return response.status_code in (301, 302) and response["Location"].startswith(login)


def judge(expect: Expect, response, *, method: str, anonymous: bool, body_named: bool) -> str:
    """What is wrong with the answer, or "" if it is what the expectation allows."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if expect.statuses:
        return "" if status in expect.statuses else f"expected {sorted(expect.statuses)}"
    if expect.allowed:
        if to_login(response):
            return "sent to the login page"
        if method == "GET" and not 200 <= status < 400:
            return "expected a 2xx or 3xx answer"
        if method != "GET" and status in (401, 403, 404, 405):
            return "expected the write to be let through"
        return ""
    denied = {403, 404} | ({405} if method != "GET" else set())
    if anonymous:
        denied |= {401}
        if to_login(response):
            return ""
    if body_named:
        # The object is named in the body, not the address: unknown to this role it is invalid
        # input, answered exactly as a slug that exists nowhere.
        denied |= {400}
    return "" if status in denied else "expected 403 or 404"
