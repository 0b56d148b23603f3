"""What the registration API's modules share: the organisers' permission, private answers."""

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions


class IsEventEditor(permissions.BasePermission):
    """Organisers of the lead or of a partner organisation: the people who run the door."""

    message = _("Only the event's organisers may see this.")

    def has_permission(self, request, view) -> bool:
        if getattr(view, "swagger_fake_view", False):
            return True
        return view.event_access.edits_anything


def _private(response: HttpResponse) -> HttpResponse:
    """For answers that carry a secret (the manage token, signed tickets): never cached."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
