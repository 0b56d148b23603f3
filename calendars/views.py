"""The feeds over HTTP, and the pages where people get, renew and turn off their own feed.

Feeds answer `text/calendar` with an ETag (the body's hash) and Last-Modified (the newest change
in them), so a calendar program that asks again gets a 304 until something changed. A token that
matches no feed is a plain 404, the same for a mistyped, a renewed and a revoked one.
"""

import hashlib
from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotFound,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from calendars import feeds, services
from calendars.filters import FEED_PARAMETERS, FeedFilter
from calendars.links import subscribe_links
from calendars.models import MemberFeed
from events.ical import CalendarWriter
from events.views.helpers import get_event_for_user
from registrations import services as registration_services

CONTENT_TYPE = "text/calendar; charset=utf-8"
PUBLIC_MAX_AGE = 3600
PERSONAL_MAX_AGE = 900


def _blocks(parts: list[bytes], size: int = 1 << 16) -> Iterator[bytes]:
    block: list[bytes] = []
    length = 0
    for part in parts:
        block.append(part)
        length += len(part)
        if length >= size:
            yield b"".join(block)
            block, length = [], 0
    if block:
        yield b"".join(block)


def calendar_response(
    request, writer: CalendarWriter, *, filename: str, private: bool = False
) -> HttpResponse:
    parts = writer.parts()
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    # HTTP dates have whole seconds: compare in whole seconds.
    modified = int(writer.last_modified.timestamp()) if writer.last_modified else None
    # Streamed from the parts: a feed of thousands of events is never joined into one copy.
    response = StreamingHttpResponse(_blocks(parts), content_type=CONTENT_TYPE)
    response["Content-Length"] = str(sum(map(len, parts)))
    response["ETag"] = '"' + digest.hexdigest()[:32] + '"'
    if modified is not None:
        response["Last-Modified"] = http_date(modified)
    if private:
        response["Cache-Control"] = f"private, max-age={PERSONAL_MAX_AGE}"
        # The address is the key to someone's events: keep it out of search engines.
        response["X-Robots-Tag"] = "noindex, nofollow"
    else:
        response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    patch_vary_headers(response, ["Accept-Language"])
    conditional = get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=modified,
        response=response,
    )
    return conditional or response


@require_safe
def event_feed(request, slug: str):
    """One event and its programme; a draft only for the members of its organisations."""
    event, _access = get_event_for_user(
        request.user, slug, queryset=feeds.with_programme(feeds.Event.objects)
    )
    return calendar_response(
        request,
        feeds.event_calendar(event),
        filename=f"{event.slug}.ics",
        private=not event.is_public,
    )


@require_safe
def public_feed(request):
    unknown = sorted(set(request.GET) - set(FEED_PARAMETERS))
    if unknown:
        return _bad_request(
            _("Unknown filter: %(names)s. This feed can be filtered by %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join(FEED_PARAMETERS)}
        )
    filterset = FeedFilter(request.GET, queryset=feeds.public_events())
    if not filterset.is_valid():
        problems = [
            f"{name}: {' '.join(errors)}" for name, errors in sorted(filterset.errors.items())
        ]
        return _bad_request("\n".join(problems))
    return calendar_response(request, feeds.public_calendar(filterset.qs), filename="events.ics")


@require_safe
def participant_feed(request, token: str):
    feed = services.find_participant_feed(token)
    if feed is None:
        return _not_found()
    with translation.override(_participant_language(feed.email) or translation.get_language()):
        writer = feeds.participant_calendar(feed.email)
    return calendar_response(request, writer, filename="my-events.ics", private=True)


@require_safe
def member_feed(request, token: str):
    feed = services.find_member_feed(token)
    if feed is None:
        return _not_found()
    with translation.override(feed.user.preferred_language):
        writer = feeds.member_calendar(feed.user)
    return calendar_response(request, writer, filename="my-organisations.ics", private=True)


def _participant_language(email: str) -> str | None:
    return (
        feeds.Registration.objects.filter(email__iexact=email)
        .order_by("-created_at")
        .values_list("language", flat=True)
        .first()
    )


def _not_found() -> HttpResponse:
    # The same few bytes for a mistyped, a renewed and a revoked address.
    return HttpResponseNotFound(_("Not found."), content_type="text/plain; charset=utf-8")


def _bad_request(message: str) -> HttpResponse:
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


# Pages -----------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def participant_page(request, token: str):
    """From the registration's own page: the personal feed's address, sent by email."""
    registration = registration_services.find_registration(token)
    if registration is None:
        raise Http404
    here = reverse("calendars:participant_page", args=[token])
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_participant_feed(registration)
            messages.success(request, _("Your calendar address is turned off."))
        else:
            services.send_participant_feed(registration)
            messages.success(
                request,
                _("We sent the address of your calendar to %(email)s.")
                % {"email": registration.email},
            )
        return redirect(here)
    response = render(
        request,
        "calendars/participant_feed.html",
        {
            "registration": registration,
            "event": registration.event,
            "token": token,
            "feed": services.participant_feed_of(registration.email),
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def member_page(request):
    """The organiser's own feed: their organisations' events and milestones."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.revoke_member_feed(request.user)
            messages.success(request, _("Your calendar address is turned off."))
        elif MemberFeed.objects.filter(user=request.user).exists():
            services.renew_member_feed(request.user)
            messages.success(
                request, _("Your calendar has a new address; the old one no longer works.")
            )
        else:
            services.renew_member_feed(request.user)
            messages.success(request, _("Your calendar address is ready."))
        return redirect("calendars:member_page")
    feed = MemberFeed.objects.filter(user=request.user).first()
    links = None
    if feed is not None:
        links = subscribe_links(
            reverse("calendars:member", args=[feed.token]), name=feeds.member_calendar_name()
        )
    return render(request, "calendars/member_feed.html", {"feed": feed, "links": links})
