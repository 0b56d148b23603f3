"""What each audience may see of a summary (domain.md §6), as plain JSON-ready data.

`sponsor_report(summary)` applies the sponsor rules (threshold 10, counts rounded to 5, one
breakdown per table, small groups rolled up); it is what a snapshot stores and what the public
headline is taken from. `organiser_report(summary)` is the same plus the organisers' operational
counts at threshold 5 and the response-rate monitoring of each wave.

The data holds codes and values only, never text in one language: pages, the PDF, the CSV and
the API put it into words in the reader's language (:mod:`surveys.display`). A cell is
``{"kind": …, "value": …, "flag": …}``; a hidden cell has ``value`` None and its flag.
"""

from __future__ import annotations

from surveys import disclosure as dc
from surveys import statistics as stats
from surveys.summary import (
    CAVEATS,
    CONTINUOUS,
    REACH_DIMENSIONS,
    T0,
    T1,
    T2,
    YES_NO,
    Summary,
)

FORMAT = 1
COUNT = "count"
INTERVAL = "interval"  # an interval of the table column's statistic kind
NONE = "none"  # a figure this row does not have (e.g. "improved" of active days)


def _cell(cell: dc.Cell, kind: str) -> dict:
    value = list(cell.value) if isinstance(cell.value, tuple) else cell.value
    return {"kind": kind, "value": value, "flag": cell.flag.value if cell.flag else None}


def _count(count: int, policy: dc.Policy, *, total: int | None = None) -> dict:
    return _cell(dc.count_cell(count, total=total, policy=policy), COUNT)


def _stat(value, *, n: int, kind: dc.Kind, policy: dc.Policy, count: int | None = None) -> dict:
    return _cell(dc.statistic_cell(value, n=n, kind=kind, count=count, policy=policy), kind.value)


def _interval(low, high, *, n: int, kind: dc.Kind, policy: dc.Policy, count=None) -> dict:
    cell = dc.interval_cell(low, high, n=n, kind=kind, count=count, policy=policy)
    return _cell(cell, f"{INTERVAL}:{kind.value}")


def _none() -> dict:
    return {"kind": NONE, "value": None, "flag": None}


def _percent(value: float | None) -> float | None:
    return None if value is None else value * 100.0


def _share_cells(share: stats.Proportion, policy: dc.Policy) -> list[dict]:
    return [
        _count(share.n, policy),
        _stat(
            _percent(share.share), n=share.n, kind=dc.Kind.PERCENT, count=share.count, policy=policy
        ),
        _interval(
            _percent(share.ci_low),
            _percent(share.ci_high),
            n=share.n,
            kind=dc.Kind.PERCENT,
            count=share.count,
            policy=policy,
        ),
    ]


def _table(key, section, dimension, columns, rows, *, total=None, rolled_up=False, chart=None):
    return {
        "key": key,
        "section": section,
        "dimension": dimension,
        "columns": list(columns),
        "rows": [{"key": row_key, "cells": cells} for row_key, cells in rows],
        "total": total,
        "rolled_up": rolled_up,
        "chart": chart,
    }


def _count_table(key, section, dimension, counts, policy, *, column, chart="bars") -> dict:
    table = dc.count_table(dimension, counts, policy=policy)
    return _table(
        key,
        section,
        dimension,
        [column],
        [(row.label, [_cell(row.cell, COUNT)]) for row in table.rows],
        total=[_cell(table.total, COUNT)],
        rolled_up=table.rolled_up,
        chart=chart,
    )


# --- Sections ------------------------------------------------------------------------------


def _reach(summary: Summary, policy: dc.Policy) -> list[dict]:
    return [
        _count_table(
            f"reach_{dimension}",
            "reach",
            dimension,
            [
                (code, attended)
                for code, _registered, attended in summary.reach[dimension]
                if attended
            ],
            policy,
            column="people",
        )
        for dimension in REACH_DIMENSIONS
    ]


def _outcomes(summary: Summary, policy: dc.Policy) -> list[dict]:
    who5 = summary.continuous["who5"]
    before, after = summary.wave_means["who5"]
    mean = dc.Kind.MEAN
    before_after = _table(
        "who5_before_after",
        "outcomes",
        "wave",
        ["mean", "ci"],
        [
            (
                wave,
                [
                    _stat(m.mean, n=who5.n, kind=mean, policy=policy),
                    _interval(m.low, m.high, n=who5.n, kind=mean, policy=policy),
                ],
            )
            for wave, m in ((T0, before), (T2, after))
        ],
        chart="before_after",
    )
    change_rows = []
    for name, improvement in CONTINUOUS.items():
        c = summary.continuous[name]
        n = c.n
        improved = (
            _stat(
                _percent(c.share_improved.share),
                n=n,
                kind=dc.Kind.PERCENT,
                count=c.n_improved,
                policy=policy,
            )
            if improvement is not None
            else _none()
        )
        change_rows.append(
            (
                name,
                [
                    _count(n, policy),
                    _stat(c.mean_before, n=n, kind=mean, policy=policy),
                    _stat(c.mean_after, n=n, kind=mean, policy=policy),
                    _stat(c.mean_change, n=n, kind=dc.Kind.CHANGE, policy=policy),
                    _interval(c.ci_low, c.ci_high, n=n, kind=dc.Kind.CHANGE, policy=policy),
                    _stat(c.d_z, n=n, kind=dc.Kind.EFFECT_SIZE, policy=policy),
                    improved,
                ],
            )
        )
    change = _table(
        "outcomes_change",
        "outcomes",
        "outcome",
        ["n", "before", "after", "change", "ci", "d_z", "improved"],
        change_rows,
    )
    yes_no_rows = []
    for name in YES_NO:
        y = summary.yes_no[name]
        p = dc.Kind.PERCENT
        yes_no_rows.append(
            (
                name,
                [
                    _count(y.n, policy),
                    _stat(
                        _percent(y.before.share), n=y.n, kind=p, count=y.before.count, policy=policy
                    ),
                    _interval(
                        _percent(y.before.ci_low),
                        _percent(y.before.ci_high),
                        n=y.n,
                        kind=p,
                        count=y.before.count,
                        policy=policy,
                    ),
                    _stat(
                        _percent(y.after.share), n=y.n, kind=p, count=y.after.count, policy=policy
                    ),
                    _interval(
                        _percent(y.after.ci_low),
                        _percent(y.after.ci_high),
                        n=y.n,
                        kind=p,
                        count=y.after.count,
                        policy=policy,
                    ),
                    _stat(y.change_points, n=y.n, kind=dc.Kind.PERCENTAGE_POINTS, policy=policy),
                    _stat(y.p_value, n=y.n, kind=dc.Kind.P_VALUE, policy=policy),
                ],
            )
        )
    yes_no = _table(
        "yes_no_before_after",
        "outcomes",
        "outcome",
        ["n", "before", "before_ci", "after", "after_ci", "change", "p_value"],
        yes_no_rows,
        chart="before_after_percent",
    )
    return [before_after, change, yes_no]


def _shares(key, section, shares: dict[str, stats.Proportion], policy) -> dict:
    return _table(
        key,
        section,
        "item",
        ["n", "share", "ci"],
        [(name, _share_cells(share, policy)) for name, share in shares.items()],
    )


def _responses(summary: Summary, policy: dc.Policy) -> list[dict]:
    counts = _table(
        "responses",
        "responses",
        "measure",
        ["people"],
        [
            ("registered", [_count(summary.registered, policy)]),
            ("attended", [_count(summary.attended, policy)]),
            (f"answered_{T0}", [_count(summary.answered[T0], policy)]),
            (f"answered_{T1}", [_count(summary.answered[T1], policy)]),
            (f"answered_{T2}", [_count(summary.answered[T2], policy)]),
            ("paired", [_count(summary.n_paired, policy)]),
        ],
    )
    rates = _table(
        "response_rates",
        "responses",
        "measure",
        ["share"],
        [
            (
                name,
                [
                    _stat(
                        _percent(p.share), n=p.n, kind=dc.Kind.PERCENT, count=p.count, policy=policy
                    )
                ],
            )
            for name, p in (
                ("consent_rate", summary.consent_rate),
                ("follow_up_rate", summary.follow_up_rate),
                ("retention", summary.retention),
            )
        ],
    )
    return [counts, rates]


def _headline(summary: Summary, policy: dc.Policy) -> dict:
    who5 = summary.continuous["who5"]
    return {
        "registered": _count(summary.registered, policy),
        # Not hidden when few did not come: staying away is no sensitive attribute.
        "attended": _count(summary.attended, policy),
        "volunteers": _count(summary.volunteers_attended, policy),
        "countries": {"kind": "number", "value": summary.country_count, "flag": None},
        "paired": _count(summary.n_paired, policy),
        "who5_change": _stat(who5.mean_change, n=who5.n, kind=dc.Kind.CHANGE, policy=policy),
        "who5_ci": _interval(
            who5.ci_low, who5.ci_high, n=who5.n, kind=dc.Kind.CHANGE, policy=policy
        ),
        "fewer_opportunities": _stat(
            _percent(summary.fewer_opportunities.share),
            n=summary.fewer_opportunities.n,
            kind=dc.Kind.PERCENT,
            count=summary.fewer_opportunities.count,
            policy=policy,
        ),
    }


def _precision(summary: Summary, policy: dc.Policy) -> dict:
    # From the published (rounded) n: the exact one would give the rounded count away.
    shown_n = dc.round_count(summary.n_paired, policy.round_to)
    return {
        "smallest_detectable_d_z": _stat(
            stats.smallest_detectable_d_z(shown_n),
            n=summary.n_paired,
            kind=dc.Kind.EFFECT_SIZE,
            policy=policy,
        ),
        "low_precision": summary.low_precision,
    }


def sponsor_report(summary: Summary, *, policy: dc.Policy = dc.SPONSOR) -> dict:
    experience_wave = summary.experience_wave or T1
    return {
        "format": FORMAT,
        "threshold": policy.count_threshold,
        "headline": _headline(summary, policy),
        "tables": [
            *_reach(summary, policy),
            _shares(
                "fewer_opportunities",
                "inclusion",
                {"fewer_opportunities": summary.fewer_opportunities},
                policy,
            ),
            *_outcomes(summary, policy),
            _shares(f"experience_{experience_wave}", "experience", summary.experience, policy),
            _shares("legacy", "legacy", summary.legacy, policy),
            *_responses(summary, policy),
        ],
        "precision": _precision(summary, policy),
        "left_out": sorted(summary.left_out),
        "caveats": list(CAVEATS),
        "waves": summary.closed_waves,
        "instrument_versions": summary.instrument_versions,
    }


def _operational(summary: Summary, policy: dc.Policy) -> list[dict]:
    tables = []
    for dimension in ("country", "role"):
        for column, index in (("registered", 1), ("attended", 2)):
            tables.append(
                _count_table(
                    f"operational_{column}_{dimension}",
                    "operational",
                    dimension,
                    [(row[0], row[index]) for row in summary.reach[dimension]],
                    policy,
                    column=column,
                    chart=None,
                )
            )
    monitoring_rows = []
    for wave in (T0, T1, T2):
        invited, answered = summary.invited[wave], summary.invitations_answered[wave]
        rate = stats.proportion(min(answered, invited), invited)
        monitoring_rows.append(
            (
                wave,
                [
                    _count(invited, policy),
                    _count(answered, policy),
                    _stat(
                        _percent(rate.share),
                        n=rate.n,
                        kind=dc.Kind.PERCENT,
                        count=rate.count,
                        policy=policy,
                    ),
                ],
            )
        )
    tables.append(
        _table(
            "monitoring", "operational", "wave", ["invited", "answered", "rate"], monitoring_rows
        )
    )
    return tables


def organiser_report(summary: Summary) -> dict:
    """The sponsor view plus operational counts at the organisers' threshold of 5."""
    report = sponsor_report(summary)
    report["operational"] = _operational(summary, dc.ORGANISER_OPERATIONAL)
    report["operational_threshold"] = dc.ORGANISER_OPERATIONAL.count_threshold
    report["open_waves"] = sorted({w.kind for w in summary.waves if not w.closed})
    return report


__all__ = ["organiser_report", "sponsor_report"]
