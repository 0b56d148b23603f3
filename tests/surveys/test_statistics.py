"""Impact statistics against independent oracles (scipy, statsmodels) and published examples."""

import math
import random

import numpy as np
import pytest
from scipy import special, stats
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from surveys.statistics import (
    Reason,
    hedges_correction,
    mcnemar_chi_square_p,
    mcnemar_exact_p,
    paired_change,
    paired_change_from_pairs,
    paired_yes_no,
    paired_yes_no_from_pairs,
    proportion,
    student_t_quantile,
    student_t_upper_tail,
    who5_score,
)

# --- Student t ---------------------------------------------------------------------------------

DEGREES = [1, 2, 3, 4, 5, 8, 9, 10, 29, 30, 99, 1000, 49_999]
PROBABILITIES = [0.5, 0.5001, 0.6, 0.9, 0.95, 0.975, 0.995, 0.999999, 0.025, 1e-6]


@pytest.mark.parametrize("df", DEGREES)
def test_t_quantile_matches_scipy(df):
    for p in PROBABILITIES:
        # Large df loses a few digits in lgamma; a 95 % interval needs four. Right next to the
        # median scipy itself is good to ~1e-9 only (see the closed forms below).
        tolerance = 1e-12 if df <= 1000 else 1e-9
        if abs(p - 0.5) < 0.01:
            tolerance = 1e-8
        assert student_t_quantile(p, df) == pytest.approx(
            stats.t.ppf(p, df), rel=tolerance, abs=1e-15
        )


@pytest.mark.parametrize("df", [1, 2.5, 7, 30, 500])
def test_t_upper_tail_matches_scipy(df):
    for t in [0.0, 0.1, 1.0, 2.0, 4.5, 30.0, 300.0]:
        assert student_t_upper_tail(t, df) == pytest.approx(
            stats.t.sf(t, df), rel=1e-12, abs=1e-300
        )


def _closed_form_quantile(p, df):
    """Exact quantiles for df = 1, 2, 4 (e.g. Wikipedia, Student's t-distribution)."""
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    alpha = 4 * p * (1 - p)
    q = math.cos(math.acos(math.sqrt(alpha)) / 3) / math.sqrt(alpha)
    return math.copysign(2 * math.sqrt(q - 1), p - 0.5)


@pytest.mark.parametrize("df", [1, 2, 4])
def test_t_quantile_matches_closed_forms(df):
    for p in [0.5001, 0.51, 0.6, 0.975, 0.999, 0.3]:
        assert student_t_quantile(p, df) == pytest.approx(_closed_form_quantile(p, df), rel=1e-11)


def test_t_quantile_table_values():
    # Printed t tables (e.g. Altman 1991, Appendix): two-sided 5 % points.
    assert round(student_t_quantile(0.975, 1), 3) == 12.706
    assert round(student_t_quantile(0.975, 9), 3) == 2.262
    assert round(student_t_quantile(0.975, 29), 3) == 2.045


@pytest.mark.parametrize("p, df", [(0, 5), (1, 5), (-0.1, 5), (0.5, 0), (0.9, -1)])
def test_t_quantile_refuses_impossible_arguments(p, df):
    with pytest.raises(ValueError):
        student_t_quantile(p, df)


# --- Continuous outcome ------------------------------------------------------------------------


def _who5_pairs(n, seed, shift=6):
    rng = random.Random(seed)
    pairs = []
    for _ in range(n):
        before = [rng.randint(0, 5) for _ in range(5)]
        after = [min(5, max(0, item + rng.choice([-1, 0, 0, 1, 1, 2]))) for item in before]
        pairs.append((who5_score(before), who5_score(after) + shift * rng.random()))
    return pairs


@pytest.mark.parametrize("n", [2, 3, 9, 10, 30, 400])
def test_paired_change_matches_scipy_and_statsmodels(n):
    pairs = _who5_pairs(n, seed=n)
    before = np.array([b for b, _a in pairs])
    after = np.array([a for _b, a in pairs])
    change = after - before
    summary = paired_change_from_pairs(pairs)

    assert summary.n == n
    assert summary.mean_before == pytest.approx(before.mean())
    assert summary.mean_after == pytest.approx(after.mean())
    assert summary.mean_change == pytest.approx(change.mean())
    assert summary.sd_change == pytest.approx(change.std(ddof=1))
    interval = stats.ttest_rel(after, before).confidence_interval(0.95)
    assert (summary.ci_low, summary.ci_high) == pytest.approx(
        (interval.low, interval.high), rel=1e-10
    )
    assert (summary.ci_low, summary.ci_high) == pytest.approx(
        DescrStatsW(change).tconfint_mean(0.05), rel=1e-10
    )
    d = change.mean() / change.std(ddof=1)
    assert summary.d_z_uncorrected == pytest.approx(d)
    if n >= 3:
        assert summary.d_z == pytest.approx(d * (1 - 3 / (4 * (n - 1) - 1)))
    assert summary.n_improved == int((change >= 10).sum())
    assert summary.share_improved.share == pytest.approx((change >= 10).mean())
    assert summary.smallest_detectable_d_z == pytest.approx(2.8 / math.sqrt(n))
    assert summary.low_precision is (n < 30)


@pytest.mark.parametrize("n", [3, 5, 10, 30, 200])
def test_hedges_correction_is_close_to_the_exact_gamma_factor(n):
    df = n - 1
    exact = math.exp(special.gammaln(df / 2) - special.gammaln((df - 1) / 2)) / math.sqrt(df / 2)
    tolerance = 0.015 if n < 5 else 0.003 if n < 10 else 0.0005
    assert hedges_correction(n) == pytest.approx(exact, rel=tolerance)
    assert hedges_correction(n) < 1  # it shrinks the small-sample overestimate


def test_no_pairs_is_not_computable_and_low_precision():
    summary = paired_change_from_pairs([])
    assert summary.n == 0
    assert summary.mean_change is None and summary.ci_low is None and summary.d_z is None
    assert summary.smallest_detectable_d_z is None
    assert summary.low_precision is True
    assert summary.reasons["d_z"] is Reason.NO_DATA
    assert summary.share_improved.share is None
    assert str(summary.reasons["ci"].label)


def test_one_pair_has_means_but_no_spread():
    summary = paired_change_from_pairs([(40, 56)])
    assert (summary.mean_before, summary.mean_after, summary.mean_change) == (40, 56, 16)
    assert summary.sd_change is None and summary.ci_low is None and summary.d_z is None
    assert summary.reasons["ci"] is Reason.ONE_PAIR
    assert summary.smallest_detectable_d_z == pytest.approx(2.8)


def test_two_pairs_have_an_interval_but_no_corrected_effect_size():
    summary = paired_change_from_pairs([(40, 56), (60, 64)])
    assert summary.ci_low == pytest.approx(10 - 12.706204736174694 * math.sqrt(72) / math.sqrt(2))
    assert summary.d_z_uncorrected == pytest.approx(10 / math.sqrt(72))
    assert summary.d_z is None
    assert summary.reasons["d_z"] is Reason.TOO_FEW_FOR_CORRECTION


def test_everyone_changing_by_the_same_amount_has_no_interval_or_effect_size():
    summary = paired_change_from_pairs([(score, score + 12) for score in range(20, 80, 4)])
    assert summary.mean_change == 12
    assert summary.sd_change == 0
    assert summary.ci_low is None and summary.ci_high is None and summary.d_z is None
    assert summary.reasons["ci"] is Reason.NO_VARIATION
    assert summary.reasons["d_z"] is Reason.NO_VARIATION


def test_database_rounding_noise_counts_as_no_variation():
    summary = paired_change(n=50, mean_before=48.0, mean_after=60.0, sd_change=3e-13, n_improved=50)
    assert summary.sd_change == 0 and summary.d_z is None


def test_all_improved():
    summary = paired_change_from_pairs([(20 + i, 60 + 2 * i) for i in range(12)])
    assert summary.n_improved == 12
    assert summary.share_improved.share == 1.0
    assert summary.share_improved.ci_high == 1.0
    assert summary.share_improved.ci_low == pytest.approx(
        proportion_confint(12, 12, method="wilson")[0]
    )
    assert summary.d_z > 0


def test_improvement_needs_at_least_the_threshold():
    summary = paired_change_from_pairs([(40, 50), (40, 49.9), (40, 30), (40, 52)])
    assert summary.n_improved == 2


@pytest.mark.parametrize("n, low", [(9, True), (10, True), (29, True), (30, False)])
def test_low_precision_flag_below_thirty_pairs(n, low):
    assert paired_change_from_pairs(_who5_pairs(n, seed=1)).low_precision is low


# --- Proportions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "count, n, low, high",
    # Newcombe (1998), Stat Med 17:857, Table II, method 3 (score interval without correction).
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombe_1998(count, n, low, high):
    result = proportion(count, n)
    assert (round(result.ci_low, 4), round(result.ci_high, 4)) == (low, high)


def test_wilson_interval_matches_statsmodels():
    for n in [1, 2, 9, 10, 11, 30, 97]:
        for count in range(n + 1):
            result = proportion(count, n)
            expected = proportion_confint(count, n, alpha=0.05, method="wilson")
            assert (result.ci_low, result.ci_high) == pytest.approx(expected, abs=1e-12)
            assert 0.0 <= result.ci_low <= result.share <= result.ci_high <= 1.0


def test_proportion_of_nobody_is_not_computable():
    result = proportion(0, 0)
    assert result.share is None and result.ci_low is None
    assert result.reasons["share"] is Reason.NO_DATA


@pytest.mark.parametrize("count, n", [(-1, 5), (6, 5)])
def test_proportion_refuses_impossible_counts(count, n):
    with pytest.raises(ValueError):
        proportion(count, n)


# --- McNemar -----------------------------------------------------------------------------------


def test_exact_mcnemar_matches_statsmodels_for_every_small_table():
    for b in range(25):
        for c in range(25 - b):
            if b + c == 0:
                continue
            expected = mcnemar([[5, b], [c, 5]], exact=True).pvalue
            assert mcnemar_exact_p(b, c) == pytest.approx(expected, rel=1e-12)


def test_chi_square_mcnemar_matches_statsmodels_with_continuity_correction():
    for b in range(0, 60, 3):
        for c in range(0, 60, 7):
            if b + c < 25 or b == c:
                continue
            expected = mcnemar([[5, b], [c, 5]], exact=False, correction=True).pvalue
            assert mcnemar_chi_square_p(b, c) == pytest.approx(expected, rel=1e-10)
    # statsmodels leaves |b − c| − 1 unclamped at b = c; no difference is no evidence: p = 1.
    assert mcnemar_chi_square_p(20, 20) == 1.0


def test_fagerland_2013_worked_example():
    # Fagerland, Lydersen & Laake (2013), BMC Med Res Methodol 13:91: airway hyper-responsiveness
    # before and after stem cell transplantation, 21 children, b = 1, c = 7: exact p = 0.070.
    result = paired_yes_no(both_yes=1, yes_to_no=1, no_to_yes=7, both_no=12)
    assert result.test == "exact"
    assert round(result.p_value, 3) == 0.070
    assert result.p_value == 18 / 256
    assert result.change_points == pytest.approx((8 / 21 - 2 / 21) * 100)
    assert result.before.share == pytest.approx(2 / 21)
    assert result.after.share == pytest.approx(8 / 21)


def test_exact_test_below_25_discordant_pairs_chi_square_from_25():
    assert paired_yes_no(both_yes=3, yes_to_no=10, no_to_yes=14, both_no=3).test == "exact"
    at_25 = paired_yes_no(both_yes=3, yes_to_no=10, no_to_yes=15, both_no=3)
    assert at_25.test == "chi-square"
    assert at_25.p_value == pytest.approx(
        mcnemar([[3, 10], [15, 3]], exact=False, correction=True).pvalue
    )


def test_paired_yes_no_from_pairs_counts_the_discordant_pairs():
    pairs = [(True, True)] * 4 + [(True, False)] * 2 + [(False, True)] * 9 + [(False, False)] * 5
    result = paired_yes_no_from_pairs(pairs)
    assert (result.n, result.yes_to_no, result.no_to_yes) == (20, 2, 9)
    assert result.before.count == 6 and result.after.count == 13
    assert result.change_points == pytest.approx(35.0)
    assert result.p_value == pytest.approx(stats.binomtest(2, 11, 0.5).pvalue)


def test_everyone_giving_the_same_answer_has_no_test():
    result = paired_yes_no_from_pairs([(True, True)] * 15)
    assert result.change_points == 0
    assert result.p_value is None and result.test is None
    assert result.reasons["p_value"] is Reason.NO_CHANGE_OF_ANSWER
    assert result.before.share == 1.0 and result.before.ci_high == 1.0


def test_no_pairs_yes_no():
    result = paired_yes_no_from_pairs([])
    assert result.n == 0 and result.change_points is None and result.p_value is None
    assert result.reasons["p_value"] is Reason.NO_DATA


def test_negative_cells_are_refused():
    with pytest.raises(ValueError):
        paired_yes_no(both_yes=1, yes_to_no=-1, no_to_yes=0, both_no=0)


# --- WHO-5 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "items, score",
    [([0, 0, 0, 0, 0], 0), ([5, 5, 5, 5, 5], 100), ([3, 2, 4, 1, 0], 40), ([3, 3, 3, 3, 1], 52)],
)
def test_who5_score_is_raw_sum_times_four(items, score):
    assert who5_score(items) == score


def test_who5_with_a_missing_item_has_no_score():
    assert who5_score([3, None, 4, 4, 4]) is None


@pytest.mark.parametrize("items", [[6, 0, 0, 0, 0], [-1, 0, 0, 0, 0], [True, 0, 0, 0, 0],
                                   [2.5, 0, 0, 0, 0], [1, 2, 3, 4]])  # fmt: skip
def test_who5_refuses_items_outside_the_scale(items):
    with pytest.raises(ValueError):
        who5_score(items)
