"""Publishing snapshots: who may, when, what is stored, and that two snapshots never differ by
one person's answers."""

from datetime import UTC, datetime

import pytest

from events.models import EventStatus, Sponsorship
from sportevents.errors import Conflict, Forbidden
from surveys import disclosure as dc
from surveys.models import Respondent, Snapshot, SnapshotScope, Wave
from surveys.snapshots import publish, visible_snapshots
from tests.factories import EventFactory
from tests.surveys import scene
from tests.surveys.conftest import improving
from tests.surveys.scene import Person

pytestmark = pytest.mark.django_db


def cells(report: dict):
    for table in report["tables"]:
        for row in table["rows"]:
            yield table["key"], row["key"], row["cells"]
        if table["total"]:
            yield table["key"], "total", table["total"]


def table(report: dict, key: str) -> dict:
    return next(t for t in report["tables"] if t["key"] == key)


def test_publish_stores_the_sponsor_view_of_the_closed_waves(completed, people, lead, sponsor_org):
    people(improving(20))
    snapshot = publish(completed, by=lead)
    assert snapshot.scope == SnapshotScope.EVENT
    assert snapshot.waves == ["t0", "t1", "t2"]
    assert snapshot.instrument_versions == {"t0": ["2026-1"], "t1": ["2026-1"], "t2": ["2026-1"]}
    assert snapshot.published_by == lead
    assert snapshot.tables["threshold"] == 10
    assert "operational" not in snapshot.tables
    wide = Snapshot.objects.get(scope=SnapshotScope.SPONSOR, sponsor=sponsor_org)
    assert wide.tables["headline"]["who5_change"] == snapshot.tables["headline"]["who5_change"]


def test_open_waves_are_not_published(completed, lead):
    made = scene.waves(completed, closed=False)
    scene.build(completed, improving(15), made_waves=made)
    with pytest.raises(Conflict):
        publish(completed, by=lead)
    Wave.objects.filter(pk=made["t0"].pk).update(closed_at=datetime(2027, 10, 1, tzinfo=UTC))
    snapshot = publish(completed, by=lead)
    assert snapshot.waves == ["t0"]
    assert snapshot.tables["headline"]["who5_change"]["flag"] == "too_few"


@pytest.mark.parametrize("who", ["pt", "viewer", "outsider"])
def test_only_the_lead_organisers_publish(completed, people, plan, who):
    people(improving(12))
    with pytest.raises(Forbidden):
        publish(completed, by=plan.people[who])
    assert not Snapshot.objects.exists()


def test_an_event_not_completed_is_not_published(completed, people, lead):
    people(improving(12))
    completed.status = EventStatus.PUBLISHED
    completed.save(update_fields=["status"])
    with pytest.raises(Conflict):
        publish(completed, by=lead)


def test_the_same_closed_waves_are_published_once(completed, people, lead):
    people(improving(25))
    publish(completed, by=lead)
    # Someone withdraws: a second snapshot would give away their change by difference.
    Respondent.objects.filter(pk=Respondent.objects.first().pk).update(
        withdrawn_at=datetime(2027, 12, 1, tzinfo=UTC)
    )
    with pytest.raises(Conflict):
        publish(completed, by=lead)
    assert Snapshot.objects.filter(scope=SnapshotScope.EVENT).count() == 1


def test_figures_of_waves_already_published_are_carried_over_unchanged(completed, lead):
    made = scene.waves(completed, closed=False)
    scene.build(completed, improving(24), made_waves=made)
    Wave.objects.filter(pk=made["t0"].pk).update(closed_at=datetime(2027, 10, 1, tzinfo=UTC))
    first = publish(completed, by=lead)
    # One baseline answer with fewer opportunities is withdrawn, then the follow-up closes.
    withdrawn = Respondent.objects.filter(
        event=completed, responses__fewer_opportunities=True
    ).first()
    withdrawn.withdrawn_at = datetime(2027, 12, 1, tzinfo=UTC)
    withdrawn.save()
    Wave.objects.filter(event=completed).update(closed_at=datetime(2028, 1, 1, tzinfo=UTC))
    second = publish(completed, by=lead)
    assert second.waves == ["t0", "t1", "t2"]
    before, after = first.tables, second.tables
    assert table(after, "fewer_opportunities") == table(before, "fewer_opportunities")
    assert after["headline"]["fewer_opportunities"] == before["headline"]["fewer_opportunities"]
    answered = {r["key"]: r for r in table(after, "responses")["rows"]}
    answered_before = {r["key"]: r for r in table(before, "responses")["rows"]}
    assert answered["answered_t0"] == answered_before["answered_t0"]
    assert table(after, "reach_country") == table(before, "reach_country")
    # The new wave's figures are new.
    assert after["headline"]["who5_change"]["value"] is not None


def test_sponsor_figures_never_show_a_small_group_and_are_rounded(
    completed, people, lead, sponsor_org
):
    people(improving(23, country="TR"))
    people(improving(7, country="PT", role="volunteer"))
    people(improving(3, country="FI", gender="male"))
    people([Person(country="FI", attended=False)] * 2)
    report = publish(completed, by=lead).tables
    for key, row, row_cells in cells(report):
        for cell in row_cells:
            if cell["kind"] == "count" and cell["value"] is not None:
                assert cell["value"] == 0 or cell["value"] >= 10, (key, row)
                assert cell["value"] % 5 == 0, (key, row)
    by_country = {r["key"]: r["cells"][0] for r in table(report, "reach_country")["rows"]}
    assert by_country["PT"]["flag"] == "primary" and by_country["PT"]["value"] is None
    assert by_country["FI"]["flag"] == "primary"
    # PT and FI are known to make 10 together, but each could be anything from 1 to 9.
    assert by_country["TR"]["value"] == 25
    assert dc.round_count(33) == table(report, "reach_country")["total"][0]["value"]


def test_sponsor_wide_snapshot_gives_nothing_away_about_a_small_event(
    completed, people, lead, sponsor_org, catalogue
):
    people(improving(30))
    small = EventFactory(lead=completed.lead, status="completed")
    Sponsorship.objects.create(event=small, sponsor=sponsor_org)
    made = scene.waves(small)
    scene.build(small, improving(9, start=20, gain=40), made_waves=made)
    big = publish(completed, by=lead)
    publish(small, by=lead)
    wide = Snapshot.objects.filter(scope=SnapshotScope.SPONSOR).first()
    assert wide.tables["coverage"] == {
        str(completed.pk): ["t0", "t1", "t2"],
        str(small.pk): ["t0", "t1", "t2"],
    }
    assert wide.tables["headline"]["who5_change"] == big.tables["headline"]["who5_change"]
    assert table(wide.tables, "outcomes_change") == table(big.tables, "outcomes_change")
    assert "who5" in wide.tables["left_out"]


def test_sponsors_see_their_snapshots_only(completed, people, lead, sponsor, plan, catalogue):
    people(improving(12))
    snapshot = publish(completed, by=lead)
    other = EventFactory(status="completed")
    scene.waves(other)
    foreign = Snapshot.objects.create(scope="event", event=other, tables={}, waves=["t0"])
    assert set(visible_snapshots(sponsor)) == {snapshot, *Snapshot.objects.filter(scope="sponsor")}
    assert foreign not in visible_snapshots(plan.people["pt"])
    assert snapshot in visible_snapshots(plan.people["pt"])
    assert not visible_snapshots(plan.people["outsider"]).exists()
