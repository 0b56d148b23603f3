"""The login lock-out's two hooks (django-axes): whose attempts are counted, and what a locked-out
person is told."""

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse

from sportevents.throttles import too_many_requests


def login_email(request: HttpRequest, credentials: dict | None) -> str:
    """The email address tried: the form's `username`, the API's `email`; in any case, as
    "Ana@Example.org" and "ana@example.org" are one account."""
    value = (credentials or {}).get("username")
    if value is None:
        data = getattr(request, "data", None) or request.POST
        value = data.get("username") or data.get("email") or ""
    return str(value).strip().lower()


def cool_off_seconds(request: HttpRequest | None = None) -> float:
    return get_cool_off(request).total_seconds()


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """429 "Too many attempts. Please try again in 15 minutes." (JSON under /api/)."""
    return too_many_requests(request, cool_off_seconds(request))
