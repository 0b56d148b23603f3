"""Impact statistics on paired survey answers (domain.md §5): pure functions, no database.

Every summary accepts either the raw pairs (tests, small data) or the aggregates a database
query returns (``n``, means, standard deviation, counts), so the summary service can aggregate in
SQL and pass the few numbers here. Anything that cannot be computed is ``None`` with a
:class:`Reason` in the result's ``reasons`` mapping (keyed by field name), never NaN or an
exception: a summary of nine people or of people who all answered the same must still render.

All intervals are 95 %. References:
- Student t interval: any textbook, e.g. Altman, *Practical Statistics for Medical Research* (1991).
- Effect size d_z and the Hedges correction: Lakens D (2013), *Calculating and reporting effect
  sizes*, Front. Psychol. 4:863; Borenstein M et al. (2009), *Introduction to Meta-Analysis*, §4.
- Wilson score interval: Newcombe RG (1998), *Two-sided confidence intervals for the single
  proportion*, Stat. Med. 17:857-872 (method 3).
- McNemar test: Fagerland MW, Lydersen S, Laake P (2013), *The McNemar test for binary
  matched-pairs data*, BMC Med. Res. Methodol. 13:91.
- WHO-5: Psychiatric Centre North Zealand; Topp CW et al. (2015), Psychother. Psychosom. 84:167.
"""

from __future__ import annotations

import enum
import math
import statistics as pystats
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# Normal quantile for a two-sided 95 % interval, Φ⁻¹(0.975), to 16 digits.
Z_95 = 1.959963984540054
LOW_PRECISION_BELOW = 30
# A WHO-5 change of at least 10 points (on 0-100) is clinically relevant (Topp et al. 2015).
WHO5_MEANINGFUL_CHANGE = 10.0
# Below this many discordant pairs the McNemar p-value is the exact binomial one (domain.md §5).
EXACT_MCNEMAR_BELOW = 25
# A change SD this small relative to the values is rounding noise from the database, not spread.
_ZERO_SD = 1e-9


class Reason(enum.Enum):
    """Why a figure is not computable; ``label`` is the sentence a reader sees."""

    NO_DATA = "no_data"
    ONE_PAIR = "one_pair"
    TOO_FEW_FOR_CORRECTION = "too_few_for_correction"
    NO_VARIATION = "no_variation"
    NO_CHANGE_OF_ANSWER = "no_change_of_answer"

    @property
    def label(self) -> str:
        return _REASON_LABELS[self]


_REASON_LABELS = {
    Reason.NO_DATA: _("No answers yet."),
    Reason.ONE_PAIR: _("Only one person answered both times, so there is no spread to measure."),
    Reason.TOO_FEW_FOR_CORRECTION: _(
        "Two people are too few for a small-sample corrected effect size."
    ),
    Reason.NO_VARIATION: _(
        "Everyone changed by the same amount, so an interval or effect size has no meaning."
    ),
    Reason.NO_CHANGE_OF_ANSWER: _("Nobody changed their answer, so there is nothing to test."),
}


# --- Student t quantile (scipy is not a runtime dependency) ------------------------------------


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction for I_x(a, b), evaluated by the modified Lentz method.

    Press et al., *Numerical Recipes* (3rd ed., 2007), §6.4 ``betacf``; converges quickly for
    x < (a + 1) / (a + b + 2), in O(√max(a, b)) steps.
    """
    tiny = 1e-300

    def guarded(value: float) -> float:
        return value if abs(value) > tiny else tiny

    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 / guarded(1.0 - qab * x / qap)
    h = d
    for m in range(1, 100_000):
        m2 = 2 * m
        even = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 / guarded(1.0 + even * d)
        c = guarded(1.0 + even / c)
        h *= d * c
        odd = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 / guarded(1.0 + odd * d)
        c = guarded(1.0 + odd / c)
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            return h
    raise ArithmeticError("incomplete beta continued fraction did not converge")  # pragma: no cover


def _regularized_beta(a: float, b: float, x: float, one_minus_x: float) -> float:
    """I_x(a, b), with 1 − x passed separately so that x near 1 loses no digits."""
    if x <= 0.0:
        return 0.0
    if one_minus_x <= 0.0:
        return 1.0
    log_front = (
        a * math.log(x)
        + b * math.log(one_minus_x)
        - (math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b))
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, one_minus_x) / b


def student_t_upper_tail(t: float, df: float) -> float:
    """P(T > t) for Student's t with ``df`` degrees of freedom, t ≥ 0.

    P(T > t) = ½ · I_{df/(df+t²)}(df/2, ½) (Abramowitz & Stegun 26.7.1 with 26.5.27).
    """
    if t < 0:
        raise ValueError("t must be non-negative")
    denominator = df + t * t
    return 0.5 * _regularized_beta(df / 2.0, 0.5, df / denominator, t * t / denominator)


def _student_t_central(t: float, df: float) -> float:
    """P(|T| < t) = I_{t²/(df+t²)}(½, df/2): accurate where the tail is close to ½."""
    denominator = df + t * t
    return _regularized_beta(0.5, df / 2.0, t * t / denominator, df / denominator)


def student_t_quantile(p: float, df: float) -> float:
    """The p-quantile of Student's t with ``df`` > 0 degrees of freedom (0 < p < 1).

    Inverts the tail (or, near the median, the central probability, to keep its digits) by
    bisection, which cannot fail to converge as both are monotone in t; at most a few hundred
    halvings reach the limit of double precision for any df.
    """
    if not 0.0 < p < 1.0:
        raise ValueError("p must lie strictly between 0 and 1")
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    if p == 0.5:
        return 0.0
    central = abs(2.0 * p - 1.0)
    if central < 0.5:

        def below(t: float) -> bool:
            return _student_t_central(t, df) < central
    else:
        tail = min(p, 1.0 - p)

        def below(t: float) -> bool:
            return student_t_upper_tail(t, df) > tail

    low, high = 0.0, 1.0
    while below(high):
        low, high = high, high * 2.0
    for _step in range(2000):
        middle = (low + high) / 2.0
        if middle in (low, high):
            break
        if below(middle):
            low = middle
        else:
            high = middle
    quantile = (low + high) / 2.0
    return quantile if p > 0.5 else -quantile


# --- Continuous outcome, paired ----------------------------------------------------------------


@dataclass(frozen=True)
class PairedChange:
    """Before/after summary of a continuous score on the same people (T0 → T2).

    ``d_z`` is Hedges-corrected; ``d_z_uncorrected`` is mean change / SD of change.
    ``share_improved`` is a proportion (0-1) with its Wilson interval.
    """

    n: int
    mean_before: float | None
    mean_after: float | None
    mean_change: float | None
    sd_change: float | None
    ci_low: float | None
    ci_high: float | None
    d_z_uncorrected: float | None
    d_z: float | None
    n_improved: int
    share_improved: Proportion
    smallest_detectable_d_z: float | None
    low_precision: bool
    reasons: Mapping[str, Reason] = field(default_factory=dict)


def hedges_correction(n: int) -> float | None:
    """J = 1 − 3 / (4·df − 1) with df = n − 1 (Hedges 1981; Borenstein et al. 2009, eq. 4.22).

    The approximation is within 0.3 % of the exact gamma-function factor from n = 5 and
    0.05 % from n = 10 (tested). For
    n = 2 it is 0 (as is the exact factor), which would report every effect as none: ``None``.
    """
    if n < 3:
        return None
    return 1.0 - 3.0 / (4.0 * (n - 1) - 1.0)


def smallest_detectable_d_z(n: int) -> float | None:
    """≈ (z_{0.975} + z_{0.80}) / √n = 2.8 / √n: the d_z a paired design of n people detects
    with 80 % power at two-sided α = 0.05 (Cohen 1988, normal approximation)."""
    return 2.8 / math.sqrt(n) if n > 0 else None


def paired_change(
    *,
    n: int,
    mean_before: float | None,
    mean_after: float | None,
    sd_change: float | None,
    n_improved: int,
) -> PairedChange:
    """Summary from aggregates: n pairs, the two means, the sample SD (n − 1) of the changes
    and how many improved by at least the meaningful change.

    Mean change = mean_after − mean_before (the mean of the differences).
    95 % interval = mean change ± t_{0.975, n−1} · SD / √n.
    d_z = mean change / SD; reported d_z = J · d_z (see :func:`hedges_correction`).
    """
    reasons: dict[str, Reason] = {}
    share = proportion(n_improved, n)
    if n == 0:
        for name in ("means", "mean_change", "sd_change", "ci", "d_z", "smallest_detectable_d_z"):
            reasons[name] = Reason.NO_DATA
        return PairedChange(
            n=0,
            mean_before=None,
            mean_after=None,
            mean_change=None,
            sd_change=None,
            ci_low=None,
            ci_high=None,
            d_z_uncorrected=None,
            d_z=None,
            n_improved=0,
            share_improved=share,
            smallest_detectable_d_z=None,
            low_precision=True,
            reasons=reasons,
        )
    mean_change = mean_after - mean_before
    ci_low = ci_high = d_raw = d_corrected = None
    if n == 1 or sd_change is None:
        sd_change = None
        reasons["sd_change"] = reasons["ci"] = reasons["d_z"] = Reason.ONE_PAIR
    elif sd_change <= _ZERO_SD * max(1.0, abs(mean_before), abs(mean_after)):
        sd_change = 0.0
        reasons["ci"] = reasons["d_z"] = Reason.NO_VARIATION
    else:
        half_width = student_t_quantile(0.975, n - 1) * sd_change / math.sqrt(n)
        ci_low, ci_high = mean_change - half_width, mean_change + half_width
        d_raw = mean_change / sd_change
        correction = hedges_correction(n)
        if correction is None:
            reasons["d_z"] = Reason.TOO_FEW_FOR_CORRECTION
        else:
            d_corrected = correction * d_raw
    return PairedChange(
        n=n,
        mean_before=mean_before,
        mean_after=mean_after,
        mean_change=mean_change,
        sd_change=sd_change,
        ci_low=ci_low,
        ci_high=ci_high,
        d_z_uncorrected=d_raw,
        d_z=d_corrected,
        n_improved=n_improved,
        share_improved=share,
        smallest_detectable_d_z=smallest_detectable_d_z(n),
        low_precision=n < LOW_PRECISION_BELOW,
        reasons=reasons,
    )


def paired_change_from_pairs(
    pairs: Iterable[tuple[float, float]], *, improvement: float = WHO5_MEANINGFUL_CHANGE
) -> PairedChange:
    """:func:`paired_change` from (before, after) pairs; improved means after − before ≥
    ``improvement``."""
    pairs = list(pairs)
    changes = [after - before for before, after in pairs]
    n = len(pairs)
    return paired_change(
        n=n,
        mean_before=pystats.fmean(b for b, _a in pairs) if n else None,
        mean_after=pystats.fmean(a for _b, a in pairs) if n else None,
        sd_change=pystats.stdev(changes) if n > 1 else None,
        n_improved=sum(1 for change in changes if change >= improvement),
    )


# --- Yes/no outcomes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Proportion:
    """``count`` of ``n`` said yes; ``share`` is 0-1 with its Wilson 95 % interval."""

    count: int
    n: int
    share: float | None
    ci_low: float | None
    ci_high: float | None
    reasons: Mapping[str, Reason] = field(default_factory=dict)


def proportion(count: int, n: int) -> Proportion:
    """Share with the Wilson score interval (Newcombe 1998, method 3):

    (p̂ + z²/2n ± z·√(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n), z = Φ⁻¹(0.975).

    Unlike the Wald interval it stays inside 0-1 and is not degenerate at 0 % or 100 %.
    """
    if not 0 <= count <= n:
        raise ValueError("count must lie between 0 and n")
    if n == 0:
        return Proportion(0, 0, None, None, None, {"share": Reason.NO_DATA, "ci": Reason.NO_DATA})
    z2 = Z_95 * Z_95
    denominator = n + z2
    centre = (count + z2 / 2.0) / denominator
    half = Z_95 / denominator * math.sqrt(count * (n - count) / n + z2 / 4.0)
    # At 0 and n the bound is exactly 0 or 1; floating point would give ±1e-17.
    low = 0.0 if count == 0 else centre - half
    high = 1.0 if count == n else centre + half
    return Proportion(count, n, count / n, low, high)


@dataclass(frozen=True)
class PairedYesNo:
    """A yes/no item asked at T0 and T2 of the same people.

    ``yes_to_no`` (b) and ``no_to_yes`` (c) are the discordant pairs; ``change_points`` is the
    change in percentage points (c − b) / n · 100; ``test`` is "exact" or "chi-square".
    """

    n: int
    before: Proportion
    after: Proportion
    yes_to_no: int
    no_to_yes: int
    change_points: float | None
    p_value: float | None
    test: str | None
    reasons: Mapping[str, Reason] = field(default_factory=dict)


def mcnemar_exact_p(b: int, c: int) -> float:
    """Two-sided exact McNemar p: 2 · P(X ≤ min(b, c)), X ~ Binomial(b + c, ½), at most 1.
    Computed in integers, so it is exact for any b + c."""
    m = b + c
    tail = sum(math.comb(m, i) for i in range(min(b, c) + 1))
    return min(1.0, 2 * tail / 2**m)


def mcnemar_chi_square_p(b: int, c: int) -> float:
    """McNemar's χ² with Edwards' continuity correction, 1 df:
    χ² = max(0, |b − c| − 1)² / (b + c); p = P(χ²₁ > χ²) = erfc(√(χ²/2)).

    The max(0, …) keeps b = c at p = 1; statsmodels leaves the correction unclamped there.
    """
    statistic = max(0, abs(b - c) - 1) ** 2 / (b + c)
    return math.erfc(math.sqrt(statistic / 2.0))


def paired_yes_no(*, both_yes: int, yes_to_no: int, no_to_yes: int, both_no: int) -> PairedYesNo:
    """Summary from the four cells of the paired 2×2 table (database counts)."""
    counts = (both_yes, yes_to_no, no_to_yes, both_no)
    if any(count < 0 for count in counts):
        raise ValueError("counts must not be negative")
    n = sum(counts)
    before = proportion(both_yes + yes_to_no, n)
    after = proportion(both_yes + no_to_yes, n)
    reasons: dict[str, Reason] = {}
    change = p_value = test = None
    if n == 0:
        reasons["change_points"] = reasons["p_value"] = Reason.NO_DATA
    else:
        change = (no_to_yes - yes_to_no) / n * 100.0
        discordant = yes_to_no + no_to_yes
        if discordant == 0:
            reasons["p_value"] = Reason.NO_CHANGE_OF_ANSWER
        elif discordant < EXACT_MCNEMAR_BELOW:
            p_value, test = mcnemar_exact_p(yes_to_no, no_to_yes), "exact"
        else:
            p_value, test = mcnemar_chi_square_p(yes_to_no, no_to_yes), "chi-square"
    return PairedYesNo(n, before, after, yes_to_no, no_to_yes, change, p_value, test, reasons)


def paired_yes_no_from_pairs(pairs: Iterable[tuple[bool, bool]]) -> PairedYesNo:
    """:func:`paired_yes_no` from (yes at T0, yes at T2) pairs."""
    cells = {(True, True): 0, (True, False): 0, (False, True): 0, (False, False): 0}
    for before, after in pairs:
        cells[(bool(before), bool(after))] += 1
    return paired_yes_no(
        both_yes=cells[(True, True)],
        yes_to_no=cells[(True, False)],
        no_to_yes=cells[(False, True)],
        both_no=cells[(False, False)],
    )


# --- WHO-5 -------------------------------------------------------------------------------------


def who5_score(items: Sequence[int | None]) -> int | None:
    """WHO-5 percentage score 0-100: the five items (each 0-5) summed to 0-25, times 4.

    Any missing item gives ``None``: the WHO-5 manual does not impute.
    """
    if len(items) != 5:
        raise ValueError(f"WHO-5 has 5 items, got {len(items)}")
    if any(item is None for item in items):
        return None
    for item in items:
        if isinstance(item, bool) or not isinstance(item, int) or not 0 <= item <= 5:
            raise ValueError(f"a WHO-5 item is an integer from 0 to 5, got {item!r}")
    return sum(items) * 4


__all__ = [
    "PairedChange",
    "PairedYesNo",
    "Proportion",
    "Reason",
    "hedges_correction",
    "mcnemar_chi_square_p",
    "mcnemar_exact_p",
    "paired_change",
    "paired_change_from_pairs",
    "paired_yes_no",
    "paired_yes_no_from_pairs",
    "proportion",
    "smallest_detectable_d_z",
    "student_t_quantile",
    "student_t_upper_tail",
    "who5_score",
]
