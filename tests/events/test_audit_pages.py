"""The audit log's page, CSV and API: for every member of the event's organisations (viewers
too), nobody else; one event's entries only; filters, pages, and a fixed number of queries."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import AuditAction, AuditEntry, AuditObject, EventStatus
from tests.factories import OrganisationFactory
from tests.planning_fixtures import member

pytestmark = pytest.mark.django_db

API = "/api/v1/events/{slug}/audit/"


def page_url(event) -> str:
    return reverse("events:audit_log", args=[event.slug])


def csv_url(event) -> str:
    return reverse("events:audit_csv", args=[event.slug])


@pytest.fixture
def elsewhere(catalogue):
    """Another organisation's event, with an organiser of its own and a change of title."""
    club = OrganisationFactory(name="Leipzig Läuft", slug="leipzig", country="DE")
    organiser = member(club)
    event = services.create_event(
        by=organiser,
        lead=club,
        title_i18n={"en": "Park Run for All"},
        objective="healthy-lifestyles",
        starts_on=date(2027, 6, 5),
        ends_on=date(2027, 6, 5),
    )
    services.update_event(event, by=organiser, title_i18n={"en": "Secret Leipzig Plan"})
    services.change_status(event, by=organiser, status=EventStatus.PUBLISHED)
    return event, organiser


def edits(plan, count: int) -> None:
    """`count` more entries: the lead renames a milestone over and over."""
    milestone = plan.event.milestones.order_by("pk").first()
    for number in range(count):
        services.update_milestone(milestone, by=plan.people["lead"], title=f"Step {number}")


@pytest.mark.parametrize("who", ["lead", "viewer", "pt", "fi"])
def test_the_events_organisers_and_viewers_read_its_activity(client, plan, who):
    client.force_login(plan.people[who])
    response = client.get(page_url(plan.event))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Move Together Week" in page and "Lisboa Move" in page
    assert client.get(csv_url(plan.event)).status_code == 200


def test_others_get_a_403_for_a_public_event_and_a_404_for_a_draft(client, plan, elsewhere):
    event, organiser = elsewhere
    client.force_login(plan.people["outsider"])
    assert client.get(page_url(plan.event)).status_code == 404  # the plan is a draft
    assert client.get(csv_url(plan.event)).status_code == 404
    assert client.get(page_url(event)).status_code == 403
    assert client.get(csv_url(event)).status_code == 403
    # An organiser of another organisation is nobody here.
    client.force_login(organiser)
    assert client.get(page_url(plan.event)).status_code == 404
    services.change_status(plan.event, by=plan.people["lead"], status=EventStatus.PUBLISHED)
    assert client.get(page_url(plan.event)).status_code == 403
    client.logout()
    assert client.get(page_url(plan.event)).status_code == 302  # to the login page


def test_the_page_lists_this_events_entries_only(client, plan, elsewhere):
    event, organiser = elsewhere
    client.force_login(organiser)
    page = client.get(page_url(event)).content.decode()
    assert "Secret Leipzig Plan" in page
    assert "Move Together Week" not in page and "Lisboa Move" not in page
    client.force_login(plan.people["lead"])
    page = client.get(page_url(plan.event)).content.decode()
    assert "Secret Leipzig Plan" not in page and "Park Run" not in page
    rows = list(
        csv.reader(io.StringIO(client.get(csv_url(plan.event)).content.decode("utf-8-sig")))
    )
    assert len(rows) == 1 + AuditEntry.objects.filter(event=plan.event).count()
    assert not any("Leipzig" in cell for row in rows for cell in row)


def test_the_page_shows_newest_first_with_before_and_after(client, plan):
    lead = plan.people["lead"]
    services.update_event(plan.event, by=lead, ends_on=date(2027, 10, 1))
    services.change_status(plan.event, by=lead, status=EventStatus.PUBLISHED)
    client.force_login(plan.people["viewer"])
    page = client.get(page_url(plan.event)).content.decode()
    published = page.index("Published")
    changed = page.index("2027-09-30 → 2027-10-01")
    assert published < changed  # newest first
    assert "status: Draft → Published" in page
    assert str(lead) in page


def test_filters_narrow_the_list(client, plan):
    lead, pt = plan.people["lead"], plan.people["pt"]
    services.update_partner(plan.partners["pt"], by=lead, responsibilities="Lisbon run")
    milestone = services.add_milestone(
        plan.event,
        by=pt,
        owner=plan.partners["pt"],
        phase="preparation",
        title="Lisbon permits",
        due_on=date(2027, 8, 1),
    )
    services.set_milestone_done(milestone, by=pt, done=True)
    client.force_login(lead)

    def count(**query) -> int:
        response = client.get(page_url(plan.event), query)
        assert response.status_code == 200
        return response.context["page"].paginator.count

    assert count(object_type=AuditObject.PARTNER) == 3  # two added, one changed
    assert count(object_type=AuditObject.PARTNER, action=AuditAction.CHANGED) == 1
    assert count(actor=pt.pk) == 2
    assert count(actor_kind="user") == AuditEntry.objects.filter(event=plan.event).count()
    assert count(actor_kind="stripe") == 0
    today = timezone.localdate()
    assert count(date_from=today.isoformat(), date_to=today.isoformat()) == count()
    assert count(date_from=(today + timedelta(days=1)).isoformat()) == 0
    # The person list offers those who made changes here.
    response = client.get(page_url(plan.event))
    assert (pt.pk, str(pt)) in response.context["filters"].fields["actor"].widget.choices


@pytest.mark.parametrize(
    "query", [{"object_type": "person"}, {"action": "hacked"}, {"date_from": "yesterday"}]
)
def test_an_unknown_filter_value_is_a_400_with_a_message(client, plan, query):
    client.force_login(plan.people["lead"])
    response = client.get(page_url(plan.event), query)
    assert response.status_code == 400
    assert "A filter value is not valid" in response.content.decode()
    assert client.get(csv_url(plan.event), query).status_code == 200  # an empty file


def test_the_list_has_pages_of_fifty(client, plan):
    edits(plan, 60)
    total = AuditEntry.objects.filter(event=plan.event).count()
    client.force_login(plan.people["lead"])
    first = client.get(page_url(plan.event))
    assert len(first.context["page"].object_list) == 50
    second = client.get(page_url(plan.event), {"page": 2})
    assert len(second.context["page"].object_list) == total - 50
    assert first.context["page"].object_list[0].object_label == "Step 59"


def test_the_page_runs_the_same_queries_for_ten_or_fifty_entries(
    client, plan, django_assert_num_queries
):
    client.force_login(plan.people["lead"])
    client.get(page_url(plan.event))  # sessions, caches
    with django_assert_num_queries(7) as few:
        client.get(page_url(plan.event))
    edits(plan, 40)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(page_url(plan.event))
    assert len(response.context["page"].object_list) == 50


def test_the_organiser_pages_link_to_the_activity(client, plan):
    client.force_login(plan.people["viewer"])
    plan_page = client.get(reverse("events:event_plan", args=[plan.event.slug]))
    assert page_url(plan.event) in plan_page.content.decode()
    client.force_login(plan.people["lead"])
    listing = client.get(reverse("registrations:ticket_types", args=[plan.event.slug]))
    assert page_url(plan.event) in listing.content.decode()


# API ------------------------------------------------------------------------------------------


def test_the_api_lists_entries_newest_first_with_their_changes(api, plan):
    lead = plan.people["lead"]
    services.update_event(plan.event, by=lead, ends_on=date(2027, 10, 1))
    api.force_authenticate(plan.people["fi"])
    response = api.get(API.format(slug=plan.event.slug))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == AuditEntry.objects.filter(event=plan.event).count()
    newest = body["results"][0]
    assert newest["action"] == "changed" and newest["object_type"] == "event"
    assert newest["actor_kind"] == "user" and newest["actor"] == lead.pk
    assert newest["actor_name"] == str(lead)
    assert newest["changes"] == [
        {"field": "ends_on", "withheld": False, "before": "2027-09-30", "after": "2027-10-01"}
    ]


def test_the_api_filters_and_refuses_unknown_values(api, plan):
    api.force_authenticate(plan.people["lead"])
    url = API.format(slug=plan.event.slug)
    milestones = api.get(url, {"object_type": "milestone", "page_size": 100}).json()
    assert milestones["count"] == 7
    assert {row["object_type"] for row in milestones["results"]} == {"milestone"}
    assert api.get(url, {"actor": plan.people["pt"].pk}).json()["count"] == 0
    refused = api.get(url, {"object_type": "person"})
    assert refused.status_code == 400 and "object_type" in refused.json()["errors"]
    assert api.get(url, {"actor": "me"}).status_code == 400


def test_the_api_answers_only_the_events_members(api, plan, elsewhere):
    event, organiser = elsewhere
    url = API.format(slug=plan.event.slug)
    assert api.get(url).status_code == 401
    api.force_authenticate(organiser)
    assert api.get(url).status_code == 404  # a draft
    services.change_status(plan.event, by=plan.people["lead"], status=EventStatus.PUBLISHED)
    assert api.get(url).status_code == 403
    own = api.get(API.format(slug=event.slug), {"page_size": 100}).json()
    assert own["count"] == AuditEntry.objects.filter(event=event).count()
    assert {row["id"] for row in own["results"]} == set(
        AuditEntry.objects.filter(event=event).values_list("pk", flat=True)
    )
    api.force_authenticate(plan.people["viewer"])
    assert api.get(url).status_code == 200


def test_the_api_is_read_only(api, plan):
    api.force_authenticate(plan.people["lead"])
    url = API.format(slug=plan.event.slug)
    assert api.post(url, {}, format="json").status_code == 405
    assert api.delete(url).status_code == 405


def test_the_schema_documents_the_audit_endpoint(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/events/{slug}/audit/"]["get"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"object_type", "action", "actor_kind", "actor", "date_from", "date_to", "page"} <= names
    assert set(schema["paths"]["/api/v1/events/{slug}/audit/"]) == {"get"}


def test_dates_filter_by_the_day_in_utc(client, plan):
    with time_machine.travel(datetime.fromisoformat("2027-01-05T23:30:00+00:00"), tick=False):
        edits(plan, 1)
    client.force_login(plan.people["lead"])
    response = client.get(
        page_url(plan.event), {"date_from": "2027-01-05", "date_to": "2027-01-05"}
    )
    assert [entry.object_label for entry in response.context["page"]] == ["Step 0"]
