"""The planning API: events and their partners, sessions, milestones and sponsors."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from events import services
from events.models import Event, EventPartner, EventSport, EventStatus, Milestone, Role, Session
from events.models import Sponsorship as SponsorshipModel
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    VenueFactory,
)
from tests.planning_fixtures import member

pytestmark = pytest.mark.django_db

LISBON = ZoneInfo("Europe/Lisbon")
ISTANBUL = ZoneInfo("Europe/Istanbul")
EVENTS = "/api/v1/events/"
NEW_EVENT = {
    "title_i18n": {"en": "Move Together Week", "tr": "Birlikte Hareket Haftası"},
    "description_i18n": {"en": "Runs and walks in four cities."},
    "objective": "social-inclusion",
    "target_groups": ["young-people"],
    "starts_on": "2027-09-23",
    "ends_on": "2027-09-30",
    "sports": ["running", "hiking"],
}


def as_user(api, user):
    api.force_authenticate(user)
    return api


def publish(event, people):
    return services.change_status(event, by=people["lead"], status="published")


def add_session(event, by, venue, *, day=24, start=9, end=12, title="Fun run"):
    zone = ZoneInfo(venue.timezone)
    return services.add_session(
        event,
        by=by,
        venue=venue,
        title=title,
        kind="competition",
        starts_at=datetime(2027, 9, day, start, tzinfo=zone),
        ends_at=datetime(2027, 9, day, end, tzinfo=zone),
    )


def session_body(venue, starts_at: str, ends_at: str, *, title="Swim", kind="training", **extra):
    """A session as an API client posts it: times as ISO 8601 with their offset."""
    return {
        "venue": venue.pk,
        "title": title,
        "kind": kind,
        "starts_at": starts_at,
        "ends_at": ends_at,
        **extra,
    }


def url(event, *parts):
    return f"{EVENTS}{event.slug}/" + "".join(f"{part}/" for part in parts)


# List ------------------------------------------------------------------------------------


def test_list_shows_public_events_and_only_ones_own_drafts(api, plan):
    event, people, _venues = plan
    public = EventFactory(title_i18n={"en": "Park run"})
    EventFactory(status=EventStatus.DRAFT)  # another organisation's draft

    assert [e["slug"] for e in api.get(EVENTS).json()["results"]] == [public.slug]
    as_user(api, people["outsider"])
    assert [e["slug"] for e in api.get(EVENTS).json()["results"]] == [public.slug]
    for person in ("viewer", "pt"):
        as_user(api, people[person])
        slugs = {e["slug"] for e in api.get(EVENTS).json()["results"]}
        assert slugs == {public.slug, event.slug}


def test_list_gives_the_title_in_the_requested_language_and_all_languages(api, plan):
    event, people, _venues = plan
    publish(event, people)
    body = api.get(EVENTS, HTTP_ACCEPT_LANGUAGE="tr").json()["results"][0]
    assert body["title"] == "Birlikte Hareket Haftası"
    assert body["title_i18n"] == {"en": "Move Together Week", "tr": "Birlikte Hareket Haftası"}
    assert body["lead"] == {"slug": event.lead.slug, "name": event.lead.name, "country": "TR"}
    assert body["sports"] == ["running"]
    assert body["status"] == "published"
    # A language without a title falls back to the event's default language.
    fallback = api.get(EVENTS, HTTP_ACCEPT_LANGUAGE="de").json()["results"][0]
    assert fallback["title"] == "Move Together Week"


def test_list_filters(api, plan):
    event, people, venues = plan
    add_session(event, people["pt"], venues["pt"])
    publish(event, people)
    other = EventFactory(title_i18n={"en": "Helsinki swim"})
    EventSport.objects.create(event=other, sport="swimming")

    def slugs(**params):
        response = api.get(EVENTS, params)
        assert response.status_code == 200, response.json()
        return [e["slug"] for e in response.json()["results"]]

    assert slugs(sport="running") == [event.slug]
    assert slugs(country="FI") == [event.slug]  # a partner's country counts
    assert slugs(q="hareket") == [event.slug]
    assert slugs(q="SWIM") == [other.slug]
    assert slugs(feature="step-free") == []
    assert slugs(organisation="lisboa-move") == [event.slug]
    assert slugs(date_from="2027-10-01") == []


@pytest.mark.parametrize(
    "params", [{"country": "XX"}, {"sport": "quidditch"}, {"date_from": "soon"}]
)
def test_bad_list_filter_is_400(api, params):
    response = api.get(EVENTS, params)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(params)


@pytest.mark.parametrize("logged_in", [False, True])
def test_list_query_count_does_not_grow_with_events(
    api, catalogue, django_assert_max_num_queries, logged_in
):
    def make(n):
        for _ in range(n):
            event = EventFactory()
            EventSport.objects.create(event=event, sport="running")
            EventSport.objects.create(event=event, sport="rowing")

    user = MembershipFactory().user
    if logged_in:
        as_user(api, user)
    make(3)
    with django_assert_max_num_queries(3):
        assert api.get(EVENTS).json()["count"] == 3
    make(12)
    with django_assert_max_num_queries(3):
        assert len(api.get(EVENTS).json()["results"]) == 15


# Create, read, update ----------------------------------------------------------------------


def test_create_needs_a_login(api, catalogue):
    lead = OrganisationFactory()
    assert api.post(EVENTS, {**NEW_EVENT, "lead": lead.slug}).status_code == 401
    assert not Event.objects.exists()


def test_organiser_creates_a_draft_with_a_default_plan(api, catalogue):
    lead = OrganisationFactory(name="Lisboa Move", country="PT")
    as_user(api, member(lead))
    response = api.post(EVENTS, {**NEW_EVENT, "lead": lead.slug})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "move-together-week-2027"
    assert body["status"] == "draft"
    assert body["action"] == "not-for-profit-sport-events"
    assert body["sports"] == ["hiking", "running"]
    assert body["description_i18n"] == {"en": "Runs and walks in four cities."}
    assert [p["role"] for p in body["partners"]] == ["lead"]
    assert body["readiness"]["format"] == "local"
    assert body["readiness"]["overdue_count"] == 0
    assert "The programme has no session yet." in body["readiness"]["warnings"]
    assert Milestone.objects.filter(event__slug=body["slug"]).count() == 7


def test_create_with_another_funding_action(api, catalogue):
    lead = OrganisationFactory()
    action = catalogue.exclude(slug="not-for-profit-sport-events").first()
    as_user(api, member(lead))
    response = api.post(EVENTS, {**NEW_EVENT, "lead": lead.slug, "action": action.slug})
    assert response.status_code == 201
    assert response.json()["action"] == action.slug


@pytest.mark.parametrize("role", [Role.VIEWER, None])
def test_only_editors_of_the_lead_create_its_events(api, catalogue, role):
    lead = OrganisationFactory()
    user = member(lead, role) if role else UserFactory()
    as_user(api, user)
    response = api.post(EVENTS, {**NEW_EVENT, "lead": lead.slug})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not Event.objects.exists()


def test_a_company_cannot_lead(api, catalogue):
    company = OrganisationFactory(kind="company")
    as_user(api, member(company))
    response = api.post(EVENTS, {**NEW_EVENT, "lead": company.slug})
    assert response.status_code == 400
    assert response.json()["code"] == "lead_not_eligible"
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"title_i18n": {}}, {"title_i18n"}),
        ({"title_i18n": {"de": "Nur Deutsch"}}, {"title_i18n"}),
        ({"title_i18n": {"xx": "Klingon"}}, {"title_i18n"}),
        ({"title_i18n": "Walk"}, {"title_i18n"}),
        ({"ends_on": "2027-09-01"}, {"ends_on"}),
        ({"starts_on": "0001-01-01"}, {"starts_on"}),
        ({"objective": "winning", "sports": ["quidditch"]}, {"objective", "sports"}),
        ({"target_groups": ["aliens"]}, {"target_groups"}),
        ({"lead": "nobody"}, {"lead"}),
        ({"action": "nope"}, {"action"}),
        ({"default_language": "xx"}, {"default_language"}),
    ],
)
def test_bad_event_input_is_400_per_field_and_saves_nothing(api, catalogue, changes, fields):
    lead = OrganisationFactory()
    as_user(api, member(lead))
    response = api.post(EVENTS, {**NEW_EVENT, "lead": lead.slug, **changes})
    assert response.status_code == 400, response.json()
    assert set(response.json()["errors"]) == fields
    assert not Event.objects.exists()


def test_draft_is_hidden_from_the_public_and_outsiders(api, plan):
    event, people, _venues = plan
    assert api.get(url(event)).status_code == 404
    as_user(api, people["outsider"])
    assert api.get(url(event)).status_code == 404
    as_user(api, people["fi"])
    assert api.get(url(event)).status_code == 200


def test_detail_shows_readiness_to_members_only(api, plan):
    event, people, venues = plan
    add_session(event, people["pt"], venues["pt"])
    publish(event, people)
    anonymous = api.get(url(event)).json()
    assert anonymous["readiness"] is None
    assert [p["organisation"]["slug"] for p in anonymous["partners"]][1:] == [
        "helsinki",
        "lisboa-move",
    ]
    with time_machine.travel(date(2027, 7, 1)):
        as_user(api, people["viewer"])
        readiness = api.get(url(event)).json()["readiness"]
    assert readiness["format"] == "local-type-1"
    assert readiness["countries"] == ["FI", "PT", "TR"]
    assert readiness["overdue_count"] == 1  # venues booked, due 2027-06-25
    assert any("none yet in Finland" in warning for warning in readiness["warnings"])
    assert readiness["is_ready"] is False


def test_lead_organiser_edits_the_event(api, plan):
    event, people, _venues = plan
    as_user(api, people["lead"])
    response = api.patch(
        url(event),
        {"title_i18n": {"en": "Move Week"}, "sports": ["cycling"], "ends_on": "2027-10-02"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["title"], body["sports"], body["ends_on"]) == (
        "Move Week",
        ["cycling"],
        "2027-10-02",
    )
    assert body["slug"] == event.slug


def test_lead_organiser_sets_the_waiting_room(api, plan):
    event, people, _venues = plan
    as_user(api, people["lead"])
    assert api.get(url(event)).json()["waiting_room"] is False
    response = api.patch(url(event), {"waiting_room": True, "admission_rate": 30}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["waiting_room"], response.json()["admission_rate"]) == (True, 30)
    event.refresh_from_db()
    assert (event.waiting_room, event.admission_rate) == (True, 30)


@pytest.mark.parametrize("rate", [0, 6001, "fast", None])
def test_a_bad_admission_rate_is_400_and_changes_nothing(api, plan, rate):
    event, people, _venues = plan
    as_user(api, people["lead"])
    response = api.patch(url(event), {"waiting_room": True, "admission_rate": rate}, format="json")
    assert response.status_code == 400
    assert "admission_rate" in response.json()["errors"]
    event.refresh_from_db()
    assert (event.waiting_room, event.admission_rate) == (False, 120)


def test_only_the_lead_organisers_set_the_waiting_room(api, plan):
    event, people, _venues = plan
    as_user(api, people["pt"])
    assert api.patch(url(event), {"waiting_room": True}, format="json").status_code == 403
    event.refresh_from_db()
    assert event.waiting_room is False


@pytest.mark.parametrize(("person", "status"), [("viewer", 403), ("pt", 403), ("outsider", 404)])
def test_others_may_not_edit_the_event(api, plan, person, status):
    event, people, _venues = plan
    as_user(api, people[person])
    response = api.patch(url(event), {"title_i18n": {"en": "Hijacked"}})
    assert response.status_code == status
    event.refresh_from_db()
    assert event.title_i18n["en"] == "Move Together Week"


def test_anonymous_edit_is_401(api, plan):
    event, people, _venues = plan
    publish(event, people)
    assert api.patch(url(event), {"title_i18n": {"en": "X"}}).status_code == 401


def test_edit_that_would_strand_a_session_is_400(api, plan):
    event, people, venues = plan
    add_session(event, people["pt"], venues["pt"], day=29)
    as_user(api, people["lead"])
    response = api.patch(url(event), {"ends_on": "2027-09-25"})
    assert response.status_code == 400
    assert "starts_on" in response.json()["errors"]
    event.refresh_from_db()
    assert event.ends_on == date(2027, 9, 30)


# Status ------------------------------------------------------------------------------------


@time_machine.travel(date(2027, 1, 10))
def test_status_workflow(api, plan):
    event, people, _venues = plan
    as_user(api, people["pt"])
    assert api.post(url(event, "status"), {"status": "published"}).status_code == 403

    as_user(api, people["lead"])
    early = api.post(url(event, "status"), {"status": "completed"})
    assert (early.status_code, early.json()["code"]) == (409, "invalid_transition")
    response = api.post(url(event, "status"), {"status": "published"})
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert response.json()["published_at"].startswith("2027-01-10")
    not_started = api.post(url(event, "status"), {"status": "completed"})
    assert (not_started.status_code, not_started.json()["code"]) == (409, "not_started")

    no_reason = api.post(url(event, "status"), {"status": "cancelled", "reason": " "})
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()["errors"]
    cancelled = api.post(url(event, "status"), {"status": "cancelled", "reason": "Storm"})
    assert cancelled.json()["cancellation_reason"] == "Storm"
    api.force_authenticate(None)
    assert api.get(url(event)).json()["status"] == "cancelled"


@pytest.mark.parametrize("body", [{"status": "draft"}, {"status": "gone"}, {}])
def test_bad_status_is_400(api, plan, body):
    event, people, _venues = plan
    as_user(api, people["lead"])
    response = api.post(url(event, "status"), body)
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_status_of_an_invisible_draft_is_404(api, plan):
    event, people, _venues = plan
    as_user(api, people["outsider"])
    assert api.post(url(event, "status"), {"status": "published"}).status_code == 404


# Sessions ----------------------------------------------------------------------------------


def test_partner_organiser_adds_a_session_in_its_own_country(api, plan):
    event, people, venues = plan
    as_user(api, people["pt"])
    response = api.post(
        url(event, "sessions"),
        {
            "venue": venues["pt"].pk,
            "title": "Fun run",
            "kind": "competition",
            "starts_at": "2027-09-24T09:00:00+01:00",
            "ends_at": "2027-09-24T08:00:00-02:00",  # 11:00 in Lisbon
            "languages": ["pt", "en"],
            "capacity": 200,
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["starts_at"] == "2027-09-24T08:00:00Z"
    assert body["local_start"] == "2027-09-24T09:00:00+01:00"
    assert body["local_end"] == "2027-09-24T11:00:00+01:00"
    assert body["timezone"] == "Europe/Lisbon"
    assert body["venue"]["id"] == venues["pt"].pk
    session = Session.objects.get()
    assert session.starts_at == datetime(2027, 9, 24, 9, tzinfo=LISBON)


def test_partner_organiser_may_not_plan_another_country_nor_edit_the_event(api, plan):
    event, people, venues = plan
    as_user(api, people["pt"])
    response = api.post(
        url(event, "sessions"),
        session_body(venues["fi"], "2027-09-24T09:00:00+03:00", "2027-09-24T10:00:00+03:00"),
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert api.patch(url(event), {"ends_on": "2027-10-01"}).status_code == 403
    assert not Session.objects.exists()


def test_lead_organiser_plans_every_country(api, plan):
    event, people, venues = plan
    as_user(api, people["lead"])
    response = api.post(
        url(event, "sessions"),
        session_body(venues["fi"], "2027-09-24T06:00:00Z", "2027-09-24T07:00:00Z"),
    )
    assert response.status_code == 201
    assert response.json()["local_start"] == "2027-09-24T09:00:00+03:00"


def test_naive_times_are_refused_with_a_message(api, plan):
    event, people, venues = plan
    as_user(api, people["pt"])
    response = api.post(
        url(event, "sessions"),
        session_body(
            venues["pt"], "2027-09-24T09:00:00", "2027-09-24", title="Fun run", kind="competition"
        ),
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"starts_at", "ends_at"}
    assert "offset" in errors["starts_at"][0]
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": "2027-09-24T08:00:00+01:00"}, "ends_at"),
        ({"starts_at": "2027-09-22T23:30:00+01:00"}, "starts_at"),  # the day before, locally
        ({"languages": ["klingon"]}, "languages"),
        ({"kind": "party"}, "kind"),
        ({"capacity": 0}, "capacity"),
        ({"venue": 999999}, "venue"),
        ({"starts_at": "0001-01-01T00:00:00+05:00"}, "starts_at"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_session_input_is_400(api, plan, changes, field):
    event, people, venues = plan
    as_user(api, people["lead"])
    body = {
        "venue": venues["pt"].pk,
        "title": "Fun run",
        "kind": "competition",
        "starts_at": "2027-09-24T09:00:00+01:00",
        "ends_at": "2027-09-24T11:00:00+01:00",
        **changes,
    }
    response = api.post(url(event, "sessions"), body)
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert not Session.objects.exists()


def test_venue_of_a_non_partner_is_unknown(api, plan):
    event, people, _venues = plan
    stranger = VenueFactory()
    as_user(api, people["lead"])
    response = api.post(
        url(event, "sessions"),
        session_body(
            stranger,
            "2027-09-24T09:00:00+01:00",
            "2027-09-24T11:00:00+01:00",
            title="Fun run",
            kind="competition",
        ),
    )
    assert response.status_code == 400
    assert "venue" in response.json()["errors"]


def test_double_booking_is_409(api, plan):
    event, people, venues = plan
    add_session(event, people["pt"], venues["pt"], start=9, end=12)
    as_user(api, people["pt"])
    response = api.post(
        url(event, "sessions"),
        session_body(
            venues["pt"],
            "2027-09-24T11:00:00+01:00",
            "2027-09-24T13:00:00+01:00",
            title="Clash",
            kind="workshop",
        ),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "venue_double_booked"
    assert Session.objects.count() == 1


def test_sessions_are_read_with_the_event(api, plan):
    event, people, venues = plan
    session = add_session(event, people["pt"], venues["pt"])
    assert api.get(url(event, "sessions")).status_code == 404  # still a draft
    assert api.get(url(event, "sessions", session.pk)).status_code == 404
    publish(event, people)
    listed = api.get(url(event, "sessions")).json()
    assert [s["title"] for s in listed["results"]] == ["Fun run"]
    one = api.get(url(event, "sessions", session.pk)).json()
    assert one["local_start"] == "2027-09-24T09:00:00+01:00"


def test_session_of_another_event_is_404(api, plan, catalogue):
    event, people, venues = plan
    session = add_session(event, people["pt"], venues["pt"])
    publish(event, people)
    other = EventFactory()
    as_user(api, people["lead"])
    assert api.get(url(other, "sessions", session.pk)).status_code == 404
    assert api.delete(url(other, "sessions", session.pk)).status_code == 404
    assert Session.objects.filter(pk=session.pk).exists()


def test_partner_organiser_moves_and_deletes_its_own_sessions_only(api, plan):
    event, people, venues = plan
    lisbon = add_session(event, people["pt"], venues["pt"])
    helsinki = add_session(event, people["fi"], venues["fi"])
    as_user(api, people["pt"])
    moved = api.patch(
        url(event, "sessions", lisbon.pk),
        {"starts_at": "2027-09-25T10:00:00+01:00", "ends_at": "2027-09-25T12:00:00+01:00"},
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["local_start"] == "2027-09-25T10:00:00+01:00"
    assert api.patch(url(event, "sessions", helsinki.pk), {"title": "X"}).status_code == 403
    assert api.patch(url(event, "sessions", lisbon.pk), {"venue": venues["fi"].pk}).status_code == (
        403
    )
    assert api.delete(url(event, "sessions", helsinki.pk)).status_code == 403
    assert api.delete(url(event, "sessions", lisbon.pk)).status_code == 204
    assert list(Session.objects.all()) == [helsinki]


def test_session_patch_with_bad_input_changes_nothing(api, plan):
    event, people, venues = plan
    session = add_session(event, people["pt"], venues["pt"])
    as_user(api, people["pt"])
    response = api.patch(
        url(event, "sessions", session.pk), {"ends_at": "2027-09-24T07:00:00+01:00"}
    )
    assert response.status_code == 400
    assert "ends_at" in response.json()["errors"]
    session.refresh_from_db()
    assert session.ends_at == datetime(2027, 9, 24, 12, tzinfo=LISBON)


def test_viewer_and_outsider_cannot_write_sessions(api, plan):
    event, people, venues = plan
    session = add_session(event, people["pt"], venues["pt"])
    as_user(api, people["viewer"])
    assert api.delete(url(event, "sessions", session.pk)).status_code == 403
    as_user(api, people["outsider"])
    assert api.delete(url(event, "sessions", session.pk)).status_code == 404
    publish(event, people)
    assert api.delete(url(event, "sessions", session.pk)).status_code == 403
    api.force_authenticate(None)
    assert api.delete(url(event, "sessions", session.pk)).status_code == 401
    assert Session.objects.filter(pk=session.pk).exists()


# Partners ----------------------------------------------------------------------------------


def test_lead_adds_edits_and_removes_a_partner(api, plan):
    event, people, _venues = plan
    newcomer = OrganisationFactory(slug="berlin-bewegt", country="DE")
    as_user(api, people["lead"])
    response = api.post(
        url(event, "partners"),
        {"organisation": "berlin-bewegt", "role": "associate", "responsibilities": "Volunteers"},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["organisation"] == {"slug": "berlin-bewegt", "name": newcomer.name, "country": "DE"}
    assert (body["role"], body["responsibilities"]) == ("associate", "Volunteers")

    changed = api.patch(url(event, "partners", body["id"]), {"role": "partner"})
    assert changed.status_code == 200
    assert changed.json()["role"] == "partner"
    assert api.delete(url(event, "partners", body["id"])).status_code == 204
    assert not EventPartner.objects.filter(organisation=newcomer).exists()


def test_partner_list_is_public_once_published(api, plan):
    event, people, _venues = plan
    assert api.get(url(event, "partners")).status_code == 404
    publish(event, people)
    partners = api.get(url(event, "partners")).json()["results"]
    assert [p["role"] for p in partners] == ["lead", "partner", "partner"]


@pytest.mark.parametrize(
    ("body", "status", "key"),
    [
        ({"organisation": "lisboa-move"}, 409, "already_partner"),
        ({"organisation": "nobody"}, 400, "organisation"),
        ({"organisation": "fresh", "role": "lead"}, 400, "role"),
        ({"organisation": "fresh", "role": "boss"}, 400, "role"),
        ({}, 400, "organisation"),
    ],
)
def test_bad_partner_input(api, plan, body, status, key):
    event, people, _venues = plan
    OrganisationFactory(slug="fresh")
    as_user(api, people["lead"])
    response = api.post(url(event, "partners"), body)
    assert response.status_code == status
    answer = response.json()
    assert key in answer["errors"] if status == 400 else answer["code"] == key
    assert event.partners.count() == 3


def test_partner_organisers_do_not_manage_partners(api, plan):
    event, people, _venues = plan
    OrganisationFactory(slug="fresh")
    pt_partner = event.partners.get(organisation__slug="lisboa-move")
    as_user(api, people["pt"])
    assert api.post(url(event, "partners"), {"organisation": "fresh"}).status_code == 403
    assert api.patch(url(event, "partners", pt_partner.pk), {"role": "associate"}).status_code == (
        403
    )
    as_user(api, people["outsider"])
    assert api.delete(url(event, "partners", pt_partner.pk)).status_code == 404


def test_lead_partner_and_partners_with_work_stay(api, plan):
    event, people, venues = plan
    lead = event.partners.get(role="lead")
    fi = event.partners.get(organisation__slug="helsinki")
    pt = event.partners.get(organisation__slug="lisboa-move")
    Milestone.objects.filter(title="Volunteers trained").update(owner=fi)
    add_session(event, people["pt"], venues["pt"])
    as_user(api, people["lead"])
    refused = api.delete(url(event, "partners", lead.pk))
    assert (refused.status_code, refused.json()["code"]) == (400, "one_lead")
    owns = api.delete(url(event, "partners", fi.pk))
    assert (owns.status_code, owns.json()["code"]) == (409, "owns_milestones")
    hosts = api.delete(url(event, "partners", pt.pk))
    assert (hosts.status_code, hosts.json()["code"]) == (409, "has_sessions")
    demote = api.patch(url(event, "partners", lead.pk), {"role": "partner"})
    assert (demote.status_code, demote.json()["code"]) == (400, "one_lead")
    assert event.partners.count() == 3


# Milestones --------------------------------------------------------------------------------


def test_milestones_are_for_members(api, plan):
    event, people, _venues = plan
    publish(event, people)
    assert api.get(url(event, "milestones")).status_code == 401
    as_user(api, people["outsider"])
    assert api.get(url(event, "milestones")).status_code == 403
    as_user(api, people["viewer"])
    body = api.get(url(event, "milestones")).json()
    assert body["count"] == 7
    first = body["results"][0]
    assert (first["title"], first["due_on"], first["phase"]) == (
        "Venues booked",
        "2027-06-25",
        "preparation",
    )
    assert first["owner"]["slug"] == event.lead.slug


def test_milestones_of_an_invisible_draft_are_404(api, plan):
    event, people, _venues = plan
    as_user(api, people["outsider"])
    assert api.get(url(event, "milestones")).status_code == 404


def test_milestone_filters_and_overdue_flag(api, plan):
    event, people, _venues = plan
    fi = event.partners.get(organisation__slug="helsinki")
    Milestone.objects.filter(title="Volunteers trained").update(owner=fi)
    as_user(api, people["fi"])
    with time_machine.travel(date(2027, 7, 1)):
        own = api.get(url(event, "milestones"), {"owner": "helsinki"}).json()["results"]
        open_ = api.get(url(event, "milestones"), {"done": "false"}).json()["results"]
        overdue = [m["title"] for m in open_ if m["overdue"]]
    assert [m["title"] for m in own] == ["Volunteers trained"]
    assert overdue == ["Venues booked"]
    assert api.get(url(event, "milestones"), {"phase": "later"}).status_code == 400


@time_machine.travel(date(2027, 5, 2))
def test_partner_organiser_adds_and_ticks_off_its_own_milestones(api, plan):
    event, people, _venues = plan
    as_user(api, people["pt"])
    response = api.post(
        url(event, "milestones"),
        {
            "phase": "preparation",
            "title": "Lisbon permit",
            "due_on": "2027-08-01",
            "owner": "lisboa-move",
        },
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["owner"]["country"], created["done"], created["overdue"]) == (
        "PT",
        False,
        False,
    )

    done = api.patch(url(event, "milestones", created["id"]), {"done": True})
    assert done.status_code == 200
    assert (done.json()["done"], done.json()["done_on"]) == (True, "2027-05-02")
    reopened = api.patch(url(event, "milestones", created["id"]), {"done": False})
    assert reopened.json()["done_on"] is None
    dated = api.patch(url(event, "milestones", created["id"]), {"done_on": "2027-04-30"})
    assert dated.json()["done_on"] == "2027-04-30"

    # Another partner's milestone, handing one over, deleting: not theirs to do.
    lead_milestone = event.milestones.filter(owner__role="lead").first()
    assert api.patch(url(event, "milestones", lead_milestone.pk), {"done": True}).status_code == 403
    handover = api.patch(url(event, "milestones", created["id"]), {"owner": "helsinki"})
    assert handover.status_code == 403
    assert api.delete(url(event, "milestones", created["id"])).status_code == 403
    refused = api.post(
        url(event, "milestones"),
        {"phase": "preparation", "title": "X", "due_on": "2027-08-01", "owner": "helsinki"},
    )
    assert refused.status_code == 403


def test_created_milestone_can_be_done_at_once(api, plan):
    event, people, _venues = plan
    as_user(api, people["lead"])
    response = api.post(
        url(event, "milestones"),
        {
            "phase": "follow-up",
            "title": "Photos shared",
            "due_on": "2027-10-15",
            "owner": event.lead.slug,
            "done": True,
        },
    )
    assert response.status_code == 201
    assert response.json()["done_on"] is not None


def test_lead_hands_over_and_deletes_milestones(api, plan):
    event, people, _venues = plan
    milestone = event.milestones.get(title="Volunteers trained")
    as_user(api, people["lead"])
    response = api.patch(url(event, "milestones", milestone.pk), {"owner": "helsinki"})
    assert response.status_code == 200
    assert response.json()["owner"]["slug"] == "helsinki"
    assert api.delete(url(event, "milestones", milestone.pk)).status_code == 204
    assert event.milestones.count() == 6


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"owner": "stranger"}, {"owner"}),
        ({"phase": "someday"}, {"phase"}),
        ({"due_on": "soon", "title": ""}, {"due_on", "title"}),
        ({"done": True, "done_on": "2027-05-01"}, {"done"}),
    ],
)
def test_bad_milestone_input_is_400(api, plan, body, fields):
    event, people, _venues = plan
    OrganisationFactory(slug="stranger")  # exists, but is no partner of this event
    as_user(api, people["lead"])
    values = {"phase": "preparation", "title": "X", "due_on": "2027-08-01", "owner": "lisboa-move"}
    response = api.post(url(event, "milestones"), {**values, **body})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == fields
    assert event.milestones.count() == 7


def test_milestone_of_another_event_is_404(api, plan, catalogue):
    event, people, _venues = plan
    other = services.create_event(
        by=people["lead"],
        lead=event.lead,
        title_i18n={"en": "Other"},
        objective="volunteering",
        starts_on=date(2027, 5, 1),
        ends_on=date(2027, 5, 1),
    )
    milestone = other.milestones.first()
    as_user(api, people["lead"])
    assert api.patch(url(event, "milestones", milestone.pk), {"done": True}).status_code == 404


# Sponsors ----------------------------------------------------------------------------------


def test_lead_adds_and_removes_a_sponsor(api, plan):
    event, people, _venues = plan
    bank = OrganisationFactory(slug="bank", kind="company", country="DE")
    as_user(api, people["lead"])
    response = api.post(url(event, "sponsors"), {"sponsor": "bank", "tier": "main"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["sponsor"]["slug"], body["tier"], body["tier_label"]) == (
        "bank",
        "main",
        "Main sponsor",
    )
    again = api.post(url(event, "sponsors"), {"sponsor": "bank", "tier": "supporter"})
    assert (again.status_code, again.json()["code"]) == (409, "already_sponsor")
    detail = api.get(url(event)).json()
    assert [s["sponsor"]["name"] for s in detail["sponsors"]] == [bank.name]
    assert api.delete(url(event, "sponsors", body["id"])).status_code == 204
    assert not SponsorshipModel.objects.exists()


@pytest.mark.parametrize(
    ("body", "fields"),
    [({"sponsor": "bank", "tier": "gold"}, {"tier"}), ({"sponsor": "nobody"}, {"sponsor"})],
)
def test_bad_sponsor_input_is_400(api, plan, body, fields):
    event, people, _venues = plan
    OrganisationFactory(slug="bank", kind="company")
    as_user(api, people["lead"])
    response = api.post(url(event, "sponsors"), body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == fields


def test_sponsors_are_the_leads_business(api, plan):
    event, people, _venues = plan
    bank = OrganisationFactory(slug="bank", kind="company")
    sponsorship = services.add_sponsor(event, by=people["lead"], sponsor=bank, tier="main")
    as_user(api, people["pt"])
    assert api.post(url(event, "sponsors"), {"sponsor": "bank"}).status_code == 403
    assert api.delete(url(event, "sponsors", sponsorship.pk)).status_code == 403
    as_user(api, people["outsider"])
    assert api.get(url(event, "sponsors")).status_code == 404
    publish(event, people)
    api.force_authenticate(None)
    assert api.get(url(event, "sponsors")).json()["results"][0]["tier"] == "main"
    assert api.delete(url(event, "sponsors", sponsorship.pk)).status_code == 401
    assert SponsorshipModel.objects.count() == 1


def test_detail_query_count_does_not_grow_with_the_plan(api, plan, django_assert_max_num_queries):
    event, people, venues = plan
    as_user(api, people["lead"])
    add_session(event, people["pt"], venues["pt"])
    services.add_sponsor(event, by=people["lead"], sponsor=OrganisationFactory(), tier="main")
    with django_assert_max_num_queries(13):
        assert api.get(url(event)).status_code == 200
    for day in range(25, 30):
        add_session(event, people["pt"], venues["pt"], day=day)
        add_session(event, people["fi"], venues["fi"], day=day)
    services.add_sponsor(event, by=people["lead"], sponsor=OrganisationFactory(), tier="sponsor")
    with django_assert_max_num_queries(13):
        assert api.get(url(event)).status_code == 200


def test_session_times_across_a_daylight_saving_change(api, catalogue):
    lead = OrganisationFactory(country="PT")
    organiser = member(lead)
    event = EventFactory(lead=lead, starts_on=date(2027, 10, 30), ends_on=date(2027, 11, 1))
    venue = VenueFactory(organisation=lead)
    as_user(api, organiser)
    # Portugal turns its clocks back from 02:00 to 01:00 on 31 October 2027.
    response = api.post(
        url(event, "sessions"),
        session_body(
            venue,
            "2027-10-31T00:30:00Z",
            "2027-10-31T02:30:00Z",
            title="Night run",
            kind="competition",
        ),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["local_start"], body["local_end"]) == (
        "2027-10-31T01:30:00+01:00",
        "2027-10-31T02:30:00+00:00",
    )
