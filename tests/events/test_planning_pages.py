"""Planning pages: create and edit an event, the plan page, status, partners, sponsors,
sessions and milestones — for each, success, who may (and may not) and bad input."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.messages import get_messages

from events import services
from events.models import (
    Event,
    EventPartner,
    EventStatus,
    Milestone,
    PartnerRole,
    Role,
    Session,
    Sponsorship,
)
from tests.factories import OrganisationFactory
from tests.planning_fixtures import member

pytestmark = pytest.mark.django_db

LISBON = ZoneInfo("Europe/Lisbon")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False):
        yield


def url(event, rest=""):
    return f"/events/{event.slug}/{rest}"


def login(client, plan, who):
    client.force_login(plan.people[who])


def flashed(response) -> list[str]:
    """The messages a response leaves for the next page."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def pt_session(plan, **extra):
    values = {
        "title": "Fun run",
        "kind": "competition",
        "starts_at": datetime(2027, 9, 24, 9, tzinfo=LISBON),
        "ends_at": datetime(2027, 9, 24, 12, tzinfo=LISBON),
        **extra,
    }
    return services.add_session(plan.event, by=plan.people["pt"], venue=plan.venues["pt"], **values)


# Create and edit ---------------------------------------------------------------------------

EVENT_FORM = {
    "action": "",  # filled in by the test from the catalogue
    "default_language": "en",
    "title_en": "Walk for All",
    "title_de": "Gehen für alle",
    "description_en": "A walk.",
    "objective": "healthy-lifestyles",
    "target_groups": ["older-people", "adults"],
    "sports": ["hiking"],
    "starts_on": "2027-06-01",
    "ends_on": "2027-06-02",
}


def event_form(catalogue, **changes):
    data = {**EVENT_FORM, "action": catalogue.get(slug="not-for-profit-sport-events").pk}
    data.update(changes)
    return data


def test_create_needs_a_login(client):
    response = client.get("/events/new/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_organiser_creates_an_event_in_two_languages(client, catalogue):
    lead = OrganisationFactory()
    client.force_login(member(lead))
    assert client.get("/events/new/").status_code == 200
    response = client.post("/events/new/", event_form(catalogue, lead=lead.pk))
    event = Event.objects.get()
    assert response["Location"] == f"/events/{event.slug}/plan/"
    assert event.title_i18n == {"en": "Walk for All", "de": "Gehen für alle"}
    assert event.description_i18n == {"en": "A walk."}
    assert event.sport_codes == ["hiking"]
    assert sorted(event.target_groups) == ["adults", "older-people"]
    assert event.status == EventStatus.DRAFT
    assert event.milestones.count() == 7


def test_create_without_an_organisation_explains_and_refuses(client, catalogue, user):
    client.force_login(user)
    assert "Register an organisation" in client.get("/events/new/").text
    viewer_of = OrganisationFactory()
    client.force_login(member(viewer_of, Role.VIEWER))
    response = client.post("/events/new/", event_form(catalogue, lead=viewer_of.pk))
    assert response.status_code == 400
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title_en": ""}, "title_en", "default language"),
        ({"title_en": "", "title_de": "", "default_language": "de"}, "title_de", "title"),
        ({"ends_on": "2027-05-01"}, "ends_on", "before the first day"),
        ({"starts_on": "soon"}, "starts_on", "valid date"),
        # The default plan counts 90 days back and 120 on: near the ends of the calendar
        # that arithmetic would overflow; such dates are typing mistakes anyway.
        ({"starts_on": "9999-12-01", "ends_on": "9999-12-02"}, "starts_on", "2000 and 2100"),
        ({"starts_on": "0001-01-01", "ends_on": "0001-01-02"}, "starts_on", "2000 and 2100"),
        ({"objective": "winning"}, "objective", "valid choice"),
        ({"sports": ["quidditch"]}, "sports", "valid choice"),
    ],
)
def test_create_refuses_bad_input_on_the_field(client, catalogue, changes, field, message):
    lead = OrganisationFactory()
    client.force_login(member(lead))
    response = client.post("/events/new/", event_form(catalogue, lead=lead.pk, **changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not Event.objects.exists()


def test_a_company_may_not_lead_and_is_told_why(client, catalogue):
    company = OrganisationFactory(kind="company", name="Bright Energy")
    client.force_login(member(company))
    response = client.post("/events/new/", event_form(catalogue, lead=company.pk))
    assert response.status_code == 400
    assert "Only a not-for-profit organisation or a public body may lead" in response.text
    assert not Event.objects.exists()


def test_lead_edits_the_event(client, plan, catalogue):
    event = plan.event
    login(client, plan, "lead")
    form = client.get(url(event, "edit/")).context["form"]
    assert form.initial["title_tr"] == "Birlikte Hareket Haftası"
    assert form.initial["sports"] == ["running"]
    data = event_form(catalogue, title_en="Move Together", starts_on="2027-09-22")
    data["ends_on"] = "2027-09-30"
    response = client.post(url(event, "edit/"), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title_i18n == {"en": "Move Together", "de": "Gehen für alle"}
    assert event.starts_on == date(2027, 9, 22)


def test_edit_refuses_dates_that_would_leave_a_session_out(client, plan, catalogue):
    pt_session(plan)
    login(client, plan, "lead")
    data = event_form(catalogue, starts_on="2027-09-25", ends_on="2027-09-30")
    response = client.post(url(plan.event, "edit/"), data)
    assert response.status_code == 400
    assert "would fall outside the event" in " ".join(response.context["form"].errors["starts_on"])
    plan.event.refresh_from_db()
    assert plan.event.starts_on == date(2027, 9, 23)


def test_lead_turns_the_waiting_room_on_with_a_rate_and_off_again(client, plan, catalogue):
    event = plan.event
    login(client, plan, "lead")
    form = client.get(url(event, "edit/")).context["form"]
    assert (form.initial["waiting_room"], form.initial["admission_rate"]) == (False, 120)
    data = event_form(catalogue, waiting_room="on", admission_rate="40")
    assert client.post(url(event, "edit/"), data).status_code == 302
    event.refresh_from_db()
    assert (event.waiting_room, event.admission_rate) == (True, 40)
    assert "Waiting room on: 40 people let in" in client.get(url(event, "plan/")).text
    assert client.post(url(event, "edit/"), event_form(catalogue)).status_code == 302
    event.refresh_from_db()
    assert (event.waiting_room, event.admission_rate) == (False, 40)  # the rate is kept


@pytest.mark.parametrize("rate", ["0", "-3", "6001", "fast"])
def test_a_bad_admission_rate_is_a_field_error_and_saves_nothing(client, plan, catalogue, rate):
    login(client, plan, "lead")
    data = event_form(catalogue, waiting_room="on", admission_rate=rate)
    response = client.post(url(plan.event, "edit/"), data)
    assert response.status_code == 400
    assert "admission_rate" in response.context["form"].errors
    plan.event.refresh_from_db()
    assert (plan.event.waiting_room, plan.event.admission_rate) == (False, 120)


@pytest.mark.parametrize(("who", "status"), [("pt", 403), ("viewer", 403), ("outsider", 404)])
def test_only_the_lead_edits_the_event(client, plan, catalogue, who, status):
    login(client, plan, who)
    assert client.get(url(plan.event, "edit/")).status_code == status
    assert client.post(url(plan.event, "edit/"), event_form(catalogue)).status_code == status
    plan.event.refresh_from_db()
    assert plan.event.title_i18n["en"] == "Move Together Week"


# The plan page -----------------------------------------------------------------------------


def test_plan_page_for_the_lead_shows_readiness_and_every_control(client, plan):
    pt_session(plan)
    login(client, plan, "lead")
    response = client.get(url(plan.event, "plan/"))
    assert response.status_code == 200
    text = response.text
    assert "European local events, type I" in text
    assert "none yet in Finland" in text
    assert "Add a partner" in text and "Add a sponsor" in text
    assert "Publish" in text and "Cancel the event" in text
    assert "Add a session" in text and "Add a milestone" in text
    assert "09:00</time>–<time" in text and "(UTC+01:00)" in text
    assert response.context["sessions"][0]["editable"] is True


def test_plan_page_marks_overdue_milestones_in_words(client, plan):
    milestone = plan.event.milestones.get(title="Venues booked")
    milestone.due_on = date(2027, 2, 1)
    milestone.save()
    login(client, plan, "lead")
    response = client.get(url(plan.event, "plan/"))
    overdue = [
        row["milestone"].title
        for _phase, rows in response.context["phases"]
        for row in rows
        if row["overdue"]
    ]
    assert overdue == ["Venues booked"]
    assert '<span class="tag tag--overdue">Overdue</span>' in response.text
    assert "1 milestone is overdue." in response.text


def test_plan_page_for_a_partner_shows_only_their_controls(client, plan):
    pt_session(plan)
    login(client, plan, "fi")
    response = client.get(url(plan.event, "plan/"))
    assert response.status_code == 200
    assert "Add a partner" not in response.text
    assert "Publish" not in response.text
    assert "Edit the event" not in response.text
    assert response.context["sessions"][0]["editable"] is False  # Portugal's session
    rows = [row for _phase, rows in response.context["phases"] for row in rows]
    assert rows and not any(row["editable"] for row in rows)  # all owned by the lead
    assert "Add a session" in response.text  # in Finland


def test_plan_page_for_a_viewer_is_read_only(client, plan):
    login(client, plan, "viewer")
    response = client.get(url(plan.event, "plan/"))
    assert response.status_code == 200
    for control in ("Add a session", "Add a milestone", "Mark done", "Remove", "Publish"):
        assert control not in response.text


def test_plan_page_is_for_members_only(client, plan):
    event = plan.event
    assert client.get(url(event, "plan/")).status_code == 302  # to the login page
    login(client, plan, "outsider")
    assert client.get(url(event, "plan/")).status_code == 404  # a draft is not revealed
    services.change_status(event, by=plan.people["lead"], status="published")
    assert client.get(url(event, "plan/")).status_code == 403


# Status ------------------------------------------------------------------------------------


def test_lead_publishes_then_cancels_with_a_reason(client, plan):
    event = plan.event
    login(client, plan, "lead")
    assert client.get(url(event, "status/")).status_code == 200
    response = client.post(url(event, "status/"), {"status": "published"})
    assert response["Location"] == url(event, "plan/")
    assert flashed(response) == ["The status of the event is now “Published”."]
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    response = client.post(url(event, "status/"), {"status": "cancelled", "reason": " "})
    assert response.status_code == 400
    assert "Say why the event is cancelled" in " ".join(response.context["form"].errors["reason"])
    client.post(url(event, "status/"), {"status": "cancelled", "reason": "Storm warning"})
    event.refresh_from_db()
    assert (event.status, event.cancellation_reason) == ("cancelled", "Storm warning")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "completed"}, "cannot become"),
        ({"status": "draft"}, "valid choice"),
        ({}, "required"),
    ],
)
def test_status_change_refuses_what_the_workflow_forbids(client, plan, data, message):
    login(client, plan, "lead")
    response = client.post(url(plan.event, "status/"), data)
    assert response.status_code == 400
    assert message in response.text
    plan.event.refresh_from_db()
    assert plan.event.status == EventStatus.DRAFT


@pytest.mark.parametrize("who", ["pt", "viewer"])
def test_only_the_lead_changes_the_status(client, plan, who):
    login(client, plan, who)
    assert client.post(url(plan.event, "status/"), {"status": "published"}).status_code == 403
    plan.event.refresh_from_db()
    assert plan.event.status == EventStatus.DRAFT


# Partners and sponsors ---------------------------------------------------------------------


def test_lead_adds_and_removes_a_partner(client, plan):
    event = plan.event
    berlin = OrganisationFactory(name="Berlin bewegt", country="DE")
    login(client, plan, "lead")
    response = client.post(
        url(event, "partners/new/"),
        {"organisation": berlin.pk, "role": "associate", "responsibilities": "Media"},
    )
    assert response["Location"] == url(event, "plan/")
    partner = event.partners.get(organisation=berlin)
    assert (partner.role, partner.responsibilities) == ("associate", "Media")
    client.post(url(event, f"partners/{partner.pk}/remove/"))
    assert not event.partners.filter(organisation=berlin).exists()


def test_adding_a_partner_twice_or_unknown_is_refused(client, plan):
    event = plan.event
    login(client, plan, "lead")
    for organisation in (plan.partners["pt"].organisation_id, 999999, "x"):
        response = client.post(
            url(event, "partners/new/"), {"organisation": organisation, "role": "partner"}
        )
        assert response.status_code == 400
        assert "organisation" in response.context["form"].errors
    response = client.post(
        url(event, "partners/new/"), {"organisation": OrganisationFactory().pk, "role": "lead"}
    )
    assert response.status_code == 400
    assert event.partners.count() == 3


def test_removing_the_lead_or_a_partner_with_milestones_is_refused_with_a_message(client, plan):
    event = plan.event
    services.add_milestone(
        event,
        by=plan.people["lead"],
        owner=plan.partners["pt"],
        phase="preparation",
        title="Book the park",
        due_on=date(2027, 6, 1),
    )
    login(client, plan, "lead")
    lead = event.partners.get(role=PartnerRole.LEAD)
    for partner in (lead, plan.partners["pt"]):
        response = client.post(url(event, f"partners/{partner.pk}/remove/"), follow=True)
        assert response.status_code == 200
        assert EventPartner.objects.filter(pk=partner.pk).exists()
    assert "still owns milestones" in response.text


@pytest.mark.parametrize("who", ["pt", "viewer"])
def test_only_the_lead_manages_partners(client, plan, who):
    event = plan.event
    login(client, plan, who)
    other = OrganisationFactory()
    assert client.get(url(event, "partners/new/")).status_code == 403
    response = client.post(
        url(event, "partners/new/"), {"organisation": other.pk, "role": "partner"}
    )
    assert response.status_code == 403
    fi = plan.partners["fi"]
    assert client.post(url(event, f"partners/{fi.pk}/remove/")).status_code == 403
    assert event.partners.count() == 3


def test_lead_adds_and_removes_a_sponsor(client, plan):
    event = plan.event
    company = OrganisationFactory(kind="company", name="Bright Energy")
    login(client, plan, "lead")
    response = client.post(url(event, "sponsors/new/"), {"sponsor": company.pk, "tier": "main"})
    assert response.status_code == 302
    sponsorship = Sponsorship.objects.get(event=event)
    assert sponsorship.tier == "main"
    assert "Bright Energy" in client.get(url(event, "plan/")).text
    assert (
        client.post(
            url(event, "sponsors/new/"), {"sponsor": company.pk, "tier": "main"}
        ).status_code
        == 400
    )
    assert (
        client.post(
            url(event, "sponsors/new/"), {"sponsor": company.pk, "tier": "gold"}
        ).status_code
        == 400
    )
    client.post(url(event, f"sponsors/{sponsorship.pk}/remove/"))
    assert not Sponsorship.objects.exists()


def test_only_the_lead_manages_sponsors(client, plan):
    event = plan.event
    sponsorship = services.add_sponsor(
        event, by=plan.people["lead"], sponsor=OrganisationFactory(), tier="sponsor"
    )
    login(client, plan, "pt")
    response = client.post(
        url(event, "sponsors/new/"), {"sponsor": OrganisationFactory().pk, "tier": "main"}
    )
    assert response.status_code == 403
    assert client.post(url(event, f"sponsors/{sponsorship.pk}/remove/")).status_code == 403
    assert Sponsorship.objects.count() == 1


# Sessions ----------------------------------------------------------------------------------


def session_form(plan, **changes):
    return {
        "title": "Fun run",
        "kind": "competition",
        "venue": plan.venues["pt"].pk,
        "starts_at": "2027-09-24T09:00",
        "ends_at": "2027-09-24T12:00",
        "capacity": "200",
        "languages": ["pt", "en"],
        **changes,
    }


def test_times_are_read_in_the_venues_zone(client, plan):
    login(client, plan, "pt")
    form = client.get(url(plan.event, "sessions/new/")).context["form"]
    assert list(form.fields["venue"].queryset) == [plan.venues["pt"]]  # their country only
    response = client.post(url(plan.event, "sessions/new/"), session_form(plan))
    assert response.status_code == 302
    session = Session.objects.get()
    # 09:00 in Lisbon in September (WEST, UTC+1) is 08:00 UTC.
    assert session.starts_at == datetime(2027, 9, 24, 8, tzinfo=UTC)
    assert session.ends_at == datetime(2027, 9, 24, 11, tzinfo=UTC)
    assert session.languages == ["en", "pt"] or session.languages == ["pt", "en"]
    assert session.capacity == 200


def test_the_lead_plans_sessions_anywhere(client, plan):
    login(client, plan, "lead")
    data = session_form(plan, venue=plan.venues["tr"].pk)
    assert client.post(url(plan.event, "sessions/new/"), data).status_code == 302
    session = Session.objects.get()
    assert session.starts_at == datetime(2027, 9, 24, 6, tzinfo=UTC)  # Istanbul, UTC+3


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_at": "2027-09-24T08:00"}, "ends_at", "ends before it starts"),
        (
            {"starts_at": "2027-10-01T09:00", "ends_at": "2027-10-01T10:00"},
            "starts_at",
            "between",
        ),
        ({"starts_at": "tomorrow"}, "starts_at", "valid date"),
        (
            {"starts_at": "9999-12-31T23:30", "ends_at": "9999-12-31T23:45"},
            "starts_at",
            "2000 and 2100",
        ),
        ({"kind": "party"}, "kind", "valid choice"),
        ({"capacity": "0"}, "capacity", "greater than or equal to 1"),
        ({"languages": ["xx"]}, "languages", "valid choice"),
        ({"venue": ""}, "venue", "required"),
    ],
)
def test_bad_session_input_is_refused_on_its_field(client, plan, changes, field, message):
    login(client, plan, "pt")
    response = client.post(url(plan.event, "sessions/new/"), session_form(plan, **changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert message in " ".join(errors.get(field, [])), errors
    assert not Session.objects.exists()


def test_a_time_skipped_by_the_clock_change_is_refused(client, plan):
    event = plan.event
    Event.objects.filter(pk=event.pk).update(starts_on=date(2027, 3, 27))
    login(client, plan, "pt")
    data = session_form(plan, starts_at="2027-03-28T01:30", ends_at="2027-03-28T03:00")
    response = client.post(url(event, "sessions/new/"), data)
    assert response.status_code == 400
    assert "does not exist in Europe/Lisbon" in " ".join(
        response.context["form"].errors["starts_at"]
    )


def test_a_double_booked_venue_is_refused_with_a_message(client, plan):
    pt_session(plan, title="Morning run")
    login(client, plan, "lead")
    data = session_form(plan, starts_at="2027-09-24T11:00", ends_at="2027-09-24T13:00")
    response = client.post(url(plan.event, "sessions/new/"), data)
    assert response.status_code == 400
    assert "already booked" in " ".join(response.context["form"].non_field_errors())
    assert Session.objects.count() == 1


def test_partner_cannot_plan_at_another_countrys_venue(client, plan):
    login(client, plan, "pt")
    data = session_form(plan, venue=plan.venues["tr"].pk)
    response = client.post(url(plan.event, "sessions/new/"), data)
    assert response.status_code == 400
    assert "venue" in response.context["form"].errors
    assert not Session.objects.exists()


def test_viewers_and_outsiders_cannot_add_sessions(client, plan):
    login(client, plan, "viewer")
    assert client.get(url(plan.event, "sessions/new/")).status_code == 403
    assert client.post(url(plan.event, "sessions/new/"), session_form(plan)).status_code == 403
    login(client, plan, "outsider")
    assert client.post(url(plan.event, "sessions/new/"), session_form(plan)).status_code == 404
    assert not Session.objects.exists()


def test_partner_edits_and_deletes_their_session(client, plan):
    session = pt_session(plan)
    login(client, plan, "pt")
    page = client.get(url(plan.event, f"sessions/{session.pk}/edit/"))
    assert 'value="2027-09-24T09:00"' in page.text  # the venue's clock, not UTC
    assert "Europe/Lisbon" in page.text
    data = session_form(
        plan, title="Relay", starts_at="2027-09-24T15:00", ends_at="2027-09-24T16:30"
    )
    assert client.post(url(plan.event, f"sessions/{session.pk}/edit/"), data).status_code == 302
    session.refresh_from_db()
    assert (session.title, session.starts_at) == ("Relay", datetime(2027, 9, 24, 14, tzinfo=UTC))
    response = client.post(url(plan.event, f"sessions/{session.pk}/delete/"))
    assert response.status_code == 302
    assert "The session “Relay” has been deleted." in flashed(response)
    assert not Session.objects.exists()


def test_bad_session_edit_saves_nothing(client, plan):
    session = pt_session(plan)
    login(client, plan, "pt")
    data = session_form(plan, title="Relay", ends_at="2027-09-24T08:00")
    response = client.post(url(plan.event, f"sessions/{session.pk}/edit/"), data)
    assert response.status_code == 400
    session.refresh_from_db()
    assert session.title == "Fun run"


def test_partner_of_another_country_cannot_touch_a_session(client, plan):
    session = pt_session(plan)
    login(client, plan, "fi")
    edit = url(plan.event, f"sessions/{session.pk}/edit/")
    assert client.get(edit).status_code == 403
    assert client.post(edit, session_form(plan, title="Mine now")).status_code == 403
    assert client.post(url(plan.event, f"sessions/{session.pk}/delete/")).status_code == 403
    session.refresh_from_db()
    assert session.title == "Fun run"


def test_session_of_another_event_is_a_404(client, plan, catalogue):
    session = pt_session(plan)
    lead = OrganisationFactory()
    organiser = member(lead)
    other = services.create_event(
        by=organiser,
        lead=lead,
        title_i18n={"en": "Other"},
        objective="volunteering",
        starts_on=date(2027, 9, 1),
        ends_on=date(2027, 9, 2),
    )
    client.force_login(organiser)
    assert client.get(url(other, f"sessions/{session.pk}/edit/")).status_code == 404


# Milestones --------------------------------------------------------------------------------


def test_lead_adds_a_milestone_for_a_partner(client, plan):
    event = plan.event
    login(client, plan, "lead")
    assert (
        client.get(url(event, "milestones/new/?phase=follow-up")).context["form"].initial["phase"]
        == "follow-up"
    )
    response = client.post(
        url(event, "milestones/new/"),
        {
            "phase": "preparation",
            "title": "Book the park",
            "due_on": "2027-06-01",
            "owner": plan.partners["pt"].pk,
        },
    )
    assert response.status_code == 302
    milestone = event.milestones.get(title="Book the park")
    assert milestone.owner == plan.partners["pt"]


def test_partner_adds_only_their_own_milestones(client, plan):
    event = plan.event
    login(client, plan, "pt")
    data = {"phase": "preparation", "title": "Volunteers", "due_on": "2027-06-01"}
    lead_partner = event.partners.get(role="lead")
    response = client.post(url(event, "milestones/new/"), {**data, "owner": lead_partner.pk})
    assert response.status_code == 400
    assert "owner" in response.context["form"].errors
    response = client.post(url(event, "milestones/new/"), {**data, "owner": plan.partners["pt"].pk})
    assert response.status_code == 302
    assert event.milestones.filter(title="Volunteers", owner=plan.partners["pt"]).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"title": ""}, "title"), ({"due_on": "June"}, "due_on"), ({"phase": "party"}, "phase")],
)
def test_bad_milestone_input_is_refused(client, plan, changes, field):
    login(client, plan, "lead")
    data = {
        "phase": "preparation",
        "title": "Book",
        "due_on": "2027-06-01",
        "owner": plan.partners["pt"].pk,
        **changes,
    }
    response = client.post(url(plan.event, "milestones/new/"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert plan.event.milestones.count() == 7


def test_partner_edits_marks_done_and_undoes_their_milestone(client, plan):
    event = plan.event
    milestone = services.add_milestone(
        event,
        by=plan.people["lead"],
        owner=plan.partners["pt"],
        phase="preparation",
        title="Book the park",
        due_on=date(2027, 6, 1),
    )
    login(client, plan, "pt")
    edit = url(event, f"milestones/{milestone.pk}/edit/")
    assert "owner" not in client.get(edit).context["form"].fields  # only the lead hands over
    data = {"phase": "preparation", "title": "Book the big park", "due_on": "2027-06-15"}
    assert client.post(edit, data).status_code == 302
    client.post(url(event, f"milestones/{milestone.pk}/done/"), {"done": "1"})
    milestone.refresh_from_db()
    assert (milestone.title, milestone.done_on) == ("Book the big park", date(2027, 3, 1))
    assert "Done on" in client.get(url(event, "plan/")).text
    client.post(url(event, f"milestones/{milestone.pk}/done/"), {"done": "0"})
    milestone.refresh_from_db()
    assert milestone.done_on is None


def test_lead_hands_a_milestone_to_a_partner_and_deletes_one(client, plan):
    event = plan.event
    milestone = event.milestones.get(title="Volunteers trained")
    login(client, plan, "lead")
    data = {
        "phase": "preparation",
        "title": "Volunteers trained",
        "due_on": "2027-09-09",
        "owner": plan.partners["fi"].pk,
        "done_on": "",
    }
    assert client.post(url(event, f"milestones/{milestone.pk}/edit/"), data).status_code == 302
    milestone.refresh_from_db()
    assert milestone.owner == plan.partners["fi"]
    response = client.post(url(event, f"milestones/{milestone.pk}/delete/"))
    assert response.status_code == 302
    assert "The milestone “Volunteers trained” has been deleted." in flashed(response)
    assert not Milestone.objects.filter(pk=milestone.pk).exists()


def test_others_cannot_touch_a_milestone(client, plan):
    event = plan.event
    lead_milestone = event.milestones.get(title="Venues booked")
    own = services.add_milestone(
        event,
        by=plan.people["lead"],
        owner=plan.partners["pt"],
        phase="preparation",
        title="Book the park",
        due_on=date(2027, 6, 1),
    )
    login(client, plan, "pt")
    assert client.get(url(event, f"milestones/{lead_milestone.pk}/edit/")).status_code == 403
    assert (
        client.post(url(event, f"milestones/{lead_milestone.pk}/done/"), {"done": "1"}).status_code
        == 403
    )
    # Deleting is the lead's, even for the owner: the service's Forbidden becomes a 403.
    assert client.post(url(event, f"milestones/{own.pk}/delete/")).status_code == 403
    login(client, plan, "viewer")
    assert (
        client.post(url(event, f"milestones/{lead_milestone.pk}/done/"), {"done": "1"}).status_code
        == 403
    )
    assert client.get(url(event, "milestones/new/")).status_code == 403
    lead_milestone.refresh_from_db()
    assert lead_milestone.done_on is None
    assert Milestone.objects.filter(pk=own.pk).exists()


# Nothing is a 500 --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "edit/",
        "status/",
        "partners/new/",
        "sponsors/new/",
        "sessions/new/",
        "milestones/new/",
    ],
)
def test_empty_and_garbage_posts_are_400s(client, plan, path):
    login(client, plan, "lead")
    assert client.post(url(plan.event, path), {}).status_code == 400
    garbage = {name: "\x00<script>" for name in ("title", "venue", "owner", "status", "tier")}
    assert client.post(url(plan.event, path), garbage).status_code == 400


def test_unknown_rows_are_404s(client, plan):
    login(client, plan, "lead")
    event = plan.event
    for path in (
        "sessions/999/edit/",
        "sessions/999/delete/",
        "milestones/999/edit/",
        "milestones/999/done/",
        "partners/999/remove/",
        "sponsors/999/remove/",
    ):
        assert client.post(url(event, path)).status_code == 404
    assert client.get(url(event, "partners/1/remove/")).status_code in (404, 405)
