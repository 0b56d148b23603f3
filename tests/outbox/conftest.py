"""The outbox's scene: a local SMTP server (fake_smtp.py) behind Django's real SMTP backend,
and confirmed registrations whose confirmation email has not gone out yet."""

import pytest

from events import services as planning
from events.models import EventStatus
from registrations import services
from tests.outbox.fake_smtp import FakeSMTP


@pytest.fixture
def fake_smtp():
    server = FakeSMTP().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_backend(settings, fake_smtp):
    """Emails go over SMTP to the fake server (instead of the test suite's memory outbox)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = fake_smtp.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 10
    return fake_smtp


@pytest.fixture
def registrations(plan):
    """`registrations(n)`: n confirmed registrations for a free ticket, not emailed yet."""
    event = planning.change_status(plan.event, by=plan.people["lead"], status=EventStatus.PUBLISHED)
    ticket = services.create_ticket_type(event, by=plan.people["lead"], name="5 km", capacity=50)

    def make(count: int):
        return [
            services.register(
                event,
                ticket_type=ticket,
                name=f"Runner {number}",
                email=f"runner{number}@example.org",
                language="en",
                participants=[
                    {
                        "name": f"Runner {number}",
                        "country": "PT",
                        "year_of_birth": 1990,
                        "role": "athlete",
                    }
                ],
                accept_terms=True,
                notify=False,
            ).registration
            for number in range(1, count + 1)
        ]

    return make
