"""The payments scene: the registration scene (tests/registrations/conftest.py); the Stripe
fixtures are in tests/payments/fixtures.py."""

from tests.registrations.conftest import (  # noqa: F401 - the same scene
    event,
    free_ticket,
    lead,
    paid_ticket,
    person,
    sign_up,
)
