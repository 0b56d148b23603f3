"""Requests the product cannot serve, answered plainly: input no part of it can store (400), and
a database that went away mid-request (503)."""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from sportevents.request_log import loggable_path
from sportevents.views import error_response

NUL_MARKERS = (b"\x00", b"\\u0000")


class RejectNulBytesMiddleware:
    """PostgreSQL cannot store a NUL character; a request carrying one (in its path, query or
    text body) could otherwise fail deep in a query. Binary uploads are not inspected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Raw bytes, JSON escapes, or percent-encoded in a form body.
        text_body = not request.content_type.startswith("multipart/")
        if (
            "\x00" in request.path
            or "%00" in request.META.get("QUERY_STRING", "")
            or any("\x00" in value for value in request.GET.values())
            or (text_body and any(marker in request.body for marker in NUL_MARKERS))
            or (
                request.content_type == "application/x-www-form-urlencoded"
                and b"%00" in request.body
            )
            or (not text_body and any("\x00" in value for value in request.POST.values()))
        ):
            return error_response(
                request,
                400,
                "invalid",
                _("Bad request"),
                _("The request contains a character that cannot be stored (NUL)."),
            )
        return self.get_response(request)


logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """The database dropped the connection (restart, failover, network): a friendly 503 page,
    JSON under /api/, and Retry-After. The request's transaction never committed, so nothing was
    half written; Django opens a new connection for the next request."""

    RETRY_AFTER_SECONDS = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "Database unavailable during %s %s: %s",
            request.method,
            loggable_path(request),
            exception,
        )
        title = _("Please try again in a moment")
        message = _(
            "We could not reach our database, so nothing was saved. Please try again in a moment."
        )
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message, "code": "unavailable"}, status=503)
        else:
            # Rendered without the request's context processors: they would ask the database.
            html = render_to_string(
                "unavailable.html",
                {"title": title, "message": message, "again": request.get_full_path()},
            )
            response = HttpResponse(html, status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response
