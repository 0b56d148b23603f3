"""The audit log of planning: every change an organiser makes to an event, its partners,
sponsors, venues, sessions and milestones leaves an entry with who made it and the values
before and after; a refused change leaves none; entries are never changed or deleted."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from events import services
from events.models import (
    ActorKind,
    AppendOnly,
    AuditAction,
    AuditEntry,
    AuditObject,
    EventStatus,
)
from sportevents.errors import Forbidden
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

LISBON = ZoneInfo("Europe/Lisbon")


def last(event, object_type=None) -> AuditEntry:
    entries = AuditEntry.objects.filter(event=event)
    if object_type:
        entries = entries.filter(object_type=object_type)
    return entries.order_by("-pk").first()


def fields(entry: AuditEntry) -> dict:
    return {
        change["field"]: (change.get("before"), change.get("after")) for change in entry.changes
    }


def test_creating_an_event_logs_it_and_its_default_plan_by_the_organiser(plan):
    event, people = plan.event, plan.people
    created = AuditEntry.objects.filter(event=event, action=AuditAction.CREATED)
    entry = created.get(object_type=AuditObject.EVENT)
    assert (entry.actor_kind, entry.actor) == (ActorKind.USER, people["lead"])
    assert entry.object_id == str(event.pk) and entry.object_label == event.slug
    assert fields(entry)["title_i18n"] == (
        None,
        {"en": "Move Together Week", "tr": "Birlikte Hareket Haftası"},
    )
    assert fields(entry)["starts_on"] == (None, "2027-09-23")
    assert fields(entry)["sports"] == (None, ["running"])
    assert created.filter(object_type=AuditObject.MILESTONE).count() == 7
    # The partners the scene added, by the lead.
    partners = created.filter(object_type=AuditObject.PARTNER)
    assert sorted(partners.values_list("object_label", flat=True)) == [
        "Helsinki Liikkuu",
        "Lisboa Move",
    ]


def test_editing_an_event_logs_only_the_fields_that_changed(plan):
    event, people = plan.event, plan.people
    before = AuditEntry.objects.count()
    services.update_event(
        event,
        by=people["lead"],
        title_i18n={"en": "Move Together Week 2027"},
        ends_on=date(2027, 10, 1),
        objective="social-inclusion",  # as it was
        sports=["running", "cycling"],
    )
    entry = last(event)
    assert entry.action == AuditAction.CHANGED and entry.actor == people["lead"]
    assert fields(entry) == {
        "title_i18n": (
            {"en": "Move Together Week", "tr": "Birlikte Hareket Haftası"},
            {"en": "Move Together Week 2027"},
        ),
        "ends_on": ("2027-09-30", "2027-10-01"),
        "sports": (["running"], ["cycling", "running"]),
    }
    # Saving the same values again is no change.
    services.update_event(event, by=people["lead"], ends_on=date(2027, 10, 1))
    assert AuditEntry.objects.count() == before + 1


def test_a_refused_change_leaves_no_entry(plan):
    event, people = plan.event, plan.people
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.update_event(event, by=people["lead"], ends_on=date(2027, 9, 1))
    with pytest.raises(Forbidden):
        services.update_event(event, by=people["pt"], title_i18n={"en": "Mine"})
    with pytest.raises(Forbidden):
        services.change_status(event, by=people["viewer"], status=EventStatus.PUBLISHED)
    assert AuditEntry.objects.count() == before


def test_publishing_completing_and_cancelling_are_logged_with_the_status(plan, time_machine):
    event, people = plan.event, plan.people
    services.change_status(event, by=people["lead"], status=EventStatus.PUBLISHED)
    entry = last(event)
    assert entry.action == AuditAction.PUBLISHED
    assert fields(entry) == {"status": ("draft", "published")}

    time_machine.move_to(datetime(2027, 9, 24, 12, tzinfo=LISBON))
    services.change_status(event, by=people["lead"], status=EventStatus.COMPLETED)
    assert last(event).action == AuditAction.COMPLETED

    other = services.create_event(
        by=people["lead"],
        lead=event.lead,
        title_i18n={"en": "Autumn walk"},
        objective="healthy-lifestyles",
        starts_on=date(2027, 10, 23),
        ends_on=date(2027, 10, 23),
    )
    services.change_status(other, by=people["lead"], status=EventStatus.CANCELLED, reason="Storm")
    entry = last(other)
    assert entry.action == AuditAction.CANCELLED
    assert fields(entry) == {"status": ("draft", "cancelled"), "cancellation_reason": ("", "Storm")}


def test_sessions_are_logged_with_the_partner_organiser_who_changed_them(plan):
    event, people, venues = plan
    session = services.add_session(
        event,
        by=people["pt"],
        venue=venues["pt"],
        title="Fun run",
        kind="competition",
        starts_at=datetime(2027, 9, 25, 9, tzinfo=LISBON),
        ends_at=datetime(2027, 9, 25, 12, tzinfo=LISBON),
    )
    entry = last(event)
    assert (entry.action, entry.object_type, entry.object_label) == (
        AuditAction.CREATED,
        AuditObject.SESSION,
        "Fun run",
    )
    assert entry.actor == people["pt"]
    assert fields(entry)["venue"] == (None, venues["pt"].name)
    assert fields(entry)["starts_at"] == (None, "2027-09-25T08:00:00+00:00")

    # The same moment in another zone is no change; an hour later is.
    services.update_session(
        session,
        by=people["pt"],
        starts_at=datetime(2027, 9, 25, 8, tzinfo=ZoneInfo("UTC")),
        ends_at=datetime(2027, 9, 25, 13, tzinfo=LISBON),
    )
    assert fields(last(event)) == {
        "ends_at": ("2027-09-25T11:00:00+00:00", "2027-09-25T12:00:00+00:00")
    }

    session_id = session.pk
    services.delete_session(session, by=people["lead"])
    entry = last(event)
    assert (entry.action, entry.object_id, entry.actor) == (
        AuditAction.DELETED,
        str(session_id),
        people["lead"],
    )
    assert fields(entry)["title"] == ("Fun run", None)


def test_milestones_partners_and_sponsors_are_logged(plan):
    event, people = plan.event, plan.people
    milestone = event.milestones.get(title="Venues booked")
    services.set_milestone_done(milestone, by=people["lead"], done=True)
    entry = last(event)
    assert (entry.object_type, entry.action) == (AuditObject.MILESTONE, AuditAction.CHANGED)
    assert list(fields(entry)) == ["done_on"]

    services.update_milestone(milestone, by=people["lead"], owner=plan.partners["pt"])
    assert fields(last(event))["owner"] == ("Istanbul Sport for All", "Lisboa Move")

    services.update_partner(plan.partners["fi"], by=people["lead"], role="associate")
    assert fields(last(event)) == {"role": ("partner", "associate")}

    sponsor = OrganisationFactory(name="Fresh Juice Ltd", kind="company")
    sponsorship = services.add_sponsor(event, by=people["lead"], sponsor=sponsor, tier="main")
    entry = last(event)
    assert (entry.object_type, entry.object_label) == (AuditObject.SPONSORSHIP, "Fresh Juice Ltd")
    services.remove_sponsor(sponsorship, by=people["lead"])
    assert last(event).action == AuditAction.DELETED

    extra = services.add_partner(event, by=people["lead"], organisation=OrganisationFactory())
    services.remove_partner(extra, by=people["lead"])
    entry = last(event)
    assert (entry.object_type, entry.action) == (AuditObject.PARTNER, AuditAction.DELETED)


def test_a_venue_change_is_logged_for_each_event_with_sessions_there(plan):
    event, people, venues = plan
    services.add_session(
        event,
        by=people["pt"],
        venue=venues["pt"],
        title="Fun run",
        kind="competition",
        starts_at=datetime(2027, 9, 25, 9, tzinfo=LISBON),
        ends_at=datetime(2027, 9, 25, 12, tzinfo=LISBON),
    )
    services.update_venue(
        venues["pt"], by=people["pt"], address="Avenida da Liberdade 1", features=["step-free"]
    )
    entry = last(event)
    assert (entry.object_type, entry.actor) == (AuditObject.VENUE, people["pt"])
    assert fields(entry)["address"] == ("Av. D. João II", "Avenida da Liberdade 1")
    assert fields(entry)["features"] == ([], ["step-free"])
    # A venue without sessions of this event leaves its log alone.
    before = AuditEntry.objects.count()
    services.update_venue(venues["fi"], by=people["fi"], address="Mannerheimintie 2")
    assert AuditEntry.objects.count() == before


def test_entries_are_append_only(plan):
    entry = last(plan.event)
    entry.action = AuditAction.DELETED
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(action=AuditAction.DELETED)
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == AuditAction.CREATED


def test_an_organisers_account_may_go_and_their_entries_stay(plan):
    lead = plan.people["lead"]
    entries = AuditEntry.objects.filter(actor=lead).count()
    assert entries
    lead.delete()
    assert AuditEntry.objects.filter(actor__isnull=True, actor_kind=ActorKind.USER).count() == (
        entries
    )
    assert last(plan.event, AuditObject.PARTNER).actor_label == "A deleted account"


def test_the_admin_shows_entries_and_changes_none(plan, client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    entry = last(plan.event)
    assert client.get("/admin/events/auditentry/").status_code == 200
    page = client.get(f"/admin/events/auditentry/{entry.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.post(f"/admin/events/auditentry/{entry.pk}/change/", {}).status_code == 403
    assert client.get(f"/admin/events/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.get("/admin/events/auditentry/add/").status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_an_event_takes_its_log_along(plan):
    event = plan.event
    other = services.create_event(
        by=plan.people["lead"],
        lead=event.lead,
        title_i18n={"en": "Spare"},
        objective="healthy-lifestyles",
        starts_on=date(2027, 10, 23),
        ends_on=date(2027, 10, 23) + timedelta(days=1),
    )
    assert AuditEntry.objects.filter(event=other).exists()
    other.milestones.all().delete()
    other.partners.all().delete()
    other.delete()
    assert not AuditEntry.objects.filter(event_id=other.pk).exists()
    assert AuditEntry.objects.filter(event=event).exists()
