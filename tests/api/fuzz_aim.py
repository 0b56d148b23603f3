"""Aim the fuzzer's addresses at rows that exist.

Generated path parameters ("slug": "0", "id": 17) almost never name a row, so most requests
would stop at 404 before any permission check or serializer ran. `aim` replaces them with the
address of a real row of the access matrix's world (tests/security/access_world.py) for three
generated cases in four: organisation A's published event, A's draft, or B's published event,
chosen from the generated value, so a failing example replays the same way. The fourth keeps
what was generated.

`real_parameters` knows every path parameter of the API: a new one fails
`test_every_address_can_be_aimed` until it is named here.
"""

import zlib

from catalogue.models import Action
from tests.security.access_world import Side, World

TARGETS = (None, "published", "draft", "other")

# What an `{id}` after these segments of /events/{slug}/… names, in the event's scene.
EVENT_ITEMS = {
    "milestones": "milestone",
    "sessions": "session",
    "partners": "partner",
    "sponsors": "sponsorship",
    "ticket-types": "ticket_type",
}


def target_of(parameters: dict) -> str | None:
    return TARGETS[zlib.crc32(repr(sorted(parameters.items())).encode()) % len(TARGETS)]


def aim(world: World, path: str, parameters):
    if not isinstance(parameters, dict):  # an invalid case: no parameters at all
        return parameters
    target = target_of(parameters)
    if target is None:
        return parameters
    return {**parameters, **real_parameters(world, path, target)}


def real_parameters(world: World, path: str, target: str) -> dict:
    """The parameters of `path` (an OpenAPI path template) that name the target's rows."""
    side = world.b if target == "other" else world.a
    segments = path.strip("/").split("/")
    values = {}
    for before, segment in zip(segments, segments[1:], strict=False):
        if segment.startswith("{"):
            name = segment[1:-1]
            values[name] = _value(side, target, before, name)
    return values


def _value(side: Side, target: str, before: str, name: str):
    scene = side.draft if target == "draft" else side.published
    published = side.published  # only the published event has registrations
    match before, name:
        case "actions", "slug":
            return Action.SPORT_EVENTS_SLUG
        case "events", "slug":
            return scene.slug
        case "organisations", "slug":
            return side.organisation.slug
        case "memberships", "id":
            return side.membership_pk
        case "snapshots", "id":
            return side.event_snapshot.pk
        case "venues", "id":
            return side.venue.pk
        case "registrations", "reference":
            return published.registration.reference
        case "manage", "token":
            return published.manage_token
        case "tickets", "ticket_id":
            return str(published.participant.ticket_id)
        case "surveys", "token":
            return side.survey_token
        case item, "id" if item in EVENT_ITEMS:
            return getattr(scene, EVENT_ITEMS[item]).pk
    raise LookupError(f"No row for {{{name}}} after /{before}/: name one in tests/api/fuzz_aim.py")
