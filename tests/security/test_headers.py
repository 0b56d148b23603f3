"""What production sends the browser: a Content Security Policy without inline code, HSTS,
cookies that scripts cannot read and other sites cannot send, no framing. (Tests run with
DEBUG off, as production does; check --deploy is tests/sportevents/test_settings.py.)"""

import pytest
from django.conf import settings

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.parametrize("url", ["/", "/events/", "/accounts/login/", "/api/docs/", "/nowhere/"])
def test_every_page_has_a_strict_content_security_policy(client, url, catalogue):
    policy = directives(client.get(url))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    for values in policy.values():
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(values)


def test_with_debug_the_policy_is_reported_not_enforced():
    # Django's own debug pages use inline code; developers see violations in the console.
    from tests.sportevents.test_settings import PRODUCTION, manage

    code = (
        "from django.conf import settings as s;"
        "print(hasattr(s, 'CONTENT_SECURITY_POLICY'), "
        "s.CONTENT_SECURITY_POLICY_REPORT_ONLY['DIRECTIVES']['script-src'])"
    )
    result = manage("shell", "-c", code, env={**PRODUCTION, "DEBUG": "1"})
    assert result.stdout.split()[-2:] == ["False", "[\"'self'\"]"], result.stderr


def test_https_responses_carry_hsts_and_the_other_security_headers(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_plain_http_is_redirected_to_https_in_production(settings, client):
    settings.SECURE_SSL_REDIRECT = True  # tests switch it off: the test client speaks HTTP
    response = client.get("/events/")
    assert response.status_code == 301
    assert response.url == "https://testserver/events/"


def test_session_csrf_and_language_cookies_are_secure_httponly_and_same_site(client):
    UserFactory(email="ana@example.org", preferred_language="de")
    page = client.get("/accounts/login/", secure=True)
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    response = client.post(
        "/accounts/login/", {"username": "ana@example.org", "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    language = client.post("/accounts/language/", {"language": "de"}, secure=True).cookies[
        settings.LANGUAGE_COOKIE_NAME
    ]
    client.logout()
    signed_up = client.post(
        "/accounts/signup/",
        {
            "full_name": "Bo",
            "email": "bo@example.org",
            "preferred_language": "fr",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        secure=True,
    ).cookies[settings.LANGUAGE_COOKIE_NAME]
    for cookie in (session, csrf, language, signed_up):
        assert cookie["secure"] is True, cookie.key
        assert cookie["httponly"] is True, cookie.key
        assert cookie["samesite"] == "Lax", cookie.key
