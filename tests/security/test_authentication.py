"""Logging in can't be brute-forced: failed logins lock the email address and client address
out for a while (django-axes), and the login, password reset, registration and check-in forms
are rate limited in the shared cache. Both answer 429 with when to try again."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from registrations import tickets
from tests.factories import PASSWORD, UserFactory
from tests.registrations.test_pages import form_data, register_url

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ana(db):
    return UserFactory(email="ana@example.org")


def log_in(client, password, email="ana@example.org", **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def fail_until_locked(client, email="ana@example.org", **extra):
    """Wrong passwords: the form says so, until the last one allowed locks the pair out."""
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong", email, **extra).status_code == 200
    assert log_in(client, "wrong", email, **extra).status_code == 429


def test_failed_logins_lock_the_form_out_then_the_cool_off_lets_the_person_in(client, ana):
    with time_machine.travel("2027-03-01 10:00Z", tick=False) as clock:
        fail_until_locked(client)
        # Even the right password is refused now, with a page that says when to come back.
        locked = log_in(client, PASSWORD)
        assert locked.status_code == 429
        assert "Too many attempts. Please try again in 15 minutes." in locked.text
        assert locked["Retry-After"] == "900"
        assert "_auth_user_id" not in client.session

        clock.shift(timedelta(minutes=14))
        assert log_in(client, PASSWORD).status_code == 429
        clock.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=1))
        response = log_in(client, PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(ana.pk)


def test_the_lock_counts_the_address_in_any_case_and_spares_other_people_and_places(client, ana):
    bob = UserFactory(email="bob@example.org")
    fail_until_locked(client, "ANA@Example.org ")
    assert log_in(client, PASSWORD).status_code == 429
    # Another account from the same place, and the same account from another place, still work.
    assert log_in(client, PASSWORD, bob.email).status_code == 302
    client.logout()
    assert log_in(client, PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302


def test_a_successful_login_resets_the_count(client, ana):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 302


def test_the_api_token_endpoint_shares_the_lock_and_answers_429_json(api, client, ana):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = api.post(TOKEN, {"email": "ana@example.org", "password": "wrong"})
        assert response.status_code == 400
    assert api.post(TOKEN, {"email": "ana@example.org", "password": "x"}).status_code == 429
    response = api.post(TOKEN, {"email": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert response.json()["retry_after"] == 900
    # The form is locked for the same person and place, and says so in JSON under /api/ only.
    assert log_in(client, PASSWORD).status_code == 429
    assert AccessAttempt.objects.get().failures_since_start >= settings.AXES_FAILURE_LIMIT


def test_the_login_form_is_rate_limited_per_client_address(client, ana, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "login", "3/min")
    for email in ("a@example.org", "b@example.org", "c@example.org"):
        assert log_in(client, "wrong", email).status_code == 200
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert "Please try again in 1 minute." in response.text
    # Viewing the form is not limited; another address may post.
    assert client.get(LOGIN).status_code == 200
    assert log_in(client, PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302


def test_password_reset_is_rate_limited_per_address_and_per_email(client, ana, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "password_reset", "2/hour")
    url = "/accounts/password/reset/"
    for _attempt in (1, 2):
        assert client.post(url, {"email": "ana@example.org"}).status_code == 302
    assert client.post(url, {"email": "other@example.org"}).status_code == 429
    # From elsewhere, the same address (in another case) is limited too; mail went out twice.
    response = client.post(url, {"email": " ANA@example.org"}, REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert len(mail.outbox) == 2


def test_the_registration_form_is_rate_limited(client, free_ticket, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "registration", "1/min")
    event = free_ticket.event
    first = client.post(register_url(event), form_data(free_ticket, email="one@example.org"))
    assert first.status_code == 302
    second = client.post(register_url(event), form_data(free_ticket, email="two@example.org"))
    assert second.status_code == 429
    assert free_ticket.registrations.count() == 1


def test_the_check_in_form_is_rate_limited_per_door_keeper(
    client, plan, event, free_ticket, sign_up, monkeypatch
):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "checkin", "1/min")
    participant = sign_up(free_ticket).registration.participants.get()
    client.force_login(plan.people["lead"])
    url = f"/events/{event.slug}/check-in/"
    assert client.post(url, {"token": tickets.sign(participant)}).status_code == 200
    assert client.post(url, {"token": tickets.sign(participant)}).status_code == 429
    assert participant.check_ins.count() == 1


def test_every_login_in_the_code_passes_its_request_so_the_lock_applies():
    """The lock-out backend skips calls without a request (the test client's login): a view
    that called authenticate() without one would escape the lock."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = []
    packages = [p for p in root.iterdir() if (p / "__init__.py").exists() and p.name != "tests"]
    for path in (path for package in packages for path in package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) == "authenticate"
                and not node.args
                and not any(keyword.arg == "request" for keyword in node.keywords)
            ):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert not found, f"authenticate() without the request: {found}"
