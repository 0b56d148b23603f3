"""The access matrix: every page and API endpoint × every role × organisation A's objects.

Every route the project resolves must have an entry in MATRIX (or in NOT_IN_MATRIX, with the
reason); an entry whose route no longer exists fails too. Each entry says how to fill the
address from the world (tests/security/access_world.py) for each target, and per HTTP method
who may (tests/security/access_rules.py). Then for each route, target, method and role:

- the answer is the one the rule gives: another organisation's objects answer 403 or 404;
- a refused write changes no row in the database;
- no answer carries a private row of an organisation the role has no part in: the other
  side's marker strings, and the impact snapshots it may not read, appear in no page, list,
  feed or JSON;
- and the other way round: B's organiser reads each of B's own pages and lists (as A's lead
  reads A's) and finds nothing of A in them.

A new route fails `test_every_route_is_in_the_matrix` until it has its entry.
"""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from registrations.models import Registration
from tests.security.access_addresses import (
    BEARER,
    EVENTS,
    ITEMS,
    SNAPSHOTS,
    Route,
    action_slug,
    event_body,
    fixed,
    manage_link,
    membership,
    milestone_body,
    on_event,
    organisation,
    other_partner,
    other_sponsor,
    own_membership,
    password_link,
    person,
    person_confirmed,
    reference,
    registration_body,
    registration_reference,
    scan_body,
    secret,
    session_body,
    snapshot_pk,
    sync_body,
    ticket_link,
    venue_body,
    venue_pk,
)
from tests.security.access_routes import all_routes
from tests.security.access_rules import (
    EDITORS,
    EVENT_MEMBERS,
    LEADS,
    ORG_ADMINS,
    ORG_MEMBERS,
    ORGANISERS,
    PUBLIC,
    SIGNED,
    Policy,
    body_of,
    database_state,
    expectation,
    invitation_accept,
    judge,
    link,
    only,
    rows_written,
    sees_event,
    sees_venue,
    send,
    snapshot,
    unsigned,
)
from tests.security.access_world import ROLES, Side, world_for_module

# Each test runs in a transaction inside the module's, and leaves the world as it found it.
pytestmark = pytest.mark.django_db

# The matrix -------------------------------------------------------------------------------

READ = {"GET": PUBLIC}
ANY_METHOD_PUBLIC = {"GET": PUBLIC, "POST": PUBLIC}  # a public page that answers any method
PUBLIC_FORM = {**ANY_METHOD_PUBLIC, "PUT": PUBLIC}  # Django's form views take PUT as a POST


def pages(policy: Policy, post: Policy | None = None) -> dict[str, Policy]:
    """A function view answers any method: GET and POST both, POST as the write."""
    return {"GET": policy, "POST": post or policy}


MATRIX: list[Route] = [
    # Public pages and accounts
    Route("home", ANY_METHOD_PUBLIC),
    Route("privacy", ANY_METHOD_PUBLIC),
    Route("data_processing", ANY_METHOD_PUBLIC),
    Route("accounts:signup", ANY_METHOD_PUBLIC),
    Route("accounts:login", PUBLIC_FORM),
    Route("accounts:logout", {"POST": PUBLIC}),
    Route("accounts:profile", pages(SIGNED)),
    Route("accounts:language", {"POST": PUBLIC}),
    Route("accounts:password_reset", PUBLIC_FORM),
    Route("accounts:password_reset_done", READ),
    Route("accounts:password_reset_confirm", PUBLIC_FORM, password_link),
    Route("accounts:password_reset_complete", READ),
    Route("catalogue:list", ANY_METHOD_PUBLIC),
    Route("catalogue:detail", ANY_METHOD_PUBLIC, action_slug),
    # Organisations: public profiles; members and settings for their members and administrators
    Route("events:partner_finder", ANY_METHOD_PUBLIC),
    Route("events:organisation_create", pages(SIGNED)),
    Route("events:organisation", ANY_METHOD_PUBLIC, organisation, ("org",)),
    Route("events:organisation_edit", pages(only(ORG_ADMINS)), organisation, ("org",)),
    Route("events:members", pages(only(ORG_MEMBERS), only(ORG_ADMINS)), organisation, ("org",)),
    Route(
        "events:membership_change",
        {"POST": only(ORG_ADMINS)},
        membership,
        ("org", "mixed"),
        data={"POST": fixed({"role": "organiser"})},
    ),
    Route(
        "events:accept_invitation",
        {"GET": link, "POST": invitation_accept},
        secret("invitation_token"),
        BEARER,
    ),
    # Data requests: the organisation's administrators, about the events it leads
    Route(
        "registrations:data_requests",
        pages(only(ORG_ADMINS)),
        organisation,
        ("org",),
        data={"POST": person},
    ),
    Route(
        "registrations:data_request_export",
        {"POST": only(ORG_ADMINS)},
        organisation,
        ("org",),
        data={"POST": person},
    ),
    Route(
        "registrations:data_request_erase",
        {"POST": only(ORG_ADMINS)},
        organisation,
        ("org",),
        data={"POST": person_confirmed},
    ),
    # Events: the public list and page; planning for the event's organisations
    Route("events:event_list", ANY_METHOD_PUBLIC),
    Route("events:event_create", pages(SIGNED)),
    Route("events:event", pages(sees_event), on_event(), EVENTS),
    Route("events:dashboard", pages(SIGNED)),
    Route("events:event_edit", pages(only(LEADS)), on_event(), EVENTS),
    Route("events:event_plan", pages(only(EVENT_MEMBERS)), on_event(), EVENTS),
    Route("events:event_status", pages(only(LEADS)), on_event(), EVENTS),
    Route("events:partner_add", pages(only(LEADS)), on_event(), EVENTS),
    Route("events:partner_remove", {"POST": only(LEADS)}, on_event(pk="partner"), ITEMS),
    Route("events:sponsor_add", pages(only(LEADS)), on_event(), EVENTS),
    Route("events:sponsor_remove", {"POST": only(LEADS)}, on_event(pk="sponsorship"), ITEMS),
    Route("events:session_add", pages(only(EDITORS)), on_event(), EVENTS),
    # The session is at the lead's venue: a partner changes only its own country's part.
    Route("events:session_edit", pages(only(LEADS)), on_event(pk="session"), ITEMS),
    Route("events:session_delete", {"POST": only(LEADS)}, on_event(pk="session"), ITEMS),
    Route("events:milestone_add", pages(only(EDITORS)), on_event(), EVENTS),
    # The milestone is the lead's: a partner changes only its own.
    Route("events:milestone_edit", pages(only(LEADS)), on_event(pk="milestone"), ITEMS),
    Route("events:milestone_done", {"POST": only(LEADS)}, on_event(pk="milestone"), ITEMS),
    Route("events:milestone_delete", {"POST": only(LEADS)}, on_event(pk="milestone"), ITEMS),
    # The audit log: every member of the event's organisations, viewers too; read only
    Route("events:audit_log", {"GET": only(EVENT_MEMBERS)}, on_event(), EVENTS),
    Route("events:audit_csv", {"GET": only(EVENT_MEMBERS)}, on_event(), EVENTS),
    # Venues of the user's own organisations
    Route("events:venue_list", pages(SIGNED)),
    Route("events:venue_create", pages(only(ORGANISERS))),
    Route("events:venue_edit", pages(only(LEADS)), venue_pk, ("public", "private")),
    # Registering, and the participant's registration at its secret link
    Route("registrations:register", pages(sees_event), on_event(), EVENTS),
    # The visitor's place in the waiting room, read from their own signed cookie only: the same
    # answer for any address, a draft's or one that exists nowhere, so it reveals nothing.
    Route("registrations:waiting_room_status", READ, on_event(), EVENTS),
    Route("registrations:manage", pages(link), manage_link, BEARER),
    Route("registrations:cancel", pages(link), manage_link, BEARER),
    Route("registrations:change", pages(link), manage_link, BEARER),
    Route("registrations:tickets_pdf", pages(link), manage_link, BEARER),
    Route("registrations:my_data", pages(link), manage_link, BEARER),
    Route("registrations:erase", pages(link), manage_link, BEARER),
    Route(
        "registrations:ticket_png",
        pages(link),
        ticket_link("ticket"),
        ("link", "mixed", "forged"),
    ),
    # The organisers' registrations, tickets and door
    Route("registrations:list", pages(only(EDITORS)), on_event(), EVENTS),
    Route("registrations:csv", pages(only(EDITORS)), on_event(), EVENTS),
    Route(
        "registrations:organiser_cancel",
        {"POST": only(EDITORS)},
        registration_reference,
        ("published", "mixed", "forged"),
    ),
    Route("registrations:ticket_types", pages(only(EDITORS)), on_event(), EVENTS),
    Route("registrations:ticket_type_create", pages(only(LEADS)), on_event(), EVENTS),
    Route("registrations:ticket_type_edit", pages(only(LEADS)), on_event(pk="ticket_type"), ITEMS),
    Route("registrations:check_in", pages(only(EDITORS)), on_event(), EVENTS),
    # Payments: the participant's at the registration's link, the organisers' per event
    Route("payments:pay", {"POST": link}, manage_link, BEARER),
    Route("payments:paid", pages(link), manage_link, BEARER),
    Route("payments:not_paid", pages(link), manage_link, BEARER),
    Route("payments:stripe_webhook", {"POST": unsigned}),
    Route("payments:list", pages(only(EDITORS)), on_event(), EVENTS),
    Route("payments:csv", pages(only(EDITORS)), on_event(), EVENTS),
    Route("payments:settings", pages(only(LEADS)), on_event(), EVENTS),
    Route(
        "payments:refund",
        pages(only(LEADS)),
        on_event(pk="payment"),
        ("published", "mixed"),
    ),
    # Calendars: public feeds, personal feeds at their secret addresses
    Route("calendars:event", {"GET": sees_event}, on_event(), EVENTS),
    Route("calendars:public", READ),
    Route("calendars:participant", {"GET": link}, secret("participant_feed_token"), BEARER),
    Route("calendars:member", {"GET": link}, secret("member_feed_token"), BEARER),
    Route("calendars:participant_page", pages(link), manage_link, BEARER),
    Route("calendars:member_page", pages(SIGNED)),
    # Impact: the organisers' live figures, the published snapshots for sponsors and members
    Route("impact:organiser", pages(only(EDITORS)), on_event(), EVENTS),
    Route("impact:publish", pages(only(EDITORS), only(LEADS)), on_event(), EVENTS),
    Route("impact:evidence", pages(only(EDITORS)), on_event(), EVENTS),
    Route("impact:home", pages(SIGNED)),
    Route("impact:snapshot", pages(snapshot), snapshot_pk, SNAPSHOTS),
    Route("impact:snapshot_pdf", pages(snapshot), snapshot_pk, SNAPSHOTS),
    Route("impact:snapshot_csv", pages(snapshot), snapshot_pk, SNAPSHOTS),
    # Surveys at their secret links
    Route("surveys:survey", pages(link), secret("survey_token"), BEARER),
    Route("surveys:thanks", pages(link), secret("survey_token"), BEARER),
    Route("surveys:withdraw", pages(link), secret("survey_token"), BEARER),
    # API: accounts and the catalogue
    Route("api:api-root", READ),
    Route("api:token", {"POST": PUBLIC}),
    Route("api:me", {"GET": SIGNED, "PATCH": SIGNED}),
    Route("api:action-list", READ),
    Route("api:action-detail", READ, action_slug),
    # API: organisations and memberships
    Route(
        "api:organisation-list",
        {"GET": PUBLIC, "POST": SIGNED},
        data={"POST": fixed({"name": "Delta Club", "country": "PT", "kind": "not-for-profit"})},
    ),
    Route(
        "api:organisation-detail",
        {"GET": PUBLIC, "PATCH": only(ORG_ADMINS)},
        organisation,
        ("org",),
        data={"PATCH": fixed({"description": "Changed"})},
    ),
    Route("api:organisation-members", {"GET": only(ORG_MEMBERS)}, organisation, ("org",)),
    Route(
        "api:organisation-invitations",
        {"POST": only(ORG_ADMINS)},
        organisation,
        ("org",),
        data={"POST": fixed({"email": "new-member@example.org", "role": "viewer"})},
    ),
    Route(
        "api:membership-detail",
        # The membership is the viewer's: anyone may leave an organisation.
        {"PATCH": only(ORG_ADMINS), "DELETE": only(ORG_ADMINS | {"viewer"})},
        own_membership,
        ("org",),
        data={"PATCH": fixed({"role": "organiser"})},
    ),
    Route("api:organisation-data-request-list", {"GET": only(ORG_ADMINS)}, organisation, ("org",)),
    Route(
        "api:organisation-data-request-export",
        {"POST": only(ORG_ADMINS)},
        organisation,
        ("org",),
        data={"POST": person},
    ),
    Route(
        "api:organisation-data-request-erase",
        {"POST": only(ORG_ADMINS)},
        organisation,
        ("org",),
        data={"POST": person_confirmed},
    ),
    # API: events and their planning
    Route(
        "api:event-list",
        {"GET": PUBLIC, "POST": only(LEADS)},
        data={"POST": event_body},
    ),
    Route(
        "api:event-detail",
        {"GET": sees_event, "PATCH": only(LEADS)},
        on_event(),
        EVENTS,
        data={"PATCH": fixed({"objective": "volunteering"})},
    ),
    Route(
        "api:event-status",
        {"POST": only(LEADS)},
        on_event(),
        EVENTS,
        data={"POST": fixed({"status": "published"})},
    ),
    Route(
        "api:event-session-list",
        # At the lead's venue: a partner adds sessions only in its own country.
        {"GET": sees_event, "POST": only(LEADS)},
        on_event(),
        EVENTS,
        data={"POST": session_body},
    ),
    Route(
        "api:event-session-detail",
        {"GET": sees_event, "PATCH": only(LEADS), "DELETE": only(LEADS)},
        on_event(pk="session"),
        ITEMS,
        data={"PATCH": fixed({"title": "Renamed"})},
    ),
    Route(
        "api:event-partner-list",
        {"GET": sees_event, "POST": only(LEADS)},
        on_event(),
        EVENTS,
        data={"POST": other_partner},
    ),
    Route(
        "api:event-partner-detail",
        {"GET": sees_event, "PATCH": only(LEADS), "DELETE": only(LEADS)},
        on_event(pk="partner"),
        ITEMS,
        data={"PATCH": fixed({"responsibilities": "Volunteers"})},
    ),
    Route(
        "api:event-milestone-list",
        # Owned by the lead: a partner adds milestones only for itself.
        {"GET": only(EVENT_MEMBERS), "POST": only(LEADS)},
        on_event(),
        EVENTS,
        data={"POST": milestone_body},
    ),
    Route(
        "api:event-milestone-detail",
        {"GET": only(EVENT_MEMBERS), "PATCH": only(LEADS), "DELETE": only(LEADS)},
        on_event(pk="milestone"),
        ITEMS,
        data={"PATCH": fixed({"title": "Renamed"})},
    ),
    Route(
        "api:event-sponsor-list",
        {"GET": sees_event, "POST": only(LEADS)},
        on_event(),
        EVENTS,
        data={"POST": other_sponsor},
    ),
    Route(
        "api:event-sponsor-detail",
        {"GET": sees_event, "DELETE": only(LEADS)},
        on_event(pk="sponsorship"),
        ITEMS,
    ),
    Route(
        "api:event-ticket-type-list",
        {"GET": sees_event, "POST": only(LEADS)},
        on_event(),
        EVENTS,
        data={"POST": fixed({"name": "Relay", "capacity": 8})},
    ),
    Route(
        "api:event-ticket-type-detail",
        {"GET": sees_event, "PATCH": only(LEADS)},
        on_event(pk="ticket_type"),
        ITEMS,
        data={"PATCH": fixed({"capacity": 60})},
    ),
    # API: registrations, the door, impact
    Route(
        "api:event-registration-list",
        {"GET": only(EDITORS), "POST": sees_event},
        on_event(),
        EVENTS,
        data={"POST": registration_body},
    ),
    Route("api:event-ticket-keys", {"GET": only(EDITORS)}, on_event(), EVENTS),
    Route("api:event-audit", {"GET": only(EVENT_MEMBERS)}, on_event(), EVENTS),
    Route("api:event-impact", {"GET": only(EDITORS)}, on_event(), EVENTS),
    Route("api:event-snapshot-list", {"POST": only(LEADS)}, on_event(), EVENTS),
    Route(
        "api:registration-cancel",
        {"POST": only(EDITORS)},
        reference,
        ("published", "forged"),
    ),
    Route("api:checkin", {"POST": only(EDITORS)}, None, EVENTS, {"POST": scan_body}, True),
    Route("api:checkin-sync", {"POST": only(EDITORS)}, None, EVENTS, {"POST": sync_body}, True),
    Route("api:registration-manage", {"GET": link, "PATCH": link}, manage_link, BEARER),
    Route("api:registration-manage-cancel", {"POST": link}, manage_link, BEARER),
    Route("api:registration-manage-tickets-pdf", {"GET": link}, manage_link, BEARER),
    Route("api:registration-manage-data", {"GET": link}, manage_link, BEARER),
    Route(
        "api:registration-manage-erase",
        {"POST": link},
        manage_link,
        BEARER,
        data={"POST": fixed({"confirm": True})},
    ),
    Route(
        "api:ticket-qr-png", {"GET": link}, ticket_link("ticket_id"), ("link", "mixed", "forged")
    ),
    Route(
        "api:ticket-qr-svg", {"GET": link}, ticket_link("ticket_id"), ("link", "mixed", "forged")
    ),
    Route("api:survey", {"GET": link, "POST": link}, secret("survey_token"), BEARER),
    Route("api:survey-withdraw", {"POST": link}, secret("survey_token"), BEARER),
    # API: venues and snapshots
    Route(
        "api:venue-list",
        {"GET": PUBLIC, "POST": only(LEADS)},
        data={"POST": venue_body},
    ),
    Route(
        "api:venue-detail",
        {"GET": sees_venue, "PATCH": only(LEADS)},
        venue_pk,
        ("public", "private"),
        data={"PATCH": fixed({"notes": "Changed"})},
    ),
    Route("api:snapshot-list", {"GET": SIGNED}),
    Route("api:snapshot-detail", {"GET": snapshot}, snapshot_pk, SNAPSHOTS),
    # Health probes for the load balancer, answered before the URLconf
    Route("/healthz", READ),
    Route("/readyz", READ),
]

# Routes with no entry, by the start of their pattern, and why.
NOT_IN_MATRIX = {
    "admin/": "Django's admin site: staff only, by Django's own permission checks",
    "api/schema/": "the OpenAPI description of the API: no data, and slow to build",
    "api/docs/": "the interactive documentation page of that description",
    "favicon.ico": "a redirect to a static file",
}


# The world: built once for the module, each test rolled back to it ------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with world_for_module(django_db_blocker) as world:
        yield world


@pytest.fixture(scope="module")
def browser():
    """One test client for the module: a new one loads the middleware (and WhiteNoise's index of
    the static files) again, which costs more than the requests."""
    return Client()


@pytest.fixture
def client(browser):
    cache.clear()  # rate limits count per client address; every role here is 127.0.0.1
    return browser


# The tests --------------------------------------------------------------------------------


def test_every_route_is_in_the_matrix():
    found = [route for route in all_routes() if not route.pattern.startswith(tuple(NOT_IN_MATRIX))]
    listed = {route.name: route for route in MATRIX}
    problems = []
    for route in found:
        entry = listed.get(route.name)
        if entry is None:
            problems.append(f"{route.name} ({route.pattern}) has no entry in MATRIX")
            continue
        if route.format_twin:
            continue  # the `.json` twin of a router route: the same view as its entry
        declared = set(entry.methods)
        if route.restricted and declared != route.methods:
            problems.append(
                f"{route.name}: the view answers {sorted(route.methods)}, "
                f"the matrix lists {sorted(declared)}"
            )
        if not route.restricted and not {"GET", "POST"} <= declared:
            problems.append(f"{route.name} answers any method: list GET and POST")
    names = {route.name for route in found}
    problems += [
        f"{name} is in MATRIX but no longer exists" for name in listed if name not in names
    ]
    assert not problems, "\n".join(problems)


def _path(route: Route, own: Side, other: Side, target: str) -> str:
    if route.name.startswith("/"):
        return route.name  # answered by a middleware, before the URLconf
    kwargs = route.kwargs(own, other, target) if route.kwargs else {}
    return reverse(route.name, kwargs=kwargs)


def _request(client, world, role: str, route: Route, method: str, path: str, data):
    """As `role`: the API with its token, pages with its session."""
    client.cookies.clear()
    token = None
    if world.users[role] is not None:
        if route.api:
            token = world.tokens[role]
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return send(client, method, path, api=route.api, data=data, token=token)


def _leaks(body: bytes, markers: list[str], path: str) -> list[str]:
    """The markers in `body`; a page's own address echoes in it (the language switch), and
    does not count."""
    return [m for m in markers if m.encode() in body and not path.startswith(m)]


def _check(client, world, route: Route, target: str, method: str, role: str) -> list[str]:
    """Everything wrong with one request; it is rolled back, so the next finds the world."""
    own, other = world.a, world.b
    path = _path(route, own, other, target)
    expect = expectation(route.methods[method], role, target)
    data = route.data[method](own, other, target) if method in route.data else None
    with transaction.atomic():
        written = rows_written()
        response = _request(client, world, role, route, method, path, data)
        changed = rows_written() - written
        body = body_of(response)
        if route.body_named and response.status_code == 400:
            unknown = {**data, "event": "no-such-event"}
            answer = body_of(_request(client, world, role, route, method, path, unknown))
        transaction.set_rollback(True)
    said = f"{method} {path} ({target}) as {role}: {response.status_code}"
    problems = []
    problem = judge(
        expect, response, method=method, anonymous=role == "anonymous", body_named=route.body_named
    )
    if problem:
        problems.append(f"{said}, {problem}\n{body[:400]!r}")
    if changed and expect.unchanged:
        # Rows were written; rolled back within the request (a service's transaction) they
        # leave nothing, which is what counts.
        if tables := _changed_tables(client, world, role, route, method, path, data):
            problems.append(f"{said}, refused, but it changed {tables}")
    if route.body_named and response.status_code == 400:
        if answer != body.replace(data["event"].encode(), b"no-such-event"):
            problems.append(f"{said}: an event one may not see must answer as an unknown one")
    # A secret link shows its owner's rows to whoever holds it; never another organisation's.
    markers = world.forbidden_markers("link" if target == "link" else role)
    if leaks := _leaks(body, markers, path):
        problems.append(f"{said}, shows another organisation's {leaks}")
    return problems


def _changed_tables(client, world, role, route, method, path, data) -> list[str]:
    """The same request again, to name the tables it wrote to."""
    with transaction.atomic():
        before = database_state()
        _request(client, world, role, route, method, path, data)
        after = database_state()
        transaction.set_rollback(True)
    return sorted(table for table in before if before[table] != after[table])


@pytest.mark.parametrize(
    ("route", "role"),
    [pytest.param(route, role, id=f"{route.name}-{role}") for route in MATRIX for role in ROLES],
)
def test_access(client, world, route, role):
    problems = [
        problem
        for target in route.targets
        for method in route.methods
        for problem in _check(client, world, route, target, method, role)
    ]
    assert not problems, "\n\n".join(problems)


def _own_reads(route: Route):
    """The targets of `route` that A's lead may read: B's organiser reads the same of B's."""
    if "GET" not in route.methods:
        return []
    return [
        target
        for target in route.targets
        if target not in ("mixed", "forged")
        and expectation(route.methods["GET"], "lead", target).allowed
    ]


@pytest.mark.parametrize(
    "route", [pytest.param(route, id=route.name) for route in MATRIX if _own_reads(route)]
)
def test_own_pages_show_nothing_of_the_other_organisation(client, world, route):
    problems = []
    for target in _own_reads(route):
        path = _path(route, world.b, world.a, target)
        response = _request(client, world, "other_organiser", route, "GET", path, None)
        body = body_of(response)
        if not 200 <= response.status_code < 400:
            problems.append(f"GET {path}: {response.status_code}\n{body[:400]!r}")
        if leaks := _leaks(body, world.forbidden_markers("other_organiser"), path):
            problems.append(f"GET {path} shows {leaks}")
    assert not problems, "\n\n".join(problems)


def test_a_data_request_finds_nothing_of_another_organisations_events(client, world):
    """The one lookup by a person's email rather than by address: A's administrator asks about
    the participant, who registered for B's event only. Search, export and erasure, on the page
    and in the API, find nothing of B's, and B's registration keeps its data."""
    email = world.users["participant"].email
    asked, confirmed = {"email": email}, {"email": email, "confirm": email}
    listed = {route.name: route for route in MATRIX}
    problems = []
    for name, data in [
        ("registrations:data_requests", asked),
        ("registrations:data_request_export", asked),
        ("registrations:data_request_erase", confirmed),
        ("api:organisation-data-request-export", asked),
        ("api:organisation-data-request-erase", confirmed),
    ]:
        path = reverse(name, kwargs={"slug": world.a.organisation.slug})
        response = _request(client, world, "admin", listed[name], "POST", path, data)
        body = body_of(response)
        if not 200 <= response.status_code < 400:
            problems.append(f"POST {path}: {response.status_code}\n{body[:400]!r}")
        if leaks := _leaks(body, world.forbidden_markers("admin"), path):
            problems.append(f"POST {path} shows {leaks}")
    assert not problems, "\n\n".join(problems)
    kept = Registration.objects.get(email=email)
    assert kept.name == f"Pat {world.b.marker}" and kept.erased_at is None
