"""Each event says how long its registrations' personal data is kept after it: the site's
default for a new event, changed by the lead organisation's organisers on the event's form or
in the API, within 1 to 120 months."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction

from events.models import Event
from tests.events.test_planning_pages import event_form
from tests.factories import OrganisationFactory
from tests.planning_fixtures import member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False):
        yield


def edit_url(event) -> str:
    return f"/events/{event.slug}/edit/"


def api_url(event) -> str:
    return f"/api/v1/events/{event.slug}/"


def test_a_new_event_starts_with_the_sites_default(client, catalogue, settings):
    settings.PERSONAL_DATA_RETENTION_MONTHS = 24
    lead = OrganisationFactory()
    client.force_login(member(lead))
    form = client.get("/events/new/").context["form"]
    assert form["personal_data_retention_months"].value() == 24
    client.post("/events/new/", event_form(catalogue, lead=lead.pk))
    assert Event.objects.get().personal_data_retention_months == 24


def test_the_lead_changes_it_on_the_events_form(client, plan, catalogue):
    client.force_login(plan.people["lead"])
    page = client.get(edit_url(plan.event))
    assert page.context["form"].initial["personal_data_retention_months"] == 12
    assert 'href="/privacy/processing/"' in page.text
    data = event_form(catalogue, starts_on="2027-09-23", ends_on="2027-09-30")
    response = client.post(edit_url(plan.event), {**data, "personal_data_retention_months": 6})
    assert response.status_code == 302
    plan.event.refresh_from_db()
    assert plan.event.personal_data_retention_months == 6


@pytest.mark.parametrize("months", ["0", "121", "-3", "a year"])
def test_the_form_refuses_a_period_out_of_bounds(client, plan, catalogue, months):
    client.force_login(plan.people["lead"])
    data = event_form(catalogue, starts_on="2027-09-23", ends_on="2027-09-30")
    response = client.post(edit_url(plan.event), {**data, "personal_data_retention_months": months})
    assert response.status_code == 400
    assert response.context["form"].errors["personal_data_retention_months"]
    plan.event.refresh_from_db()
    assert plan.event.personal_data_retention_months == 12


def test_the_api_shows_and_changes_it_for_the_lead_only(api, plan):
    api.force_authenticate(plan.people["lead"])
    assert api.get(api_url(plan.event)).json()["personal_data_retention_months"] == 12
    response = api.patch(api_url(plan.event), {"personal_data_retention_months": 36})
    assert response.status_code == 200
    assert response.json()["personal_data_retention_months"] == 36
    for months in (0, 121, "soon"):
        response = api.patch(api_url(plan.event), {"personal_data_retention_months": months})
        assert response.status_code == 400
        assert "personal_data_retention_months" in response.json()["errors"]
    api.force_authenticate(plan.people["pt"])  # a partner's organiser: not the lead
    assert api.patch(api_url(plan.event), {"personal_data_retention_months": 1}).status_code == 403
    plan.event.refresh_from_db()
    assert plan.event.personal_data_retention_months == 36


def test_the_database_refuses_a_period_out_of_bounds(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=plan.event.pk).update(personal_data_retention_months=0)
