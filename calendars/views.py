"""The feeds over HTTP, and the pages where people get, renew and turn off their own feed.

Feeds answer `text/calendar` with an ETag (the body's hash) and Last-Modified (the newest change
in them), so a calendar program that asks again gets a 304 until something changed. A token that
matches no feed is a plain 404, the same for a mistyped, a renewed and a revoked one.
"""

import hashlib
from dataclasses import dataclass

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
from sportevents import pagecache

CONTENT_TYPE = "text/calendar; charset=utf-8"
PUBLIC_MAX_AGE = 3600
PERSONAL_MAX_AGE = 900


def _blocks(parts: list[bytes], size: int = 1 << 16) -> list[bytes]:
    blocks, block, length = [], [], 0
    for part in parts:
        block.append(part)
        length += len(part)
        if length >= size:
            blocks.append(b"".join(block))
            block, length = [], 0
    if block:
        blocks.append(b"".join(block))
    return blocks


@dataclass(frozen=True)
class Feed:
    """A written feed: its body in blocks of 64 KiB (a feed of thousands of events is never
    joined into one copy), its ETag (the body's hash) and its newest change."""

    blocks: list[bytes]
    etag: str
    last_modified: int | None  # HTTP dates have whole seconds: compared in whole seconds

    @classmethod
    def of(cls, writer: CalendarWriter) -> "Feed":
        blocks = _blocks(writer.parts())
        digest = hashlib.sha256()
        for block in blocks:
            digest.update(block)
        modified = writer.last_modified
        return cls(
            blocks,
            '"' + digest.hexdigest()[:32] + '"',
            int(modified.timestamp()) if modified else None,
        )


def calendar_response(request, feed: Feed, *, filename: str, private: bool = False) -> HttpResponse:
    response = StreamingHttpResponse(iter(feed.blocks), content_type=CONTENT_TYPE)
    response["Content-Length"] = str(sum(map(len, feed.blocks)))
    response["ETag"] = feed.etag
    if feed.last_modified is not None:
        response["Last-Modified"] = http_date(feed.last_modified)
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
        etag=feed.etag,
        last_modified=feed.last_modified,
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
        Feed.of(feeds.event_calendar(event)),
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
    return calendar_response(request, _public_feed(request, filterset.qs), filename="events.ics")


def _public_feed(request, events) -> Feed:
    """The whole public feed, which calendar programs poll, is written once per day, language
    and change to public data (sportevents/pagecache.py) and kept in the cache; a filtered one
    is written for each request (its variants are many, and each is small)."""
    if request.GET:
        return Feed.of(feeds.public_calendar(events))
    key = pagecache.cache_key("calendar", request, daily=True)
    version, feed = pagecache.lookup(key)
    if feed is None:
        feed = Feed.of(feeds.public_calendar(events))
        pagecache.keep(key, version, feed)
    return feed


@require_safe
def participant_feed(request, token: str):
    feed = services.find_participant_feed(token)
    if feed is None:
        return _not_found()
    with translation.override(_participant_language(feed.email) or translation.get_language()):
        writer = feeds.participant_calendar(feed.email)
    return calendar_response(request, Feed.of(writer), filename="my-events.ics", private=True)


@require_safe
def member_feed(request, token: str):
    feed = services.find_member_feed(token)
    if feed is None:
        return _not_found()
    with translation.override(feed.user.preferred_language):
        writer = feeds.member_calendar(feed.user)
    return calendar_response(
        request, Feed.of(writer), filename="my-organisations.ics", private=True
    )


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
