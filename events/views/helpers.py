"""What every planning page shares: finding the event for this user, showing a service's error,
and the one shape of a form page and of a button: form → service → message and redirect."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

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


def plan_url(event: Event) -> str:
    """Where a planning write goes back to: the event's planning page."""
    return reverse("events:event_plan", args=[event.slug])


def _given(value, result):
    """A success message or a redirect target: as given, or made from the service's result."""
    return value(result) if callable(value) else value


def form_view(
    request,
    form,
    *,
    template: str,
    context: dict | None = None,
    save: Callable[[], Any],
    success: str | Callable[[Any], str],
    next: str | Callable[[Any], str],
    edited: models.Model | None = None,
    aliases: dict[str, str] | None = None,
) -> HttpResponse:
    """A form page: a valid POST calls `save` (the service); its result may shape `success` and
    `next`. A refusal goes onto the form (`aliases` as in `show_error`) and the page comes back
    with a 400.

    `edited` is the object the form changes: reloaded after a refusal, since the service may
    have set the refused values on it and the page (title, breadcrumb) shows what is stored.
    """
    if request.method == "POST" and form.is_valid():
        try:
            result = save()
        except (DomainError, ValidationError) as error:
            show_error(form, error, aliases=aliases)
            if edited is not None:
                edited.refresh_from_db()
        else:
            messages.success(request, _given(success, result))
            return redirect(_given(next, result))
    return render(request, template, {"form": form, **(context or {})}, status=status_for(form))


def button_view(
    request, *, action: Callable[[], Any], success: str | Callable[[Any], str], next: str
) -> HttpResponse:
    """A button without a form page of its own (remove, delete, done): run `action` (the
    service), say what happened or why not (`show_message`), and go to `next` either way."""
    try:
        result = action()
    except (DomainError, ValidationError) as error:
        show_message(request, error)
    else:
        messages.success(request, _given(success, result))
    return redirect(next)
