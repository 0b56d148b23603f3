"""Addresses and bodies for the access matrix: each route's entry (`Route`), its targets, and
how to fill its address and a request body from the world (tests/security/access_world.py).

A builder takes `(own, other, target)`: `own` is the side whose objects are addressed, `other`
the other side ("mixed": the parent from `other` with the child from `own`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone
from rest_framework.fields import DateTimeField

from catalogue.models import Action
from registrations import tickets
from tests.security.access_rules import Policy
from tests.security.access_world import FORGED_REFERENCE, FORGED_TOKEN, Side

Kwargs = Callable[[Side, Side, str], dict]


@dataclass(frozen=True)
class Route:
    """One route (its URL name, or its path for one a middleware answers): its targets, how to
    fill its address for each, and who may use each method.

    `kwargs(own, other, target)` fills the address with `own` side's objects ("mixed": the parent
    from `other`); `data[method]` gives a body that would succeed for a role that may, so that a
    refusal is the rule's and not the input's."""

    name: str
    methods: dict[str, Policy]
    kwargs: Kwargs | None = None
    targets: tuple[str, ...] = ("-",)
    data: dict[str, Callable[[Side, Side, str], dict]] = field(default_factory=dict)
    body_named: bool = False  # the object is named in the body, not in the address

    @property
    def api(self) -> bool:
        return self.name.startswith("api:")


# Targets ----------------------------------------------------------------------------------

EVENTS = ("published", "draft")  # A's published event and A's draft
ITEMS = (*EVENTS, "mixed")  # ... and B's published event with A's object in the address
BEARER = ("link", "forged")  # the genuine secret of A's object, and one that matches nothing
SNAPSHOTS = ("event-snapshot", "sponsor-snapshot")


def event_slug(own: Side, other: Side, target: str) -> str:
    return (other.published if target == "mixed" else own.scene(target)).slug


def on_event(**items: str) -> Kwargs:
    """`slug` of the target's event, plus the named objects of A's scene for that target."""

    def kwargs(own, other, target):
        scene = own.published if target == "mixed" else own.scene(target)
        values = {name: getattr(scene, attribute) for name, attribute in items.items()}
        return {"slug": event_slug(own, other, target), **{k: v.pk for k, v in values.items()}}

    return kwargs


def reference(own, other, target):
    """A's registration by its reference (the API's address has no event)."""
    if target == "forged":
        return {"reference": FORGED_REFERENCE}
    return {"reference": own.published.registration.reference}


def registration_reference(own, other, target):
    return {"slug": event_slug(own, other, target), **reference(own, other, target)}


def own_membership(own, other, target):
    return {"pk": own.membership_pk}


def manage_link(own, other, target):
    return {"token": FORGED_TOKEN if target == "forged" else own.published.manage_token}


def ticket_link(name: str) -> Kwargs:
    """A's registration link with its participant's ticket; "mixed": with B's participant's."""

    def kwargs(own, other, target):
        ticket = (other if target == "mixed" else own).published.participant.ticket_id
        return {**manage_link(own, other, target), name: ticket}

    return kwargs


def secret(attribute: str) -> Kwargs:
    return lambda own, other, target: {
        "token": FORGED_TOKEN if target == "forged" else getattr(own, attribute)
    }


def organisation(own, other, target):
    return {"slug": own.organisation.slug}


def membership(own, other, target):
    parent = other if target == "mixed" else own
    return {"slug": parent.organisation.slug, "pk": own.membership_pk}


def snapshot_pk(own, other, target):
    return {"pk": own.snapshot(target).pk}


def venue_pk(own, other, target):
    return {"pk": (own.private_venue if target == "private" else own.venue).pk}


def action_slug(own, other, target):
    return {"slug": Action.SPORT_EVENTS_SLUG}


def password_link(own, other, target):
    return {"uidb64": "MQ", "token": "a-b"}


# Bodies for API writes --------------------------------------------------------------------


def _scene(own, target):
    return own.published if target == "mixed" else own.scene(target)


def _day(own, target, hour):
    scene = _scene(own, target)
    return f"{scene.event.starts_on}T{hour:02d}:00:00+00:00"


def session_body(own, other, target):
    return {
        "venue": own.venue.pk,
        "title": "Warm-up",
        "kind": "training",
        "starts_at": _day(own, target, 14),
        "ends_at": _day(own, target, 15),
    }


def milestone_body(own, other, target):
    scene = _scene(own, target)
    return {
        "phase": "preparation",
        "title": "Print bibs",
        "due_on": str(scene.event.starts_on - timedelta(days=3)),
        "owner": own.organisation.slug,
    }


def registration_body(own, other, target):
    return {
        "ticket_type": _scene(own, target).ticket_type.pk,
        "name": "New Runner",
        "email": "new-runner@example.org",
        "accept_terms": True,
        "participants": [
            {"name": "New Runner", "country": "PT", "year_of_birth": 1991, "role": "athlete"}
        ],
    }


def scan_body(own, other, target):
    return {
        "event": _scene(own, target).slug,
        "token": tickets.sign(own.published.participant),
        "gate": "B",
    }


def sync_body(own, other, target):
    moment = DateTimeField().to_representation(timezone.now() - timedelta(minutes=5))
    return {
        "event": _scene(own, target).slug,
        "scans": [
            {"token": tickets.sign(own.published.participant), "scanned_at": moment, "gate": "C"}
        ],
    }


def event_body(own, other, target):
    return {
        "lead": own.organisation.slug,
        "title_i18n": {"en": "Autumn Relay"},
        "objective": "volunteering",
        "starts_on": str(own.published.event.starts_on),
        "ends_on": str(own.published.event.ends_on),
    }


def venue_body(own, other, target):
    return {
        "organisation": own.organisation.slug,
        "name": "Riverside court",
        "address": "River road 3",
        "city": own.venue.city,
        "country": str(own.venue.country),
    }


def fixed(body: dict) -> Callable[[Side, Side, str], dict]:
    return lambda own, other, target: body


def other_partner(own, other, target):
    return {"organisation": other.partner_org.slug}


def other_sponsor(own, other, target):
    return {"sponsor": other.sponsor_org.slug, "tier": "supporter"}


def person(own, other, target):
    """A data request about the buyer of A's published registration."""
    return {"email": own.published.registration.email}


def person_confirmed(own, other, target):
    return {**person(own, other, target), "confirm": own.published.registration.email}
