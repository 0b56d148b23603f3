"""Fuzz the REST API against its own OpenAPI schema with schemathesis, in process (WSGI).

Every operation in /api/schema/ gets generated requests, once anonymously and once with a
logged-in member's token; each response must not be a server error and must match the schema
(status code, content type, body). Under CI=1: 50 random examples per operation plus
schemathesis's coverage phase; locally 10 examples and no coverage phase, to stay well under a
minute. A failure prints the request as a curl command and the Hypothesis seed to replay it.
"""

import os

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from events.models import Role
from sportevents.wsgi import application
from tests.factories import PASSWORD, MembershipFactory

IN_CI = os.environ.get("CI") == "1"
MAX_EXAMPLES = 50 if IN_CI else 10
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


@pytest.fixture
def token_headers(db, api):
    """The Authorization header of an organisation's administrator."""
    member = MembershipFactory(role=Role.ADMIN).user
    response = api.post(
        "/api/v1/auth/token/", {"email": member.email, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return {"Authorization": f"Token {response.json()['token']}"}


# Loaded at import: one test per operation. (schemathesis.pytest.from_fixture would load it in a
# fixture, but schemathesis 4.32.5 sets Node._nodeid, which pytest 9.2 no longer has.)
# Generating the schema reads no rows, so no database is needed yet.
try:
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/",
        application,
        config=schemathesis.Config.from_dict(
            {
                "generation": {"max-examples": MAX_EXAMPLES},
                # The coverage phase sends every boundary and invalid value it can derive from
                # the schema (about 2,500 requests here): in CI only, to keep local runs short.
                "phases": {"coverage": {"enabled": IN_CI}},
            }
        ),
    )
    SCHEMA_ERROR = None
except Exception as error:  # A broken schema fails this module's test, not the whole collection.
    schema, SCHEMA_ERROR = None, f"{type(error).__name__}: {error}"


def _call_and_validate(case, headers=None):
    # The login throttle (10/min) would answer 429 to the fuzzer's many token requests: the rate
    # limits are not what this test is about.
    cache.clear()
    # The request goes straight to the WSGI app, not through Django's test client, so nothing
    # stops Django from closing the database connection around it, which would end the
    # test's transaction on PostgreSQL. Do what the test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        case.call_and_validate(headers=headers, checks=CHECKS)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


if schema is None:

    def test_api_schema_loads():
        pytest.fail(f"GET /api/schema/ failed, nothing was fuzzed: {SCHEMA_ERROR}", pytrace=False)

else:

    @schema.parametrize()
    @FUZZ_SETTINGS
    def test_api_anonymous(case, catalogue):
        _call_and_validate(case)

    @schema.parametrize()
    @FUZZ_SETTINGS
    def test_api_with_token(case, catalogue, token_headers):
        _call_and_validate(case, headers=token_headers)
