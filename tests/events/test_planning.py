"""Planning services, permissions and readiness, on the real database."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from events import services
from events.models import Event, EventFormat, EventStatus, Milestone, PartnerRole, Role, Session
from events.permissions import access_for
from events.readiness import PLANNING_PREFETCH, readiness_of
from sportevents.errors import Conflict, DomainError, Forbidden
from surveys.models import SurveyPlan
from tests.factories import OrganisationFactory, UserFactory
from tests.planning_fixtures import member

pytestmark = pytest.mark.django_db

LISBON = ZoneInfo("Europe/Lisbon")
ISTANBUL = ZoneInfo("Europe/Istanbul")
HELSINKI = ZoneInfo("Europe/Helsinki")


def at(zone, day, hour, minute=0):
    return datetime(2027, 9, day, hour, minute, tzinfo=zone)


def session(event, by, venue, day=24, start=9, end=12, **extra):
    return services.add_session(
        event,
        by=by,
        venue=venue,
        title=extra.pop("title", "Fun run"),
        kind="competition",
        starts_at=at(venue.timezone and ZoneInfo(venue.timezone), day, start),
        ends_at=at(ZoneInfo(venue.timezone), day, end),
        **extra,
    )


def fresh(event):
    return (
        Event.objects.select_related("lead").prefetch_related(*PLANNING_PREFETCH).get(pk=event.pk)
    )


# Events ------------------------------------------------------------------------------


def test_new_event_is_a_draft_with_its_lead_and_a_default_plan(plan):
    event, _people, _venues = plan
    assert event.status == EventStatus.DRAFT
    assert event.slug == "move-together-week-2027"
    assert event.action.slug == "not-for-profit-sport-events"
    assert event.partners.get(role=PartnerRole.LEAD).organisation == event.lead
    milestones = list(event.milestones.order_by("due_on"))
    assert len(milestones) == 7
    assert milestones[0].due_on == date(2027, 6, 25)  # venues booked 90 days before
    assert {m.phase for m in milestones} == {"preparation", "organisation", "follow-up"}


def test_a_company_cannot_lead_an_event(catalogue):
    company = OrganisationFactory(kind="company")
    with pytest.raises(DomainError) as error:
        services.create_event(
            by=member(company),
            lead=company,
            title_i18n={"en": "Sponsored run"},
            objective="healthy-lifestyles",
            starts_on=date(2027, 5, 1),
            ends_on=date(2027, 5, 1),
        )
    assert error.value.code == "lead_not_eligible"
    assert not Event.objects.exists()


def test_only_editors_of_the_lead_create_its_events(catalogue):
    lead = OrganisationFactory()
    for user in (member(lead, Role.VIEWER), UserFactory()):
        with pytest.raises(Forbidden):
            services.create_event(
                by=user,
                lead=lead,
                title_i18n={"en": "X"},
                objective="volunteering",
                starts_on=date(2027, 5, 1),
                ends_on=date(2027, 5, 2),
            )
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title_i18n": {}}, "title_i18n"),
        ({"title_i18n": {"de": "Nur Deutsch"}}, "title_i18n"),
        ({"ends_on": date(2027, 4, 30)}, "ends_on"),
        ({"objective": "winning"}, "objective"),
        ({"target_groups": ["aliens"]}, "target_groups"),
    ],
)
def test_bad_event_input_is_refused(catalogue, fields, field):
    lead = OrganisationFactory()
    values = {
        "title_i18n": {"en": "Walk"},
        "objective": "volunteering",
        "starts_on": date(2027, 5, 1),
        "ends_on": date(2027, 5, 2),
        **fields,
    }
    with pytest.raises(ValidationError) as error:
        services.create_event(by=member(lead), lead=lead, **values)
    assert field in error.value.message_dict
    assert not Event.objects.exists()


def test_search_text_covers_every_language(plan):
    event, _people, _venues = plan
    assert Event.objects.filter(search_text__contains="hareket").get() == event


def test_status_workflow(plan):
    event, people, _venues = plan
    with pytest.raises(Conflict):
        services.change_status(event, by=people["lead"], status="completed")
    with pytest.raises(Forbidden):
        services.change_status(event, by=people["pt"], status="published")
    event = services.change_status(event, by=people["lead"], status="published")
    assert event.published_at is not None
    with pytest.raises(ValidationError):
        services.change_status(event, by=people["lead"], status="cancelled", reason="  ")
    event = services.change_status(
        event, by=people["lead"], status="cancelled", reason="Storm warning"
    )
    assert (event.status, event.cancellation_reason) == ("cancelled", "Storm warning")
    with pytest.raises(Conflict):
        services.change_status(event, by=people["lead"], status="published")


def test_completing_needs_the_event_to_have_started(plan, settings):
    import time_machine

    event, people, _venues = plan
    services.change_status(event, by=people["lead"], status="published")
    with pytest.raises(Conflict):
        services.change_status(event, by=people["lead"], status="completed")
    with time_machine.travel(datetime(2027, 10, 1, tzinfo=ZoneInfo("UTC"))):
        assert (
            services.change_status(event, by=people["lead"], status="completed").status
            == "completed"
        )


def test_cancelled_event_needs_a_reason_in_the_database_too(plan):
    from django.db import IntegrityError, transaction

    event, _people, _venues = plan
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(status="cancelled", cancellation_reason="")


# Partners, sponsors ------------------------------------------------------------------


def test_partners_are_managed_by_the_lead_only(plan):
    event, people, _venues = plan
    newcomer = OrganisationFactory(country="DE")
    with pytest.raises(Forbidden):
        services.add_partner(event, by=people["pt"], organisation=newcomer)
    with pytest.raises(Conflict):
        services.add_partner(event, by=people["lead"], organisation=event.lead)
    with pytest.raises(DomainError):
        services.add_partner(event, by=people["lead"], organisation=newcomer, role="lead")
    partner = services.add_partner(
        event, by=people["lead"], organisation=newcomer, role="associate"
    )
    services.remove_partner(partner, by=people["lead"])
    assert not event.partners.filter(organisation=newcomer).exists()


def test_a_partner_with_sessions_or_milestones_is_not_removed(plan):
    event, people, venues = plan
    session(event, people["pt"], venues["pt"])
    lisbon = event.partners.get(organisation__country="PT")
    with pytest.raises(Conflict) as error:
        services.remove_partner(lisbon, by=people["lead"])
    assert error.value.code == "has_sessions"
    helsinki = event.partners.get(organisation__country="FI")
    services.add_milestone(
        event,
        by=people["lead"],
        owner=helsinki,
        phase="preparation",
        title="Book the park",
        due_on=date(2027, 8, 1),
    )
    with pytest.raises(Conflict) as error:
        services.remove_partner(helsinki, by=people["lead"])
    assert error.value.code == "owns_milestones"


def test_sponsors(plan):
    event, people, _venues = plan
    sponsor = OrganisationFactory(kind="company", name="Bright Energy")
    services.add_sponsor(event, by=people["lead"], sponsor=sponsor, tier="main")
    with pytest.raises(Conflict):
        services.add_sponsor(event, by=people["lead"], sponsor=sponsor, tier="supporter")
    with pytest.raises(ValidationError):
        services.add_sponsor(
            event, by=people["lead"], sponsor=OrganisationFactory(), tier="platinum"
        )
    with pytest.raises(Forbidden):
        services.add_sponsor(event, by=people["pt"], sponsor=OrganisationFactory(), tier="main")
    assert event.sponsorships.count() == 1


# Sessions ----------------------------------------------------------------------------


def test_partner_adds_a_session_in_its_own_country_only(plan):
    event, people, venues = plan
    created = session(event, people["pt"], venues["pt"])
    assert created.local_start.strftime("%H:%M %z") == "09:00 +0100"
    assert created.starts_at.astimezone(ZoneInfo("UTC")).hour == 8
    with pytest.raises(Forbidden):
        session(event, people["pt"], venues["fi"])
    with pytest.raises(Forbidden):
        session(event, people["viewer"], venues["tr"])
    session(event, people["lead"], venues["fi"])  # the lead edits every country
    assert Session.objects.count() == 2


def test_session_errors_save_nothing(plan):
    event, people, venues = plan
    with pytest.raises(ValidationError) as error:
        session(event, people["pt"], venues["pt"], start=12, end=9)
    assert "ends_at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        session(event, people["pt"], venues["pt"], day=22)
    assert "starts_at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        session(event, people["pt"], venues["pt"], languages=["pt", "klingon"])
    assert "languages" in error.value.message_dict
    assert not Session.objects.exists()


def test_event_dates_are_counted_in_the_venues_local_time(plan):
    event, people, venues = plan
    # 23:30 in Lisbon on the last day is 01:30 on the next day in Istanbul: fine in Lisbon.
    services.add_session(
        event,
        by=people["pt"],
        venue=venues["pt"],
        title="Night walk",
        kind="side-event",
        starts_at=at(LISBON, 30, 22),
        ends_at=at(LISBON, 30, 23, 30),
    )
    with pytest.raises(ValidationError):
        services.add_session(
            event,
            by=people["lead"],
            venue=venues["tr"],
            title="Too late",
            kind="side-event",
            starts_at=at(ISTANBUL, 30, 23),
            ends_at=datetime(2027, 10, 1, 0, 30, tzinfo=ISTANBUL),
        )


def test_a_venue_is_not_double_booked_across_events(plan):
    event, people, venues = plan
    session(event, people["pt"], venues["pt"], start=9, end=12, title="Run")
    with pytest.raises(Conflict) as error:
        session(event, people["pt"], venues["pt"], start=11, end=13, title="Relay")
    assert error.value.code == "venue_double_booked"
    assert "09:00" in error.value.message and "Run" in error.value.message
    session(
        event, people["pt"], venues["pt"], start=12, end=14, title="Relay"
    )  # back to back is fine


def test_a_venue_of_a_non_partner_cannot_host_a_session(plan):
    event, people, _venues = plan
    stranger = OrganisationFactory(country="TR")
    venue = services.create_venue(
        by=member(stranger),
        organisation=stranger,
        name="Other",
        address="x",
        city="Ankara",
        country="TR",
    )
    with pytest.raises(ValidationError) as error:
        session(event, people["lead"], venue)
    assert "venue" in error.value.message_dict


def test_across_daylight_saving_the_offset_follows_the_date(catalogue):
    lead = OrganisationFactory(country="PT")
    organiser = member(lead)
    event = services.create_event(
        by=organiser,
        lead=lead,
        title_i18n={"en": "Autumn league"},
        objective="volunteering",
        starts_on=date(2027, 10, 30),
        ends_on=date(2027, 11, 1),
    )
    venue = services.create_venue(
        by=organiser,
        organisation=lead,
        name="Pavilhão",
        address="Rua 1",
        city="Lisboa",
        country="PT",
        timezone="Europe/Lisbon",
    )
    before = services.add_session(
        event,
        by=organiser,
        venue=venue,
        title="Sat",
        kind="training",
        starts_at=datetime(2027, 10, 30, 10, tzinfo=LISBON),
        ends_at=datetime(2027, 10, 30, 11, tzinfo=LISBON),
    )
    after = services.add_session(
        event,
        by=organiser,
        venue=venue,
        title="Sun",
        kind="training",
        starts_at=datetime(2027, 10, 31, 10, tzinfo=LISBON),
        ends_at=datetime(2027, 10, 31, 11, tzinfo=LISBON),
    )
    assert before.local_start.utcoffset() == timedelta(hours=1)
    assert after.local_start.utcoffset() == timedelta(0)
    assert (before.local_start.hour, after.local_start.hour) == (10, 10)


def test_moving_the_event_dates_cannot_strand_sessions(plan):
    event, people, venues = plan
    session(event, people["pt"], venues["pt"], day=29)
    with pytest.raises(ValidationError):
        services.update_event(event, by=people["lead"], ends_on=date(2027, 9, 28))
    event.refresh_from_db()
    assert event.ends_on == date(2027, 9, 30)


# Venues ------------------------------------------------------------------------------


def test_venue_time_zone_is_filled_in_when_the_country_has_one(plan):
    _event, _people, venues = plan
    assert venues["tr"].timezone == "Europe/Istanbul"
    assert venues["fi"].timezone == "Europe/Helsinki"


@pytest.mark.parametrize(
    ("country", "zone", "message"),
    [
        ("PT", "", "several time zones"),
        ("PT", "Europe/Berlin", "not a time zone of this country"),
        ("TR", "Mars/Olympus", "not a known IANA time zone"),
    ],
)
def test_bad_venue_time_zones_are_refused(country, zone, message):
    owner = OrganisationFactory()
    with pytest.raises(ValidationError) as error:
        services.create_venue(
            by=member(owner),
            organisation=owner,
            name="V",
            address="a",
            city="c",
            country=country,
            timezone=zone,
        )
    assert message in " ".join(error.value.message_dict["timezone"])


def test_venue_coordinates_come_in_pairs_and_in_range():
    owner = OrganisationFactory()
    fields = {"name": "V", "address": "a", "city": "c", "country": "TR"}
    with pytest.raises(ValidationError):
        services.create_venue(by=member(owner), organisation=owner, latitude=41, **fields)
    with pytest.raises(ValidationError):
        services.create_venue(
            by=member(owner), organisation=owner, latitude=91, longitude=0, **fields
        )
    venue = services.create_venue(
        by=member(owner), organisation=owner, latitude=41.04, longitude=28.99, **fields
    )
    assert "mlat=41.04" in venue.map_url


def test_only_editors_of_the_owner_change_a_venue(plan):
    _event, people, venues = plan
    with pytest.raises(Forbidden):
        services.update_venue(venues["pt"], by=people["fi"], name="Taken")
    services.update_venue(venues["pt"], by=people["pt"], features=["step-free", "hearing-loop"])
    assert sorted(venues["pt"].feature_codes) == ["hearing-loop", "step-free"]


def test_a_venue_in_use_keeps_its_country(plan):
    event, people, venues = plan
    session(event, people["pt"], venues["pt"])
    with pytest.raises(Conflict):
        services.update_venue(venues["pt"], by=people["pt"], country="ES", timezone="Europe/Madrid")


# Milestones --------------------------------------------------------------------------


def test_partners_tick_off_their_own_milestones_only(plan):
    event, people, _venues = plan
    lisbon = event.partners.get(organisation__country="PT")
    mine = services.add_milestone(
        event,
        by=people["lead"],
        owner=lisbon,
        phase="preparation",
        title="Volunteers briefed",
        due_on=date(2027, 9, 1),
    )
    services.set_milestone_done(mine, by=people["pt"], done=True)
    assert Milestone.objects.get(pk=mine.pk).done_on is not None
    leads = event.milestones.exclude(owner=lisbon).first()
    with pytest.raises(Forbidden):
        services.set_milestone_done(leads, by=people["pt"], done=True)
    with pytest.raises(Forbidden):
        services.update_milestone(mine, by=people["pt"], owner=event.partners.get(role="lead"))


def test_a_milestone_owner_must_be_a_partner_of_the_event(plan, catalogue):
    event, people, _venues = plan
    other_lead = OrganisationFactory()
    other = services.create_event(
        by=member(other_lead),
        lead=other_lead,
        title_i18n={"en": "Other"},
        objective="volunteering",
        starts_on=date(2027, 5, 1),
        ends_on=date(2027, 5, 1),
    )
    with pytest.raises(ValidationError):
        services.add_milestone(
            event,
            by=people["lead"],
            owner=other.partners.get(),
            phase="preparation",
            title="x",
            due_on=date(2027, 5, 1),
        )


# Permissions and readiness -----------------------------------------------------------


def test_access_matrix(plan):
    event, people, _venues = plan
    lead, viewer, pt, outsider = (
        access_for(people[k], event) for k in ("lead", "viewer", "pt", "outsider")
    )
    assert lead.edits_all and lead.is_member
    assert viewer.is_member and not viewer.edits_anything
    assert (
        pt.is_member and not pt.edits_all and pt.edits_country("PT") and not pt.edits_country("FI")
    )
    assert not outsider.is_member
    assert list(Event.objects.visible_to(people["outsider"])) == []
    assert list(Event.objects.visible_to(people["fi"])) == [event]


def test_readiness_names_the_countries_without_a_local_event(plan):
    event, people, venues = plan
    session(event, people["pt"], venues["pt"])
    readiness = readiness_of(fresh(event), today=date(2027, 1, 1))
    assert readiness.format == EventFormat.LOCAL_TYPE_I
    assert readiness.countries == ["FI", "PT", "TR"]
    assert any("none yet in Finland" in w for w in readiness.warnings)
    assert any("none yet in Türkiye" in w for w in readiness.warnings)
    assert not any("Portugal" in w for w in readiness.warnings)
    assert readiness.overdue == []


def test_readiness_counts_overdue_milestones(plan):
    event, _people, _venues = plan
    readiness = readiness_of(fresh(event), today=date(2027, 8, 10))
    assert [m.title for m in readiness.overdue] == [
        "Venues booked",
        "Communication plan ready",
        "Registration open",
    ]
    assert any("3 milestones are overdue" in w for w in readiness.warnings)


def test_format_follows_the_number_of_countries(catalogue):
    lead = OrganisationFactory(country="BE")
    organiser = member(lead)
    event = services.create_event(
        by=organiser,
        lead=lead,
        title_i18n={"en": "Big"},
        objective="volunteering",
        starts_on=date(2027, 5, 1),
        ends_on=date(2027, 5, 1),
    )
    assert readiness_of(fresh(event)).format == EventFormat.LOCAL
    for code in ("DE", "FR", "IT", "ES", "PT", "PL", "FI", "SE", "AT"):
        services.add_partner(event, by=organiser, organisation=OrganisationFactory(country=code))
    venue = services.create_venue(
        by=organiser, organisation=lead, name="Atomium", address="x", city="Brussels", country="BE"
    )
    services.add_session(
        event,
        by=organiser,
        venue=venue,
        title="Final",
        kind="ceremony",
        starts_at=datetime(2027, 5, 1, 10, tzinfo=ZoneInfo("Europe/Brussels")),
        ends_at=datetime(2027, 5, 1, 12, tzinfo=ZoneInfo("Europe/Brussels")),
    )
    assert readiness_of(fresh(event)).format == EventFormat.EUROPEAN_WIDE
    services.add_session(
        event,
        by=organiser,
        venue=venue,
        title="x",
        kind="ceremony",
        starts_at=datetime(2027, 5, 1, 13, tzinfo=ZoneInfo("Europe/Brussels")),
        ends_at=datetime(2027, 5, 1, 14, tzinfo=ZoneInfo("Europe/Brussels")),
    )
    assert readiness_of(fresh(event)).format == EventFormat.EUROPEAN_WIDE


def test_readiness_runs_no_queries_of_its_own(plan, django_assert_num_queries):
    event, _people, _venues = plan
    event = fresh(event)
    with django_assert_num_queries(0):
        readiness_of(event, today=date(2027, 1, 1))


def test_readiness_warns_when_personal_data_goes_before_the_follow_up_closes(plan):
    """The follow-up survey (surveys/schedule.py) opens the plan's weeks after the event and
    stays open 28 days: data erased before then leaves participants uninvited."""
    event, _people, _venues = plan
    assert event.ends_on == date(2027, 9, 30)
    # 12 weeks (the default plan) after the day after the event, then 28 days: 21 January 2028.
    Event.objects.filter(pk=event.pk).update(personal_data_retention_months=3)
    warnings = readiness_of(fresh(event)).warnings
    assert (
        "Personal data is erased on Dec. 30, 2027, before the follow-up survey closes on "
        "Jan. 21, 2028: participants could no longer be invited to it. Keep personal data for "
        "at least 4 months after the event."
    ) in warnings
    Event.objects.filter(pk=event.pk).update(personal_data_retention_months=4)
    assert not any("follow-up" in w for w in readiness_of(fresh(event)).warnings)
    # A longer follow-up asks for a longer retention.
    SurveyPlan.objects.update_or_create(event=event, defaults={"follow_up_weeks": 30})
    assert any("at least 8 months" in w for w in readiness_of(fresh(event)).warnings)
