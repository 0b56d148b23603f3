# The registration scene (event, ticket types, sign_up) for the security tests.
from tests.registrations.conftest import *  # noqa: F403
