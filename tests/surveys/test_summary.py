"""The impact summary service on real rows: the database sums agree with the statistics
computed from the same pairs, edge cases render, withdrawn people are left out, and the number of
queries does not grow with the event."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Sponsorship
from surveys import statistics as stats
from surveys.models import Respondent
from surveys.report import organiser_report, sponsor_report
from surveys.statistics import Reason
from surveys.summary import event_summary, project_summary, sponsor_summary
from tests.factories import EventFactory
from tests.surveys import scene
from tests.surveys.conftest import improving
from tests.surveys.scene import Person, paired

pytestmark = pytest.mark.django_db

BEFORE = [44, 52, 60, 36, 48, 72, 40, 56, 64, 28, 50, 68, 32, 76, 44]
AFTER = [56, 60, 60, 52, 44, 80, 60, 56, 76, 48, 54, 64, 52, 80, 60]
DAYS_BEFORE = [0, 2, 5, 3, 1, 6, 2, 4, 5, 0, 3, 7, 1, 2, 4]
DAYS_AFTER = [3, 5, 5, 4, 1, 7, 5, 4, 6, 2, 5, 7, 3, 5, 4]


def varied() -> list[Person]:
    return [
        paired(
            {
                "who5": b,
                "active_days": db,
                "health_good": i % 3 != 0,
                "lonely_often": i % 4 == 0,
                "ucla3": 3 + i % 7,
                "fewer_opportunities": i % 5 == 0,
            },
            {
                "who5": a,
                "active_days": da,
                "health_good": i % 5 != 0,
                "lonely_often": i % 6 == 0,
                "ucla3": 3 + (i + 2) % 7,
                "joined_club": i % 2 == 0,
                "felt_welcome": i != 3,
            },
            country=["TR", "PT", "FI"][i % 3],
            role=["athlete", "volunteer"][i % 2],
        )
        for i, (b, a, db, da) in enumerate(zip(BEFORE, AFTER, DAYS_BEFORE, DAYS_AFTER, strict=True))
    ]


def test_continuous_outcomes_agree_with_the_statistics_of_the_same_pairs(completed, people):
    people(varied())
    summary = event_summary(completed)
    expected = stats.paired_change_from_pairs(zip(BEFORE, AFTER, strict=True))
    who5 = summary.continuous["who5"]
    assert who5.n == len(BEFORE)
    assert who5.mean_change == pytest.approx(expected.mean_change)
    assert who5.sd_change == pytest.approx(expected.sd_change)
    assert (who5.ci_low, who5.ci_high) == pytest.approx((expected.ci_low, expected.ci_high))
    assert who5.d_z == pytest.approx(expected.d_z)
    assert who5.n_improved == expected.n_improved
    days = stats.paired_change_from_pairs(zip(DAYS_BEFORE, DAYS_AFTER, strict=True))
    assert summary.continuous["active_days"].mean_change == pytest.approx(days.mean_change)
    assert summary.continuous["active_days"].sd_change == pytest.approx(days.sd_change)
    before, after = summary.wave_means["who5"]
    assert before.mean == pytest.approx(sum(BEFORE) / len(BEFORE))
    assert after.low < after.mean < after.high


def test_yes_no_outcomes_agree_with_the_paired_tables(completed, people):
    people(varied())
    summary = event_summary(completed)
    health = stats.paired_yes_no_from_pairs((i % 3 != 0, i % 5 != 0) for i in range(15))
    assert summary.yes_no["health_good"] == health
    active = stats.paired_yes_no_from_pairs(
        (b >= 5, a >= 5) for b, a in zip(DAYS_BEFORE, DAYS_AFTER, strict=True)
    )
    assert summary.yes_no["active"] == active
    assert summary.yes_no["active"].test == "exact"


def test_shares_reach_and_response_figures(completed, people):
    people(varied())
    people([Person(country="FI", attended=False, consent=False)])
    people([Person(country="PT", status="cancelled")])
    summary = event_summary(completed)
    assert (summary.registered, summary.attended, summary.consented) == (16, 15, 15)
    assert dict((code, (r, a)) for code, r, a in summary.reach["country"]) == {
        "TR": (5, 5),
        "PT": (5, 5),
        "FI": (6, 5),
    }
    assert summary.volunteers_attended == 7
    assert summary.fewer_opportunities == stats.proportion(3, 15)
    assert summary.legacy["joined_club"] == stats.proportion(8, 15)
    assert summary.experience_wave == "t2"
    assert summary.experience["felt_welcome"] == stats.proportion(14, 15)
    assert summary.answered == {"t0": 15, "t1": 0, "t2": 15}
    assert summary.n_paired == 15
    assert summary.low_precision
    assert summary.smallest_detectable_d_z == pytest.approx(2.8 / 15**0.5)
    # Born 1995, the event is in 2027: all 32.
    assert [code for code, _r, _a in summary.reach["age_group"]] == ["30-64"]


def test_experience_comes_from_the_wave_right_after_the_event_when_it_ran(completed, people):
    people([Person(answers={"t1": {"felt_welcome": True}, "t2": {"felt_welcome": False}})] * 3)
    summary = event_summary(completed)
    assert summary.experience_wave == "t1"
    assert summary.experience["felt_welcome"] == stats.proportion(3, 3)


def test_follow_up_rate_counts_answers_of_those_invited(completed, people):
    people(improving(12, invited=("t0", "t2")))
    people([Person(answers={"t0": {"who5": 50}}, invited=("t0", "t2")) for _ in range(8)])
    summary = event_summary(completed)
    assert summary.invited["t2"] == 20
    assert summary.follow_up_rate == stats.proportion(12, 20)
    assert summary.retention == stats.proportion(12, 20)


def test_no_answers_at_all_gives_a_summary_that_says_so(completed):
    summary = event_summary(completed)
    assert summary.n_paired == 0
    assert summary.continuous["who5"].reasons["mean_change"] is Reason.NO_DATA
    assert summary.follow_up_rate.share is None
    report = organiser_report(summary)
    assert report["headline"]["who5_change"]["value"] is None


def test_withdrawn_respondents_are_left_out_of_every_figure(completed, people):
    people(improving(12))
    baseline = event_summary(completed)
    people(
        [
            paired({"who5": 0, "fewer_opportunities": True}, {"who5": 100}, withdrawn=True)
            for _ in range(4)
        ]
    )
    assert Respondent.objects.filter(withdrawn_at__isnull=False).count() == 4
    summary = event_summary(completed)
    assert summary.continuous == baseline.continuous
    assert summary.fewer_opportunities == baseline.fewer_opportunities
    assert summary.answered == baseline.answered
    # They still took part: reach counts them.
    assert summary.attended == baseline.attended + 4


@pytest.mark.parametrize(("n", "shown"), [(9, False), (10, True)])
def test_nine_paired_people_show_no_change_and_ten_do(completed, people, n, shown):
    people(improving(n))
    report = sponsor_report(event_summary(completed))
    change = report["headline"]["who5_change"]
    assert (change["value"] is not None) is shown
    assert change["flag"] == (None if shown else "too_few")


def test_all_improved_shows_a_full_share_with_a_wilson_interval(completed, people):
    people(improving(12, gain=20))
    summary = event_summary(completed)
    assert summary.continuous["who5"].share_improved.share == 1.0
    table = next(t for t in sponsor_report(summary)["tables"] if t["key"] == "outcomes_change")
    who5 = next(row for row in table["rows"] if row["key"] == "who5")
    assert who5["cells"][-1]["value"] == 100.0


def _queries(event) -> int:
    with CaptureQueriesContext(connection) as queries:
        organiser_report(event_summary(event))
    return len(queries)


def test_the_summary_runs_a_fixed_number_of_queries(completed, people, django_assert_num_queries):
    people(improving(3))
    small = _queries(completed)
    people(improving(60, country="PT") + [Person(country="FI", role="coach")] * 5)
    with django_assert_num_queries(small):
        organiser_report(event_summary(completed))
    assert small <= 9


def _second_event(catalogue, lead, sponsor_org, count, start=40):
    other = EventFactory(lead=lead, status="completed")
    Sponsorship.objects.create(event=other, sponsor=sponsor_org)
    waves = scene.waves(other)
    scene.build(other, improving(count, start=start, gain=30), made_waves=waves)
    return other


def test_a_sponsor_summary_leaves_out_an_event_with_fewer_than_ten(
    completed, people, sponsor_org, catalogue
):
    people(improving(30))
    _second_event(catalogue, completed.lead, sponsor_org, 9)
    alone = event_summary(completed)
    together = sponsor_summary(sponsor_org)
    # Subtracting the event's figures from the sponsor's would give the small event's away.
    assert together.continuous["who5"] == alone.continuous["who5"]
    assert together.yes_no == alone.yes_no
    assert together.left_out["who5"] == 9
    assert together.n_paired == 39  # counts are summed; they are rounded when shown


def test_small_events_count_together_once_they_reach_ten(completed, people, sponsor_org, catalogue):
    people(improving(30))
    _second_event(catalogue, completed.lead, sponsor_org, 5)
    _second_event(catalogue, completed.lead, sponsor_org, 6)
    together = sponsor_summary(sponsor_org)
    assert together.continuous["who5"].n == 41
    assert "who5" not in together.left_out


def test_a_project_is_the_events_of_one_lead_under_one_action(
    completed, people, sponsor_org, catalogue
):
    people(improving(12))
    other = _second_event(catalogue, completed.lead, sponsor_org, 15)
    EventFactory(status="completed")  # another lead's event
    summary = project_summary(completed.lead, completed.action)
    assert set(summary.event_ids) == {completed.pk, other.pk}
    assert summary.n_paired == 27
