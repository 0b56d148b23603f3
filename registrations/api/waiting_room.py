"""The waiting room for API clients (registrations/waiting_room.py has the rules): the place
travels in the Waiting-Room-Pass header. A client beyond the rate gets 429 with Retry-After, its
position and its pass; sending the pass back after that many seconds lets it in.

429 rather than 503: waiting is the expected answer in a rush, not a failure of the site, and
clients (and monitoring) already treat 429 with Retry-After as "come back then".
"""

from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers, status
from rest_framework.response import Response

from events.models import Event, EventStatus
from registrations import waiting_room

HEADER = "Waiting-Room-Pass"


def stands(event: Event) -> bool:
    """The room stands while the event's registration is open, as on the web page: nobody can
    collect a pass before the rush begins. With the room off, nothing more is read."""
    if not event.waiting_room or event.status != EventStatus.PUBLISHED:
        return False
    now = timezone.now()
    return any(ticket_type.on_sale(now) for ticket_type in event.ticket_types.all())


def admit_client(request, event: Event) -> waiting_room.Admission:
    """The client's place from its header, or a new one. An altered pass is a 400."""
    return waiting_room.admit(event, request.headers.get(HEADER))


def queued(admission: waiting_room.Admission) -> Response:
    place, at = admission.place, admission.at
    wait = max(1, place.wait(at))
    position = place.position(at)
    token = place.token()
    response = Response(
        {
            "detail": _(
                "Many people are registering: you are number %(position)s in line. Send the "
                "request again in %(seconds)s seconds with the %(header)s header."
            )
            % {"position": position, "seconds": wait, "header": HEADER},
            "code": "waiting_room",
            "position": position,
            "retry_after": wait,
            "waiting_room_pass": token,
        },
        status=status.HTTP_429_TOO_MANY_REQUESTS,
        headers={"Retry-After": str(wait), HEADER: token},
    )
    add_never_cache_headers(response)
    return response


def with_pass(response, admission: waiting_room.Admission | None):
    """A place given just now goes back with the answer: good for more requests until it ends."""
    if admission is not None and admission.issued and admission.place is not None:
        response[HEADER] = admission.place.token()
    return response


class QueuedSerializer(serializers.Serializer):
    """The waiting room's 429; a rate limit's 429 (`throttled`) has `detail`, `code` and
    `retry_after` only."""

    detail = serializers.CharField()
    code = serializers.CharField(help_text="`waiting_room`, or `throttled` for a rate limit.")
    position = serializers.IntegerField(required=False, help_text="1 for the next in line.")
    retry_after = serializers.IntegerField(
        required=False, help_text="Seconds until your turn (as in Retry-After)."
    )
    waiting_room_pass = serializers.CharField(
        required=False,
        help_text=f"Your place; send it back in the {HEADER} header (it is in that header too).",
    )


SCHEMA_PARAMETERS = [
    OpenApiParameter(
        HEADER,
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        required=False,
        description="Only when the event's waiting room is on: the pass or place from an earlier "
        "answer's header of the same name. Without it a request takes a new place at the back "
        "of the line; an altered one is a 400 (`invalid_waiting_room_pass`).",
    ),
    OpenApiParameter(
        HEADER,
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[201, 429],
        description="A place given with this answer: send it back until it expires (the event's "
        "pass lasts WAITING_ROOM_PASS_MINUTES from your turn).",
    ),
    OpenApiParameter(
        "Retry-After",
        OpenApiTypes.INT,
        OpenApiParameter.HEADER,
        response=[429],
        description="Seconds until your turn in the waiting room.",
    ),
]

QUEUED_RESPONSE = OpenApiResponse(
    QueuedSerializer,
    description="The event's waiting room is on and it is not your turn yet: try again after "
    "`retry_after` seconds with the `Waiting-Room-Pass` header. (Also: too many requests from "
    "you, with `code` `throttled`.)",
)
