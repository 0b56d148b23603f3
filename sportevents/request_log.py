"""The access log and the request id: one record per request, written by the app rather than by
gunicorn because only the app knows who was logged in and which request id it gave the request.

The request id comes from the load balancer's X-Request-ID header when it sends a sane one, so
its log and ours line up; otherwise it is made here. It is sent back in the response's
X-Request-ID, marks every record logged while the request runs, and travels with the tasks the
request queues (sportevents.celery), so a worker's records name the request that caused them.

What is never logged: the query string (searches hold what people typed), the secret part of a
path (the links in participants' emails carry their secret; the path shows `<token>` instead),
the client's address, and anyone's name or email address: a logged-in person is their user id.
"""

import logging
import re
import time
import uuid

from django.utils.functional import LazyObject, empty

from sportevents.logs import bind_request_id, unbind_request_id

logger = logging.getLogger("sportevents.access")

HEADER = "X-Request-ID"
# The header as WSGI passes it: read without building request.headers (a dictionary of every
# header) on each request.
_META_KEY = "HTTP_X_REQUEST_ID"
# Load balancers send UUIDs, hex strings or their own formats: letters, digits and a few
# separators, nothing that could break a log line or a header.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
# URL parameters that are secrets (see every `<token>` in the urls.py files).
SECRET_URL_PARAMETERS = ("token",)
# Load balancers probe these every few seconds: their records only show at LOG_LEVEL=DEBUG.
QUIET_PATHS = ("/healthz", "/readyz")


def request_id_from(request) -> str:
    offered = request.META.get(_META_KEY, "")
    if VALID_REQUEST_ID.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


def loggable_path(request) -> str:
    """The request's path with the value of each secret URL parameter replaced by its name."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name in SECRET_URL_PARAMETERS:
            value = match.kwargs.get(name)
            if value:
                path = path.replace(str(value), f"<{name}>")
    return path


def _user_id(request) -> int | None:
    """The logged-in person's id, if the request already looked them up. Looking them up here
    would cost a session read on requests that never needed one (health checks, static files)."""
    user = request.__dict__.get("user")
    if user is None or (isinstance(user, LazyObject) and user._wrapped is empty):
        return None
    return user.pk if user.is_authenticated else None


class RequestLogMiddleware:
    """First in MIDDLEWARE: the request id is set before anything can log, and the duration
    covers every other middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.request_id = request_id_from(request)
        token = bind_request_id(request.request_id)
        try:
            response = self.get_response(request)
            response[HEADER] = request.request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            path = loggable_path(request)
            logger.log(
                logging.DEBUG if request.path in QUIET_PATHS else logging.INFO,
                "%s %s %s %.1f ms",
                request.method,
                path,
                response.status_code,
                duration_ms,
                extra={
                    "request_id": request.request_id,
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "user_id": _user_id(request),
                },
            )
            return response
        finally:
            unbind_request_id(token)


class RedactSecretPaths(logging.Filter):
    """On the log handler: Django's own request records ("Not Found: /registrations/…/") name
    the path too; they get the same redacted path as the access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if record.name.startswith("django.") and isinstance(record.args, tuple) and request:
            path = getattr(request, "path", None)
            if path:
                record.args = tuple(
                    loggable_path(request) if arg == path else arg for arg in record.args
                )
        return True
