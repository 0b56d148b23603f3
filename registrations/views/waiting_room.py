"""The waiting room in the browser: a visitor's place in a cookie, the page that shows the line,
and the small JSON status its script polls (registrations/waiting_room.py has the rules).

The page advances without inline code: static/js/waiting-room.js polls the status and opens the
form when the turn comes; without JavaScript a <meta http-equiv="refresh"> (inside <noscript>,
so it never fights the script) reloads the form's address now and then.
"""

import math

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from events.models import Event
from registrations import waiting_room
from sportevents.throttles import over_limit

COOKIE = "waiting_room"


def holds_place(request, event: Event) -> bool:
    """The browser brings a good place (or pass) for this event that has not run out."""
    try:
        token = request.COOKIES.get(COOKIE)
        return waiting_room.held(event, token, at=waiting_room.now()) is not None
    except waiting_room.InvalidPass:
        return False


def over_place_limit(request, event: Event) -> HttpResponse | None:
    """The 429 page for a browser that would take a new place beyond its address's registration
    rate (API_THROTTLE_REGISTRATION): a script that opens the page without its cookie again and
    again would otherwise fill the line ahead of the people behind it. A form sent counts
    against that rate already; a browser with its place counts nothing."""
    if request.method == "POST" or holds_place(request, event):
        return None
    return over_limit(request, "registration")


def admit_visitor(request, event: Event) -> waiting_room.Admission:
    try:
        return waiting_room.admit(event, request.COOKIES.get(COOKIE))
    except waiting_room.InvalidPass:
        # An altered cookie holds no place (nor a pass): its bearer joins the back of the line.
        return waiting_room.admit(event, None)


def keep_place(response: HttpResponse, admission: waiting_room.Admission) -> HttpResponse:
    """Hand a new place (or pass) to the browser; one it already holds is left as it is."""
    place = admission.place
    if admission.issued and place is not None:
        response.set_cookie(
            COOKIE,
            place.token(),
            max_age=place.lasts(admission.at),
            path=reverse("registrations:register", args=[place.event]),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


def waiting_page(request, event: Event, admission: waiting_room.Admission) -> HttpResponse:
    """The line as its visitor sees it. A form sent before its sender's turn is not taken."""
    place, at = admission.place, admission.at
    wait = place.wait(at)
    sent_form = request.method == "POST"
    response = render(
        request,
        "registrations/waiting_room.html",
        {
            "event": event,
            "message": waiting_message(place.position(at), wait),
            "next_url": request.get_full_path(),
            "status_url": reverse("registrations:waiting_room_status", args=[event.slug]),
            "check_after": check_after(wait),
            "refresh_after": max(5, check_after(wait)),
            "pass_minutes": settings.WAITING_ROOM_PASS_MINUTES,
            "sent_form": sent_form,
        },
        status=429 if sent_form else 200,
    )
    if sent_form:
        response["Retry-After"] = str(max(1, wait))
    add_never_cache_headers(response)
    return keep_place(response, admission)


@never_cache
@require_GET
def status(request, slug: str) -> JsonResponse:
    """Where the visitor stands, from their signed place alone: no database, no Redis, so a
    crowd polling it costs little. Turning the room off shows on the form's page, not here."""
    at = waiting_room.now()
    try:
        place = waiting_room.read(request.COOKIES.get(COOKIE), slug)
    except waiting_room.InvalidPass:
        place = None
    if place is None or place.has_expired(at):
        return JsonResponse(
            {
                "state": "none",
                "position": None,
                "wait_seconds": None,
                "check_after": None,
                "message": _(
                    "Your browser did not keep your place in line. Allow cookies for this site, "
                    "then open the registration page again."
                ),
            }
        )
    if place.is_admitted(at):
        return JsonResponse(
            {
                "state": "admitted",
                "position": 0,
                "wait_seconds": 0,
                "check_after": None,
                "message": _("It is your turn: the registration form opens now."),
            }
        )
    wait = place.wait(at)
    return JsonResponse(
        {
            "state": "waiting",
            "position": place.position(at),
            "wait_seconds": wait,
            "check_after": check_after(wait),
            "message": waiting_message(place.position(at), wait),
        }
    )


def check_after(wait: int) -> int:
    """Seconds until the page asks again: often near the front, rarely at the back."""
    return max(2, min(wait + 1, 3 + wait // 10, 30))


def waiting_message(position: int, wait: int) -> str:
    where = _("You are number %(position)s in line.") % {"position": position}
    if wait < 60:
        return f"{where} {_('Estimated wait: less than a minute.')}"
    minutes = math.ceil(wait / 60)
    how_long = ngettext(
        "Estimated wait: about %(minutes)s minute.",
        "Estimated wait: about %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}
    return f"{where} {how_long}"
