"""What the API fuzzing tests share: the schema loaded in process (WSGI), the checks every
response must pass, how much to generate, the access matrix's world (tests/security/
access_world.py) with a token per role, and a request sent inside a transaction that is rolled
back, so each example finds the same world.

How much: with FUZZ=full (the PostgreSQL pass of `.ci/run`) every phase runs, with 50 generated
examples per operation and 50 scenarios per role in the stateful phase; otherwise (`make test`
and local runs) 10, without the coverage phase, to stay short.
"""

import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sportevents.wsgi import application
from tests.api.fuzz_aim import aim
from tests.security.access_world import world_for_module

FULL = os.environ.get("FUZZ") == "full"
MAX_EXAMPLES = 50 if FULL else 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    # No example database: a failure prints its seed and the request to replay it.
    database=None,
    suppress_health_check=list(HealthCheck),
)

# The world, built once per test module; every example is rolled back to it. The address hook
# reads it when Hypothesis draws, after the fixture has built it.
WORLD = {}


def load_schema():
    """The schema, or the error that kept it from loading. Loaded at import: one test per
    operation. (schemathesis.pytest.from_fixture would load it in a fixture, but schemathesis
    4.32.5 sets Node._nodeid, which pytest 9.2 no longer has.) Generating the schema reads no
    rows, so no database is needed yet."""
    try:
        schema = schemathesis.openapi.from_wsgi(
            "/api/schema/",
            application,
            config=schemathesis.Config.from_dict(
                {
                    "generation": {"max-examples": MAX_EXAMPLES},
                    # Every boundary and invalid value schemathesis can derive from the schema.
                    "phases": {"coverage": {"enabled": FULL}},
                }
            ),
        )
    except Exception as error:  # A broken schema fails the tests, not the whole collection.
        return None, f"GET /api/schema/ failed, nothing was fuzzed: {type(error).__name__}: {error}"

    @schema.hook("map_path_parameters")
    def aim_at_the_world(context, path_parameters):
        return aim(WORLD["world"], context.operation.path, path_parameters)

    return schema, None


SCHEMA, SCHEMA_ERROR = load_schema()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_for_module(django_db_blocker) as world:
        WORLD["world"] = world
        yield world
        WORLD.clear()


def headers_for(world, role: str) -> dict:
    """The role's Authorization header (none for anonymous)."""
    token = world.tokens.get(role)
    return {"Authorization": f"Token {token}"} if token else {}


@contextmanager
def straight_to_the_app():
    """Requests go straight to the WSGI app, not through Django's test client, so nothing
    stops Django from closing the database connection around each one, which would end the
    test's transaction on PostgreSQL. Do what the test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call_and_validate(case, headers: dict) -> None:
    # The login throttle (10/min) would answer 429 to the fuzzer's many token requests: the rate
    # limits are not what these tests are about.
    cache.clear()
    with straight_to_the_app(), transaction.atomic():
        case.call_and_validate(headers=headers, checks=CHECKS)
        transaction.set_rollback(True)
