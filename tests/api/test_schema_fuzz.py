"""Fuzz the REST API against its own OpenAPI schema with schemathesis, in process (WSGI).

Every operation in /api/schema/ gets generated requests, each sent as the roles of the access
matrix (anonymous, a participant, another organisation's organiser, a partner, the lead
organiser, an administrator, a viewer, a sponsor, staff), each with its own API token, in the
access matrix's world. The schema's examples and every generated example are sent as every role
in turn (generated once). The coverage phase's hundreds of boundary and invalid values per
operation go round the roles instead, each to one role chosen from the value, so that every
role meets that phase and the suite stays within CI's time. Three addresses in four are aimed
at real rows of the world (tests/api/fuzz_aim.py), so the permission checks, serializers and
services run, not only the 404. Each response must not be a server error and must match the
schema (status code, content type, body). How many examples: tests/api/fuzz_schema.py. A failure
names the role and prints the request as a curl command and the Hypothesis seed to replay it.
"""

import zlib

import pytest
from schemathesis.generation.meta import TestPhase

from tests.api.fuzz_aim import real_parameters
from tests.api.fuzz_schema import (
    FUZZ_SETTINGS,
    SCHEMA,
    SCHEMA_ERROR,
    call_and_validate,
    headers_for,
    world,  # noqa: F401 (the fixture)
)
from tests.security.access_world import ROLES

pytestmark = pytest.mark.django_db


def path_parameter_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


if SCHEMA is None:

    def test_api_schema_loads():
        pytest.fail(SCHEMA_ERROR, pytrace=False)

else:

    def test_every_address_can_be_aimed(world):  # noqa: F811
        for operation in SCHEMA.get_all_operations():
            path = operation.ok().path
            for target in ("published", "draft", "other"):
                names = set(real_parameters(world, path, target))
                assert names == set(path_parameter_names(path)), path

    def roles_for(case) -> tuple[str, ...]:
        if case.meta is None or case.meta.phase.name != TestPhase.COVERAGE:
            return ROLES
        sent = repr((case.method, case.path, case.path_parameters, case.query, case.body))
        return (ROLES[zlib.crc32(sent.encode()) % len(ROLES)],)

    @SCHEMA.parametrize()
    @FUZZ_SETTINGS
    def test_api_as_every_role(case, world):  # noqa: F811
        for role in roles_for(case):
            try:
                call_and_validate(case, headers_for(world, role))
            except Exception as error:
                error.add_note(f"Sent as: {role}")
                raise
