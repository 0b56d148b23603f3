"""Impact API: live summaries for organisers, snapshots for those entitled, publishing."""

import pytest

from surveys.models import Snapshot, SnapshotScope
from tests.surveys.conftest import improving

pytestmark = pytest.mark.django_db


def live(event) -> str:
    return f"/api/v1/events/{event.slug}/impact/"


def test_organisers_read_the_live_summary_with_texts(api, completed, people, lead, plan):
    people(improving(20))
    for who in (lead, plan.people["pt"]):
        api.force_authenticate(who)
        response = api.get(live(completed))
        assert response.status_code == 200
        report = response.json()["report"]
        assert report["threshold"] == 10 and report["operational_threshold"] == 5
        assert report["headline"]["who5_change"]["text"].startswith("+")
        monitoring = next(t for t in report["operational"] if t["key"] == "monitoring")
        assert [row["key"] for row in monitoring["rows"]] == ["t0", "t1", "t2"]


@pytest.mark.parametrize(("who", "status"), [("sponsor", 403), ("outsider", 403), (None, 401)])
def test_others_get_no_live_summary(api, completed, people, sponsor, plan, who, status):
    people(improving(12))
    user = sponsor if who == "sponsor" else plan.people.get(who) if who else None
    if user:
        api.force_authenticate(user)
    response = api.get(live(completed))
    assert response.status_code == status
    assert "report" not in response.json()


def test_a_draft_is_a_404_for_outsiders(api, plan):
    api.force_authenticate(plan.people["outsider"])
    assert api.get(live(plan.event)).status_code == 404
    assert api.post(f"/api/v1/events/{plan.event.slug}/snapshots/").status_code == 404


def test_lead_organisers_publish_once_per_set_of_closed_waves(api, completed, people, lead, plan):
    people(improving(15))
    url = f"/api/v1/events/{completed.slug}/snapshots/"
    api.force_authenticate(plan.people["pt"])
    assert api.post(url).status_code == 403
    api.force_authenticate(lead)
    created = api.post(url)
    assert created.status_code == 201
    body = created.json()
    assert body["scope"] == "event" and body["event"] == completed.slug
    assert body["waves"] == ["t0", "t1", "t2"]
    again = api.post(url)
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    assert Snapshot.objects.filter(scope=SnapshotScope.EVENT).count() == 1


def test_sponsors_list_and_read_their_snapshots_only(api, completed, people, lead, sponsor, plan):
    people(improving(15))
    api.force_authenticate(lead)
    snapshot_id = api.post(f"/api/v1/events/{completed.slug}/snapshots/").json()["id"]
    api.force_authenticate(sponsor)
    listed = api.get("/api/v1/snapshots/").json()
    assert {item["scope"] for item in listed["results"]} == {"event", "sponsor"}
    detail = api.get(f"/api/v1/snapshots/{snapshot_id}/").json()
    assert detail["report"]["tables"][0]["rows"][0]["cells"][0]["text"] == "15"
    assert "operational" not in detail["report"]
    api.force_authenticate(plan.people["outsider"])
    assert api.get("/api/v1/snapshots/").json()["count"] == 0
    assert api.get(f"/api/v1/snapshots/{snapshot_id}/").status_code == 404
    api.force_authenticate(None)
    assert api.get("/api/v1/snapshots/").status_code == 401


def test_the_schema_documents_the_impact_endpoints_and_their_errors(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    post = schema["paths"]["/api/v1/events/{slug}/snapshots/"]["post"]
    assert {"201", "403", "404", "409"} <= set(post["responses"])
    assert "403" in schema["paths"]["/api/v1/events/{slug}/impact/"]["get"]["responses"]
    assert "/api/v1/snapshots/{id}/" in schema["paths"]
