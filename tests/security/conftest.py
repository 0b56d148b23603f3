# The scenes the security tests share: registrations (event, ticket types, sign_up) and a
# completed event with survey answers (impact summaries). Paying (`pay`) is a global fixture.
from tests.registrations.conftest import *  # noqa: F403
from tests.surveys.conftest import closed_waves, completed, people, sponsor, sponsor_org  # noqa: F401
