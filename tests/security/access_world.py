"""The world of the access matrix: two organisations, A and B, each with a partner and a sponsor,
a draft, a published and a completed event and everything that hangs off them; one user per role.

Each side's private text carries its markers. What the members of the event's organisations
(partners included) may read carries the event marker ("alphasecret", "bravosecret"): the draft's
title, milestones, the inactive ticket type, buyers and participants, a gate, a venue used in no
public programme. What only the organisation's own members may read carries the office marker
("alphaoffice", "bravooffice"): a venue's notes, an administrator. Public text (published titles,
organisation names, addresses, which pages echo) carries none, so a marker in a page proves that
a row of that side leaked. Published impact snapshots are recognised by their address and their
publication time.

Built once through the services, as organisers and participants would leave it.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.fields import DateTimeField

from accounts.models import User
from calendars import services as calendars
from catalogue.loading import load_actions
from catalogue.models import Action, ActionField
from events import services as planning
from events.models import (
    Event,
    EventPartner,
    EventStatus,
    Milestone,
    Organisation,
    Role,
    Session,
    Sponsorship,
)
from payments.models import Payment, PaymentStatus
from registrations import checkins, tickets
from registrations import services as registrations
from registrations.models import Participant, Registration, TicketType
from surveys import services as surveys
from surveys.models import Snapshot, SnapshotScope
from surveys.snapshots import publish
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.surveys import scene
from venues.models import Venue

# Well formed, but no row has them: what someone guessing an address would send.
FORGED_TOKEN = "f" * 40
FORGED_REFERENCE = "ZZZZZZZZ"

ROLES = (
    "anonymous",
    "participant",  # registered for B's published event, member of nothing
    "other_organiser",  # organiser of B, acting on A's objects
    "partner",  # organiser of a partner organisation of A's events
    "lead",  # organiser of A, the lead organisation
    "admin",  # administrator of A (organisation settings and members)
    "viewer",  # viewer of A
    "sponsor",  # organiser of a company that sponsors A's events
    "staff",  # is_staff, member of nothing: the admin site is theirs, not the organisations' data
)


@dataclass
class EventScene:
    """One event of a side with one of each thing the addresses point at."""

    event: Event
    session: Session  # at the lead's venue: the lead's part of the programme
    milestone: Milestone  # owned by the lead
    partner: EventPartner  # the partner organisation's row
    sponsorship: Sponsorship
    ticket_type: TicketType
    registration: Registration | None = None  # confirmed, free (published event only)
    manage_token: str = ""
    participant: Participant | None = None
    payment: Payment | None = None  # paid (published event only)

    @property
    def slug(self) -> str:
        return self.event.slug


@dataclass
class Side:
    marker: str  # the events' private rows
    office: str  # the organisation's own private rows
    organisation: Organisation
    partner_org: Organisation
    sponsor_org: Organisation
    users: dict[str, User]  # lead, admin, viewer, partner, sponsor
    venue: Venue  # in the published programme
    private_venue: Venue  # used by no public event
    draft: EventScene
    published: EventScene
    done: Event
    event_snapshot: Snapshot  # of the completed event
    sponsor_snapshot: Snapshot  # the sponsor organisation's, across its events
    membership_pk: int  # the viewer's membership
    invitation_token: str
    member_feed_token: str  # the lead's
    participant_feed_token: str  # the published registration's email
    survey_token: str  # the published registration's participant, baseline wave

    def scene(self, target: str) -> EventScene:
        return self.draft if target == "draft" else self.published

    def snapshot(self, target: str) -> Snapshot:
        return self.sponsor_snapshot if target == "sponsor-snapshot" else self.event_snapshot

    def snapshot_markers(self, snapshot: Snapshot) -> list[str]:
        return [
            f"/impact/snapshots/{snapshot.pk}/",
            DateTimeField().to_representation(snapshot.published_at),  # as the API writes it
        ]


@dataclass
class World:
    a: Side
    b: Side
    users: dict[str, User | None]  # by role
    tokens: dict[str, str] = field(default_factory=dict)  # API token by role
    sessions: dict[str, str] = field(default_factory=dict)  # session cookie by role

    def forbidden_markers(self, role: str) -> list[str]:
        """What `role` must never read anywhere: the private rows of sides it has no part in
        ("link": whoever holds one of A's secret links)."""
        a, b = self.a, self.b
        groups = {
            "a": [a.marker],
            "a_office": [a.office],
            "a_event_impact": a.snapshot_markers(a.event_snapshot),
            "a_sponsor_impact": a.snapshot_markers(a.sponsor_snapshot),
            "b": [b.marker],
            "b_office": [b.office],
            "b_event_impact": b.snapshot_markers(b.event_snapshot),
            "b_sponsor_impact": b.snapshot_markers(b.sponsor_snapshot),
        }
        sees = {
            "other_organiser": {"b", "b_office", "b_event_impact"},
            "partner": {"a", "a_event_impact"},
            "lead": {"a", "a_office", "a_event_impact"},
            "admin": {"a", "a_office", "a_event_impact"},
            "viewer": {"a", "a_office", "a_event_impact"},
            "sponsor": {"a_event_impact", "a_sponsor_impact"},
            # Whoever holds a secret link of A's (a registration, a feed, a survey): the rows
            # it stands for, nothing of the organisation's office.
            "link": {"a"},
        }.get(role, set())
        return [
            marker for group, markers in groups.items() if group not in sees for marker in markers
        ]


def _member(organisation, role=Role.ORGANISER, **fields) -> User:
    return MembershipFactory(organisation=organisation, role=role, user=UserFactory(**fields)).user


def _event_scene(
    user,
    organisation,
    partner_org,
    sponsor_org,
    venue,
    *,
    marker,
    title,
    slug,
    start,
    session="Fun run",
):
    event = planning.create_event(
        by=user,
        lead=organisation,
        title_i18n={"en": title},
        objective="social-inclusion",
        starts_on=start,
        ends_on=start + timedelta(days=2),
        sports=["running"],
    )
    # Addresses echo in pages (the language switch returns to them): keep the marker out.
    event.slug = slug
    event.save(update_fields=["slug"])
    partner = planning.add_partner(event, by=user, organisation=partner_org)
    sponsorship = planning.add_sponsor(event, by=user, sponsor=sponsor_org, tier="main")
    zone = ZoneInfo(venue.timezone)
    session = planning.add_session(
        event,
        by=user,
        venue=venue,
        title=session,
        kind="competition",
        starts_at=datetime.combine(start, datetime.min.time(), zone) + timedelta(hours=9),
        ends_at=datetime.combine(start, datetime.min.time(), zone) + timedelta(hours=12),
    )
    lead_row = event.partners.get(role="lead")
    milestone = planning.add_milestone(
        event,
        by=user,
        owner=lead_row,
        phase="preparation",
        title=f"Book the buses {marker}",
        due_on=start - timedelta(days=30),
    )
    planning.add_milestone(
        event,
        by=user,
        owner=partner,
        phase="preparation",
        title=f"Find volunteers {marker}",
        due_on=start - timedelta(days=20),
    )
    return event, partner, sponsorship, session, milestone


def _side(name: str, country: str, participant_user: User | None) -> Side:
    marker, office = f"{name.lower()}secret", f"{name.lower()}office"
    organisation = OrganisationFactory(
        name=f"{name} Sport Club", slug=f"{name.lower()}-club", country=country
    )
    partner_org = OrganisationFactory(
        name=f"{name} Partners", slug=f"{name.lower()}-partners", country="ES"
    )
    sponsor_org = OrganisationFactory(
        name=f"{name} Foods", slug=f"{name.lower()}-foods", kind="company", country=country
    )
    users = {
        "lead": _member(organisation),
        "admin": _member(
            organisation,
            Role.ADMIN,
            full_name=f"Admin {office}",
            email=f"{office}-admin@example.org",
        ),
        "viewer": _member(organisation, Role.VIEWER),
        "partner": _member(partner_org),
        "sponsor": _member(sponsor_org),
    }
    lead = users["lead"]
    venue = planning.create_venue(
        by=lead,
        organisation=organisation,
        name=f"{name} Stadium",
        address="Main street 1",
        city="Lisboa" if country == "PT" else "Helsinki",
        country=country,
        timezone="Europe/Lisbon" if country == "PT" else "Europe/Helsinki",
        notes=f"Key at the desk {office}",
    )
    private_venue = planning.create_venue(
        by=lead,
        organisation=organisation,
        name=f"Depot {marker}",
        address="Back street 2",
        city=venue.city,
        country=country,
        timezone=venue.timezone,
    )
    next_year = date(timezone.localdate().year + 1, 9, 1)
    orgs = (organisation, partner_org, sponsor_org, venue)

    draft_event, draft_partner, draft_sponsorship, draft_session, draft_milestone = _event_scene(
        lead,
        *orgs,
        marker=marker,
        title=f"Draft {marker}",
        slug=f"{name.lower()}-draft",
        start=next_year,
        session=f"Session {marker}",
    )
    draft_ticket = registrations.create_ticket_type(
        draft_event, by=lead, name=f"Early bird {marker}", capacity=10
    )
    draft = EventScene(
        draft_event, draft_session, draft_milestone, draft_partner, draft_sponsorship, draft_ticket
    )

    event, partner, sponsorship, session, milestone = _event_scene(
        lead,
        *orgs,
        marker=marker,
        title=f"{name} Open",
        slug=f"{name.lower()}-open",
        start=next_year + timedelta(days=14),
    )
    event = planning.change_status(event, by=lead, status=EventStatus.PUBLISHED)
    free = registrations.create_ticket_type(event, by=lead, name="Fun run 5 km", capacity=50)
    paid = registrations.create_ticket_type(
        event, by=lead, name="Half marathon", price=Decimal("20.00"), currency="eur", capacity=20
    )
    registrations.create_ticket_type(
        event, by=lead, name=f"Crew {marker}", capacity=5, is_active=False
    )
    outcome = _register(event, free, marker, "buyer", survey_consent=True)
    participant = outcome.registration.participants.get()
    checkins.check_in(event, token=tickets.sign(participant), gate=f"Gate {marker}", by=lead)
    payment = _paid(_register(event, paid, marker, "payer").registration, marker)
    if participant_user is not None:
        registrations.register(
            event,
            ticket_type=free,
            # The address has no marker: a lookup by it must find the marked rows nowhere else.
            name=f"Pat {marker}",
            email=participant_user.email,
            language="en",
            participants=[
                {"name": f"Pat {marker}", "country": "FI", "year_of_birth": 1990, "role": "athlete"}
            ],
            accept_terms=True,
        )
    invitation = surveys.offer_baseline(outcome.registration.pk)[0]
    published = EventScene(
        event,
        session,
        milestone,
        partner,
        sponsorship,
        free,
        registration=outcome.registration,
        manage_token=outcome.manage_token,
        participant=participant,
        payment=payment,
    )

    done = _completed(lead, orgs, name, marker)
    event_snapshot = publish(done, by=lead)
    sponsor_snapshot = Snapshot.objects.get(scope=SnapshotScope.SPONSOR, sponsor=sponsor_org)

    _invitation, invitation_token = planning.invite_member(
        organisation,
        by=users["admin"],
        email=f"invitee-{name.lower()}@example.org",
        role=Role.ORGANISER,
    )
    return Side(
        marker=marker,
        office=office,
        organisation=organisation,
        partner_org=partner_org,
        sponsor_org=sponsor_org,
        users=users,
        venue=venue,
        private_venue=private_venue,
        draft=draft,
        published=published,
        done=done,
        event_snapshot=event_snapshot,
        sponsor_snapshot=sponsor_snapshot,
        membership_pk=users["viewer"].memberships.get().pk,
        invitation_token=invitation_token,
        member_feed_token=calendars.renew_member_feed(lead).token,
        participant_feed_token=calendars.send_participant_feed(outcome.registration).token,
        survey_token=surveys.token_of(invitation),
    )


def _register(event, ticket_type, marker, who, **consents):
    return registrations.register(
        event,
        ticket_type=ticket_type,
        name=f"Buyer {marker}",
        email=f"{marker}-{who}@example.org",
        language="en",
        participants=[
            {
                "name": f"Runner {marker}",
                "email": f"{marker}-runner-{who}@example.org",
                "country": "PT",
                "year_of_birth": 1990,
                "role": "athlete",
                **consents,
            }
        ],
        accept_terms=True,
    )


def _paid(registration: Registration, marker: str) -> Payment:
    """Paid as Stripe's verified webhook would leave it."""
    payment = Payment.objects.create(
        registration=registration,
        status=PaymentStatus.SUCCEEDED,
        amount=registration.ticket_type.price,
        currency=registration.ticket_type.currency,
        stripe_session_id=f"cs_test_{marker}",
        payment_intent_id=f"pi_{marker}",
        paid_at=timezone.now(),
    )
    registrations.confirm_paid(registration)
    return payment


def _completed(lead, orgs, name, marker) -> Event:
    """A completed event with closed survey waves, ready to publish its impact."""
    start = timezone.localdate() - timedelta(days=200)
    event, *_rest = _event_scene(
        lead,
        *orgs,
        marker=marker,
        title=f"{name} Past Games",
        slug=f"{name.lower()}-past",
        start=start,
    )
    planning.change_status(event, by=lead, status=EventStatus.PUBLISHED)
    event = planning.change_status(event, by=lead, status=EventStatus.COMPLETED)
    scene.waves(event)
    scene.build(event, [scene.Person(name=f"Walker {marker}")])
    return event


def build_world() -> World:
    participant = UserFactory(full_name="Pat Participant", email="pat@example.org")
    a = _side("Alpha", "PT", None)
    b = _side("Bravo", "FI", participant)
    staff = UserFactory(is_staff=True)
    users = {
        "anonymous": None,
        "participant": participant,
        "other_organiser": b.users["lead"],
        "partner": a.users["partner"],
        "lead": a.users["lead"],
        "admin": a.users["admin"],
        "viewer": a.users["viewer"],
        "sponsor": a.users["sponsor"],
        "staff": staff,
    }
    signed_in = {role: user for role, user in users.items() if user is not None}
    return World(
        a=a,
        b=b,
        users=users,
        tokens={role: Token.objects.create(user=user).key for role, user in signed_in.items()},
        sessions={role: _session(user) for role, user in signed_in.items()},
    )


def _session(user: User) -> str:
    """A logged-in session, made once: logging in for every request costs more than the request."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@contextmanager
def world_for_module(django_db_blocker):
    """The world, for a module-scoped fixture: built once, in a transaction that is rolled back
    when the module is done (each test rolls back to it on its own)."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        if not Action.objects.exists():
            load_actions(Action, ActionField)
        yield build_world()
        transaction.set_rollback(True)
