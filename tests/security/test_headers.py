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


def csp_middleware(view):
    from sportevents.csp import CSPMiddleware

    return CSPMiddleware(view)


def test_the_policy_built_once_is_django_csps_and_follows_the_setting(rf, settings):
    """sportevents.csp keeps the built header: it is the one django-csp builds, the API's
    answers carry it too, and a changed setting shows at the next response."""
    from csp.utils import build_policy
    from django.http import JsonResponse

    middleware = csp_middleware(lambda request: JsonResponse({"result": "valid"}))
    first = middleware(rf.post("/api/v1/checkins/"))["Content-Security-Policy"]
    assert first == build_policy() and "default-src 'self'" in first
    assert middleware(rf.get("/"))["Content-Security-Policy"] == first

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    assert middleware(rf.get("/"))["Content-Security-Policy"] == "default-src 'none'"
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "EXCLUDE_URL_PREFIXES": ["/api/"],
    }
    assert "Content-Security-Policy" not in middleware(rf.get("/api/v1/events/"))


def test_every_response_gets_the_header_django_csp_would_give_it(rf, settings):
    """Its own policy (django-csp's decorators), a nonce, an exemption, an error page: the
    same headers as from django-csp's middleware, enforced and report-only."""
    from csp.constants import NONCE
    from csp.decorators import csp_exempt, csp_update
    from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
    from django.http import HttpResponse, HttpResponseNotFound

    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {
        "DIRECTIVES": {**policy["DIRECTIVES"], "script-src": ["'self'", NONCE]}
    }

    @csp_update({"img-src": ["https://tiles.example.org"]})
    def map_page(request):
        return HttpResponse("map")

    def with_nonce(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    @csp_exempt()
    def exempt(request):
        return HttpResponse("exempt")

    def missing(request):
        return HttpResponseNotFound("missing")

    def plain(request):  # the header kept by sportevents.csp
        return HttpResponse("plain")

    headers = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")
    for view in (plain, map_page, with_nonce, exempt, missing):
        ours, theirs = rf.get("/page/"), rf.get("/page/")
        answers = [csp_middleware(view)(ours), DjangoCSPMiddleware(view)(theirs)]
        nonces = [getattr(request, "_csp_nonce", None) for request in (ours, theirs)]
        got, expected = (
            {name: answer.get(name, "").replace(nonce or "-", "N") for name in headers}
            for answer, nonce in zip(answers, nonces, strict=True)
        )
        assert got == expected, view.__name__
    assert "https://tiles.example.org" in csp_middleware(map_page)(rf.get("/"))[headers[0]]
    assert "'nonce-" in csp_middleware(with_nonce)(rf.get("/"))[headers[1]]


def test_a_nonce_asked_for_after_the_header_is_written_raises(rf):
    from csp.exceptions import CSPNonceError
    from django.http import HttpResponse

    request = rf.get("/")
    csp_middleware(lambda request: HttpResponse("page"))(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
