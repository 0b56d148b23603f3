"""REST plumbing shared by every app: pagination and the one exception handler."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from sportevents.errors import DomainError


class ListFilterBackend(DjangoFilterBackend):
    """Filters narrow lists only: a detail URL answers the same whatever its query string."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", "list") != "list":
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        if getattr(view, "action", "list") != "list":
            return []
        return super().get_schema_operation_parameters(view)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


def validated(serializer_class, data, **kwargs) -> dict:
    """Validate request data with an input serializer; invalid data raises a 400."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def exception_handler(exc, context):
    """Answer every error as JSON `{"detail": ..., "code": ...}` (plus `errors` per field)."""
    if isinstance(exc, DomainError):
        return Response({"detail": exc.message, "code": exc.code}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        # Model-wide errors use the key DRF uses for the same thing.
        if "__all__" in errors:
            errors = {**errors, "non_field_errors": errors.pop("__all__")}
        exc = exceptions.ValidationError(errors)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": _("The request has invalid values."),
            "code": "invalid",
            "errors": exc.detail
            if isinstance(exc.detail, dict)
            else {"non_field_errors": exc.detail},
        }
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = {
            "detail": str(exc.detail) if hasattr(exc, "detail") else str(exc),
            "code": codes if isinstance(codes, str) else "error",
        }
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS and getattr(exc, "wait", None):
        response.data["retry_after"] = int(exc.wait)
    return response


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": True,
            "description": "Messages per field (400 only).",
        },
        "retry_after": {"type": "integer", "description": "Seconds to wait (429 only)."},
    },
    "required": ["detail", "code"],
}
ERROR_STATUSES = {
    "400": "Invalid input or filter values.",
    "401": "Not authenticated.",
    "403": "Not allowed.",
    "404": "Not found, or not visible to you.",
    "429": "Too many requests.",
}
WRITE_ERROR_STATUSES = {
    "409": "Conflicts with the current state (full, taken, already done).",
    "415": "The body is not in a media type the operation reads (send JSON).",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular hook: every operation documents the JSON errors the handler above sends."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            statuses = dict(ERROR_STATUSES)
            if method in ("post", "put", "patch", "delete"):
                statuses.update(WRITE_ERROR_STATUSES)
            responses = operation.setdefault("responses", {})
            for status_code, description in statuses.items():
                responses.setdefault(
                    status_code, {"description": description, "content": reference}
                )
    return result
