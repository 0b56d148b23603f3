"""What every planning page shares: finding the event for this user, showing a service's error."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from events.models import Event
from events.permissions import EventAccess, access_for
from sportevents.errors import DomainError, Forbidden


def show_error(form, error: ValidationError | DomainError, *, aliases=None) -> None:
    """Put a service's refusal on `form`: field messages on their fields, the rest on top.

    `aliases` maps a service's field name to the form's (e.g. "title_i18n" → "title_en").
    A Forbidden error is not the user's typing: it becomes a 403 page.
    """
    if isinstance(error, Forbidden):
        raise PermissionDenied(error.message) from error
    if isinstance(error, DomainError):
        form.add_error(None, error.message)
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    aliases = aliases or {}
    for name, errors in error.error_dict.items():
        target = aliases.get(name, name)
        form.add_error(target if target in form.fields else None, errors)


def show_message(request, error: ValidationError | DomainError) -> None:
    """The same for actions without a form of their own (a button): a message on the next page."""
    if isinstance(error, Forbidden):
        raise PermissionDenied(error.message) from error
    for text in [error.message] if isinstance(error, DomainError) else error.messages:
        messages.error(request, text)


def get_event_for_user(user, slug: str, queryset=None) -> tuple[Event, EventAccess]:
    """The event if `user` may see it: public, or they belong to a partner organisation.

    A draft is a 404 for everyone else: its existence is not revealed.
    """
    event = get_object_or_404(
        (queryset if queryset is not None else Event.objects).select_related("lead", "action"),
        slug=slug,
    )
    access = access_for(user, event)
    if not (event.is_public or access.is_member):
        raise Http404
    return event, access


def get_event_for_member(user, slug: str, queryset=None) -> tuple[Event, EventAccess]:
    """The event for its planning pages: members only (403 for others who may see it)."""
    event, access = get_event_for_user(user, slug, queryset)
    if not access.is_member:
        raise PermissionDenied
    return event, access


def posted(request):
    """The form data to bind: the POST body, even an empty one (it is then refused, not ignored)."""
    return request.POST if request.method == "POST" else None


def status_for(form) -> int:
    return 400 if form.errors else 200
