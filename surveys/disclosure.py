"""Disclosure control for published figures (domain.md §6): what a sponsor or the public may see.

Pure functions that turn exact counts and statistics into :class:`Cell` values a template, CSV or
PDF renders as they are: display text, the published machine value (``None`` when hidden) and the
:class:`Flag` saying why a cell is hidden.

The rules, for a threshold t (10 for sponsors, 5 for organisers' operational counts):
- a count of 1 … t−1 is shown as "<t" (primary suppression); 0 is shown;
- a count whose complement (total − count) is 1 … t−1 is hidden too, as it reveals that small rest;
- secondary suppression: in a breakdown, hidden cells must not be recoverable from the total and
  the shown cells. We hide the next smallest shown count until every hidden cell can take at
  least two values given what is published (below); when no shown count is left the breakdown
  rolls up into its total;
- a breakdown whose total is under t shows only the total, as "<t";
- every shown count is rounded to the nearest 5. Counts are integers and 5 is odd, so there are
  no halves to break ties on (12 → 10, 13 → 15); with an even base a tie rounds up;
- a mean, percentage, interval or effect size needs at least 10 contributing people, and a
  percentage (or its interval) of a count also obeys the count rule, as count = share × n;
- minimum and maximum are never published: each is one person's answer;
- one breakdown dimension per table; groups under 10 roll up into the total, and subgroups are
  compared only when both reach 10.

What an adversary is assumed to know when we check that a hidden cell is safe: the exact total
(it is usually published elsewhere, unrounded), every shown cell exactly (rounding is not relied
upon), each cell's flag, and what each flag implies: primary 1 … t−1; complement ≥ t with
total − count in 1 … t−1; secondary ≥ t and total − count ≥ t. Symbols follow the UK Government
Statistical Service convention for tables: "[c]" confidential, "[x]" not available.

Rounding does not protect against differencing two tables that differ by one person; sponsors
therefore see immutable snapshots of closed waves, never live or freely filtered figures.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

CONFIDENTIAL = "[c]"
NOT_AVAILABLE = "[x]"


class Flag(enum.Enum):
    """Why a cell is hidden; ``label`` is the footnote a reader sees."""

    PRIMARY = "primary"
    COMPLEMENT = "complement"
    SECONDARY = "secondary"
    TOO_FEW = "too_few"
    NOT_COMPUTABLE = "not_computable"

    @property
    def label(self) -> str:
        return _FLAG_LABELS[self]


_FLAG_LABELS = {
    Flag.PRIMARY: _("Fewer people than the threshold: the exact number is not shown."),
    Flag.COMPLEMENT: _("Hidden because the people not counted here are fewer than the threshold."),
    Flag.SECONDARY: _("Hidden so that a small number cannot be worked out from the total."),
    Flag.TOO_FEW: _("Too few people to show this figure; they are included in the total."),
    Flag.NOT_COMPUTABLE: _("This figure cannot be calculated from the answers."),
}


class Kind(enum.Enum):
    """The statistics we publish. There is deliberately no minimum or maximum."""

    MEAN = "mean"
    CHANGE = "change"
    PERCENT = "percent"
    PERCENTAGE_POINTS = "percentage_points"
    EFFECT_SIZE = "effect_size"
    P_VALUE = "p_value"

    @classmethod
    def _missing_(cls, value: object) -> Kind:
        if value in ("min", "max", "minimum", "maximum", "range"):
            raise ValueError("minimum and maximum are never published: each is one person's answer")
        raise ValueError(f"unknown statistic {value!r}")


@dataclass(frozen=True)
class Policy:
    """Thresholds for one audience. Statistics always need 10 people (domain.md §6)."""

    count_threshold: int = 10
    statistic_threshold: int = 10
    round_to: int = 5

    def __post_init__(self) -> None:
        # Rounding must never turn a shown count into 0, so the threshold is at least the base.
        if not 1 <= self.round_to <= self.count_threshold:
            raise ValueError("round_to must be between 1 and the count threshold")


SPONSOR = Policy()
ORGANISER_OPERATIONAL = Policy(count_threshold=5)


@dataclass(frozen=True)
class Cell:
    """One published figure: ``text`` to display, ``value`` to export (None when hidden)."""

    text: str
    value: int | float | tuple[float, float] | None
    flag: Flag | None = None

    @property
    def suppressed(self) -> bool:
        return self.flag is not None


@dataclass(frozen=True)
class Row:
    label: str
    cell: Cell


@dataclass(frozen=True)
class Table:
    """A one-dimensional breakdown. ``rolled_up`` means only the total may be shown."""

    dimension: str
    rows: tuple[Row, ...]
    total: Cell
    rolled_up: bool = False


# --- Counts ------------------------------------------------------------------------------------


def round_count(count: int, base: int = 5) -> int:
    """Nearest multiple of ``base``; a tie (only possible with an even base) rounds up."""
    _check_count(count)
    return (count + base // 2) // base * base


def _check_count(count: int) -> None:
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"a count is a whole number of people, not {count!r}")


def _shown(count: int, policy: Policy) -> Cell:
    rounded = round_count(count, policy.round_to)
    return Cell(number_format(rounded, force_grouping=True), rounded)


def _hidden(flag: Flag, policy: Policy) -> Cell:
    text = f"<{policy.count_threshold}" if flag is Flag.PRIMARY else CONFIDENTIAL
    return Cell(text, None, flag)


def _count_flag(count: int, total: int | None, threshold: int) -> Flag | None:
    if 0 < count < threshold:
        return Flag.PRIMARY
    if total is not None and 0 < total - count < threshold:
        return Flag.COMPLEMENT
    return None


def count_cell(count: int, *, total: int | None = None, policy: Policy = SPONSOR) -> Cell:
    """A headline count, e.g. "attended", with its complement checked against ``total``
    ("registered") when the page also shows that total."""
    _check_count(count)
    if total is not None and total < count:
        raise ValueError("a count cannot exceed its total")
    flag = _count_flag(count, total, policy.count_threshold)
    return _hidden(flag, policy) if flag else _shown(count, policy)


def _bounds(flag: Flag, total: int, threshold: int) -> tuple[int, int]:
    """What a reader can infer about a hidden cell from its flag alone."""
    if flag is Flag.PRIMARY:
        return 1, threshold - 1
    if flag is Flag.COMPLEMENT:
        return max(threshold, total - threshold + 1), total - 1
    return threshold, total - threshold  # secondary: neither small nor with a small complement


def _some_cell_recoverable(counts: Sequence[int], flags: Sequence[Flag | None], t: int) -> bool:
    """Whether the total and the shown cells pin a hidden cell to one value.

    The hidden cells sum to a known S, each lies in [lo, hi]; cell i can take every integer in
    [max(lo_i, S − Σ_{j≠i} hi_j), min(hi_i, S − Σ_{j≠i} lo_j)].
    """
    total = sum(counts)
    hidden = [i for i, flag in enumerate(flags) if flag is not None]
    hidden_sum = sum(counts[i] for i in hidden)
    bounds = [_bounds(flags[i], total, t) for i in hidden]
    sum_low = sum(low for low, _high in bounds)
    sum_high = sum(high for _low, high in bounds)
    for low, high in bounds:
        feasible_low = max(low, hidden_sum - (sum_high - high))
        feasible_high = min(high, hidden_sum - (sum_low - low))
        if feasible_low >= feasible_high:
            return True
    return False


def count_table(
    dimension: str,
    counts: Mapping[str, int] | Sequence[tuple[str, int]],
    *,
    policy: Policy = SPONSOR,
) -> Table:
    """A breakdown of people by one dimension (country, age band, role…) and its total.

    The categories must be exclusive and together cover everyone counted (add "not stated" as a
    category), so that the total is their sum.
    """
    items = list(counts.items()) if isinstance(counts, Mapping) else list(counts)
    for label, count in items:
        if not isinstance(label, str):
            raise ValueError("a table has one breakdown dimension: labels are single strings")
        _check_count(count)
    labels = [label for label, _count in items]
    values = [count for _label, count in items]
    total = sum(values)
    t = policy.count_threshold

    if 0 < total < t:
        rows = tuple(Row(label, _hidden(Flag.TOO_FEW, policy)) for label in labels)
        return Table(dimension, rows, _hidden(Flag.PRIMARY, policy), rolled_up=True)

    flags: list[Flag | None] = [_count_flag(count, total, t) for count in values]
    rolled_up = False
    while any(flags) and _some_cell_recoverable(values, flags, t):
        candidates = [i for i, flag in enumerate(flags) if flag is None and values[i] > 0]
        if not candidates:
            rolled_up = True
            break
        flags[min(candidates, key=lambda i: (values[i], i))] = Flag.SECONDARY

    if rolled_up:
        rows = tuple(Row(label, _hidden(Flag.TOO_FEW, policy)) for label in labels)
    else:
        rows = tuple(
            Row(label, _hidden(flag, policy) if flag else _shown(count, policy))
            for label, count, flag in zip(labels, values, flags, strict=True)
        )
    return Table(dimension, rows, _shown(total, policy), rolled_up=rolled_up)


# --- Statistics --------------------------------------------------------------------------------


def _rounded(value: float, decimals: int) -> Decimal:
    """Half away from zero on the decimal digits the reader sees (Django's formatter would
    truncate a float), and no "-0.0"."""
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return rounded if rounded else abs(rounded)


def _format(value: float, kind: Kind) -> str:
    if kind is Kind.PERCENT:
        return gettext("%(value)s %%") % {"value": number_format(_rounded(value, 0), 0)}
    if kind is Kind.P_VALUE:
        return "< 0.001" if value < 0.001 else number_format(_rounded(value, 3), 3)
    decimals = 2 if kind is Kind.EFFECT_SIZE else 1
    rounded = _rounded(value, decimals)
    text = number_format(rounded, decimals)
    if kind in (Kind.CHANGE, Kind.PERCENTAGE_POINTS, Kind.EFFECT_SIZE) and rounded > 0:
        text = "+" + text
    if kind is Kind.PERCENTAGE_POINTS:
        return gettext("%(value)s points") % {"value": text}
    return text


def format_value(value: float, kind: Kind | str) -> str:
    """A published statistic's display text in the active language (for stored values)."""
    return _format(value, Kind(kind))


def hidden_text(flag: Flag, policy: Policy = SPONSOR) -> str:
    """What a hidden cell shows: "<t" for a small count, "[x]" if not computable, else "[c]"."""
    if flag is Flag.NOT_COMPUTABLE:
        return NOT_AVAILABLE
    return _hidden(flag, policy).text


def _statistic_flag(n: int, count: int | None, policy: Policy) -> Flag | None:
    _check_count(n)
    if n < policy.statistic_threshold:
        return Flag.TOO_FEW
    if count is not None:
        if not 0 <= count <= n:
            raise ValueError("count must lie between 0 and n")
        return _count_flag(count, n, policy.count_threshold)
    return None


def statistic_cell(
    value: float | None,
    *,
    n: int,
    kind: Kind | str,
    count: int | None = None,
    policy: Policy = SPONSOR,
) -> Cell:
    """A mean, change, percentage, effect size or p-value from ``n`` contributing people.

    For a percentage of people pass ``count`` (the numerator) too: the count rule then applies,
    since the share and n would give the hidden count back. PERCENT values are 0-100.
    """
    kind = Kind(kind)
    flag = _statistic_flag(n, count, policy)
    if flag is None and value is None:
        flag = Flag.NOT_COMPUTABLE
    if flag is not None:
        return Cell(NOT_AVAILABLE if flag is Flag.NOT_COMPUTABLE else CONFIDENTIAL, None, flag)
    return Cell(_format(value, kind), value)


def interval_cell(
    low: float | None,
    high: float | None,
    *,
    n: int,
    kind: Kind | str,
    count: int | None = None,
    policy: Policy = SPONSOR,
) -> Cell:
    """A 95 % interval, gated like :func:`statistic_cell`; the value is (low, high)."""
    kind = Kind(kind)
    flag = _statistic_flag(n, count, policy)
    if flag is None and (low is None or high is None):
        flag = Flag.NOT_COMPUTABLE
    if flag is not None:
        return Cell(NOT_AVAILABLE if flag is Flag.NOT_COMPUTABLE else CONFIDENTIAL, None, flag)
    text = gettext("%(low)s to %(high)s") % {"low": _format(low, kind), "high": _format(high, kind)}
    return Cell(text, (low, high))


def group_statistics(
    dimension: str,
    groups: Sequence[tuple[str, int, float | None]],
    *,
    total: tuple[int, float | None],
    kind: Kind | str,
    policy: Policy = SPONSOR,
) -> Table:
    """One statistic (e.g. mean WHO-5 change) per group of one dimension, plus everyone's.

    A group under the threshold is hidden and counted only in the total. Its value could be
    worked out from the total and the shown groups, so the hidden groups together must reach
    the threshold too: otherwise the next smallest group is hidden as well. The hidden groups'
    combined figure is then about enough people to be shown.
    """
    for label, n, _value in groups:
        if not isinstance(label, str):
            raise ValueError("a table has one breakdown dimension: labels are single strings")
        _check_count(n)
    total_n, total_value = total
    t = policy.statistic_threshold
    flags: list[Flag | None] = [Flag.TOO_FEW if n < t else None for _label, n, _v in groups]
    hidden_n = sum(n for (_label, n, _v), flag in zip(groups, flags, strict=True) if flag)
    while 0 < hidden_n < t:
        candidates = [i for i, flag in enumerate(flags) if flag is None]
        if not candidates:
            break
        smallest = min(candidates, key=lambda i: (groups[i][1], i))
        flags[smallest] = Flag.SECONDARY
        hidden_n += groups[smallest][1]
    rows = tuple(
        Row(label, Cell(CONFIDENTIAL, None, flag))
        if flag
        else Row(label, statistic_cell(value, n=n, kind=kind, policy=policy))
        for (label, n, value), flag in zip(groups, flags, strict=True)
    )
    rolled_up = all(flags)
    return Table(
        dimension,
        rows,
        statistic_cell(total_value, n=total_n, kind=kind, policy=policy),
        rolled_up=rolled_up,
    )


def can_compare(n_a: int, n_b: int, *, policy: Policy = SPONSOR) -> bool:
    """Whether two subgroups may be compared: both need the statistic threshold."""
    return min(n_a, n_b) >= policy.statistic_threshold


__all__ = [
    "CONFIDENTIAL",
    "NOT_AVAILABLE",
    "ORGANISER_OPERATIONAL",
    "SPONSOR",
    "Cell",
    "Flag",
    "Kind",
    "Policy",
    "Row",
    "Table",
    "can_compare",
    "count_cell",
    "count_table",
    "format_value",
    "group_statistics",
    "hidden_text",
    "interval_cell",
    "round_count",
    "statistic_cell",
]
