"""The stateful phase of the API fuzzing: scenarios that follow the schema's links
(sportevents/api_links.py) from what a request created to the operations on it — create an
event, then its milestones, sessions and ticket types; register, then cancel — once per role
of the access matrix, in its world, each scenario rolled back after. The same checks as
test_schema_fuzz.py; how many scenarios: tests/api/fuzz_schema.py.
"""

import pytest
from django.core.cache import cache
from django.db import transaction
from hypothesis import settings

from tests.api.fuzz_schema import (
    CHECKS,
    FUZZ_SETTINGS,
    MAX_EXAMPLES,
    SCHEMA,
    SCHEMA_ERROR,
    headers_for,
    straight_to_the_app,
    world,  # noqa: F401 (the fixture)
)
from tests.security.access_world import ROLES

pytestmark = pytest.mark.django_db

if SCHEMA is None:  # test_schema_fuzz.py fails with the reason
    pytest.skip(SCHEMA_ERROR, allow_module_level=True)
else:

    class Workflow(SCHEMA.as_state_machine()):
        """One scenario as one role (`headers`), rolled back after."""

        headers: dict = {}

        def setup(self):
            cache.clear()
            self.savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def get_call_kwargs(self, case):
            return {"headers": self.headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs)

    def test_the_stateful_phase_has_links_to_follow():
        """Each POST that creates a row leads on to the operations on that row."""
        paths = SCHEMA.raw_schema["paths"]

        def links(path):
            return paths[path]["post"]["responses"]["201"].get("links", {})

        assert links("/api/v1/events/{slug}/milestones/")["v1_events_milestones_destroy"] == {
            "operationId": "v1_events_milestones_destroy",
            "parameters": {"slug": "$request.path.slug", "id": "$response.body#/id"},
        }
        assert links("/api/v1/events/{slug}/registrations/")["v1_registrations_cancel_create"][
            "parameters"
        ] == {"reference": "$response.body#/reference"}
        assert "v1_events_milestones_create" in links("/api/v1/events/")
        assert "v1_venues_partial_update" in links("/api/v1/venues/")

    @pytest.mark.parametrize("role", ROLES)
    def test_api_workflows_as_every_role(role, world):  # noqa: F811
        machine = type("Workflow", (Workflow,), {"headers": headers_for(world, role)})
        with straight_to_the_app():
            machine.run(
                settings=settings(FUZZ_SETTINGS, max_examples=MAX_EXAMPLES, stateful_step_count=6)
            )
