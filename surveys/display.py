"""A report (:mod:`surveys.report`) put into words in the reader's language: titles, row and
column labels, cell texts, footnotes and the caveats. Used by the pages, the PDF, the CSV and the
API alike, so that every one of them says the same."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django_countries import countries

from registrations.ages import AgeGroup
from registrations.models import Gender, Role
from surveys import disclosure as dc
from surveys.models import WaveKind

TABLE_TITLES = {
    "reach_country": gettext_lazy("People who took part, by country of residence"),
    "reach_age_group": gettext_lazy("People who took part, by age group"),
    "reach_gender": gettext_lazy("People who took part, by gender"),
    "reach_role": gettext_lazy("People who took part, by role"),
    "fewer_opportunities": gettext_lazy("Participants with fewer opportunities (baseline)"),
    "who5_before_after": gettext_lazy("Wellbeing (WHO-5, 0–100) before and after"),
    "outcomes_change": gettext_lazy("Change from before the event to the follow-up"),
    "yes_no_before_after": gettext_lazy("Health, activity and loneliness before and after"),
    "experience_t1": gettext_lazy("Experience of the event (right after it)"),
    "experience_t2": gettext_lazy("Experience of the event (at the follow-up)"),
    "legacy": gettext_lazy("Since the event (at the follow-up)"),
    "responses": gettext_lazy("Who answered"),
    "response_rates": gettext_lazy("Consent and response rates"),
    "operational_registered_country": gettext_lazy("Registered, by country of residence"),
    "operational_attended_country": gettext_lazy("Attended, by country of residence"),
    "operational_registered_role": gettext_lazy("Registered, by role"),
    "operational_attended_role": gettext_lazy("Attended, by role"),
    "monitoring": gettext_lazy("Survey invitations and answers, per wave"),
}
SECTION_TITLES = {
    "reach": gettext_lazy("Reach"),
    "inclusion": gettext_lazy("Inclusion"),
    "outcomes": gettext_lazy("Outcomes: the same people before and after"),
    "experience": gettext_lazy("Experience"),
    "legacy": gettext_lazy("Legacy"),
    "responses": gettext_lazy("Answers and response rates"),
    "operational": gettext_lazy("Operational figures (organisers only)"),
}
DIMENSIONS = {
    "country": gettext_lazy("Country"),
    "age_group": gettext_lazy("Age group"),
    "gender": gettext_lazy("Gender"),
    "role": gettext_lazy("Role"),
    "wave": gettext_lazy("Survey"),
    "outcome": gettext_lazy("Outcome"),
    "item": gettext_lazy("Question"),
    "measure": gettext_lazy("Figure"),
}
COLUMNS = {
    "attended": gettext_lazy("Attended"),
    "registered": gettext_lazy("Registered"),
    "mean": gettext_lazy("Mean"),
    # xgettext:no-python-format
    "ci": gettext_lazy("95 % interval"),
    "n": gettext_lazy("People (n)"),
    "before": gettext_lazy("Before"),
    "after": gettext_lazy("After"),
    # xgettext:no-python-format
    "before_ci": gettext_lazy("Before, 95 % interval"),
    # xgettext:no-python-format
    "after_ci": gettext_lazy("After, 95 % interval"),
    "change": gettext_lazy("Change"),
    "d_z": gettext_lazy("Effect size (d_z)"),
    "improved": gettext_lazy("Improved by 10 or more"),
    "p_value": gettext_lazy("p (McNemar)"),
    "share": gettext_lazy("Share"),
    "people": gettext_lazy("People"),
    "invited": gettext_lazy("Invited"),
    "answered": gettext_lazy("Answered"),
    "rate": gettext_lazy("Response rate"),
}
ROWS = {
    "who5": gettext_lazy("Wellbeing (WHO-5, 0–100)"),
    "active_days": gettext_lazy("Active days per week (0–7)"),
    "ucla3": gettext_lazy("Loneliness score (UCLA-3, 3–9, lower is better)"),
    "health_good": gettext_lazy("Health good or very good"),
    "active": gettext_lazy("Active on 5 or more days a week"),
    "lonely_often": gettext_lazy("Often or always lonely"),
    "fewer_opportunities": gettext_lazy("With fewer opportunities (any barrier)"),
    "felt_welcome": gettext_lazy("Felt welcome"),
    "met_other_countries": gettext_lazy("Met people from other countries"),
    "intend_active": gettext_lazy("Intend to keep active"),
    "joined_club": gettext_lazy("Joined a club"),
    "new_activity": gettext_lazy("Took up a new regular activity"),
    "volunteered": gettext_lazy("Volunteered"),
    "registered": gettext_lazy("Registered"),
    "attended": gettext_lazy("Took part"),
    "answered_t0": gettext_lazy("Answered the baseline survey"),
    "answered_t1": gettext_lazy("Answered the survey right after the event"),
    "answered_t2": gettext_lazy("Answered the follow-up survey"),
    "paired": gettext_lazy("Answered both (paired)"),
    "consent_rate": gettext_lazy("Agreed to the survey, of those registered"),
    "follow_up_rate": gettext_lazy("Answered the follow-up, of those invited"),
    "retention": gettext_lazy("Answered the follow-up, of those who answered the baseline"),
}
CAVEATS = {
    "single_group": gettext_lazy(
        "These are the same people asked before and after the event: one group, so a change "
        "cannot be attributed to the event alone."
    ),
    "no_control_group": gettext_lazy(
        "There is no comparison group of people who did not take part."
    ),
    "self_report": gettext_lazy(
        "All answers are self-reported and may lean towards what people think is expected."
    ),
    "regression_to_the_mean": gettext_lazy(
        "People who felt unusually low before tend to report higher scores later anyway "
        "(regression to the mean)."
    ),
    "non_response": gettext_lazy(
        "Only some participants answered both surveys; those who did may differ from those "
        "who did not."
    ),
    "experience_not_change": gettext_lazy(
        "Experience and legacy questions are asked once and are not validated scales: they "
        "describe, they do not measure change."
    ),
}
FLAG_NOTES = {flag.value: flag.label for flag in dc.Flag}
WAVE_LABELS = dict(WaveKind.choices)
_CODES = {
    "age_group": dict(AgeGroup.choices),
    "gender": dict(Gender.choices),
    "role": dict(Role.choices),
    "wave": {
        "t0": pgettext_lazy("survey wave", "Before (baseline)"),
        "t1": pgettext_lazy("survey wave", "Right after the event"),
        "t2": pgettext_lazy("survey wave", "After (follow-up)"),
    },
}


def row_label(dimension: str, code: str) -> str:
    if dimension == "country":
        return str(countries.name(code) or code)
    if dimension in _CODES:
        return str(_CODES[dimension].get(code, code))
    return str(ROWS.get(code, code))


def cell_text(cell: dict | None, threshold: int) -> str:
    if not cell:
        return ""
    kind, value, flag = cell["kind"], cell["value"], cell["flag"]
    if flag:
        return dc.hidden_text(dc.Flag(flag), dc.Policy(count_threshold=threshold))
    if kind == "none" or value is None:
        return "–"
    if kind in ("count", "number"):
        return number_format(value, force_grouping=True)
    if kind.startswith("interval:"):
        statistic = kind.split(":", 1)[1]
        return _("%(low)s to %(high)s") % {
            "low": dc.format_value(value[0], statistic),
            "high": dc.format_value(value[1], statistic),
        }
    return dc.format_value(value, kind)


@dataclass
class DisplayRow:
    key: str
    label: str
    texts: list[str]
    cells: list[dict]


@dataclass
class DisplayTable:
    key: str
    section: str
    title: str
    dimension: str
    columns: list[str]
    rows: list[DisplayRow]
    total: list[str] | None
    rolled_up: bool
    chart: str | None
    flags: list[str] = field(default_factory=list)  # footnotes of the hidden cells
    source: dict = field(default_factory=dict)
    figure: object = None  # its chart (surveys.charts.Chart), when it has one


def display_table(table: dict, threshold: int) -> DisplayTable:
    rows = [
        DisplayRow(
            row["key"],
            row_label(table["dimension"], row["key"]),
            [cell_text(cell, threshold) for cell in row["cells"]],
            row["cells"],
        )
        for row in table["rows"]
    ]
    cells = [cell for row in table["rows"] for cell in row["cells"]] + (table["total"] or [])
    flags = sorted({cell["flag"] for cell in cells if cell["flag"]})
    return DisplayTable(
        key=table["key"],
        section=table["section"],
        title=str(TABLE_TITLES.get(table["key"], table["key"])),
        dimension=str(DIMENSIONS.get(table["dimension"], table["dimension"])),
        columns=[str(COLUMNS.get(column, column)) for column in table["columns"]],
        rows=rows,
        total=[cell_text(cell, threshold) for cell in table["total"]] if table["total"] else None,
        rolled_up=table["rolled_up"],
        chart=table["chart"],
        flags=[
            _("%(mark)s: %(note)s")
            % {
                "mark": dc.hidden_text(dc.Flag(f), dc.Policy(count_threshold=threshold)),
                "note": FLAG_NOTES[f],
            }
            for f in flags
        ],
        source=table,
    )


@dataclass
class DisplaySection:
    key: str
    title: str
    tables: list[DisplayTable]


def sections(tables: list[dict], threshold: int) -> list[DisplaySection]:
    grouped: dict[str, DisplaySection] = {}
    for table in tables:
        shown = display_table(table, threshold)
        section = grouped.setdefault(
            shown.section,
            DisplaySection(
                shown.section, str(SECTION_TITLES.get(shown.section, shown.section)), []
            ),
        )
        section.tables.append(shown)
    return list(grouped.values())


def headline(report: dict) -> dict[str, str]:
    threshold = report["threshold"]
    return {key: cell_text(cell, threshold) for key, cell in report["headline"].items()}


def shown(cell: dict) -> bool:
    return cell["value"] is not None and not cell["flag"]


def caveats(report: dict) -> list[str]:
    return [str(CAVEATS[key]) for key in report["caveats"] if key in CAVEATS]


def display(report: dict) -> dict:
    """Everything a page or the PDF needs, in the active language."""
    threshold = report["threshold"]
    result = {
        "headline": headline(report),
        "headline_cells": report["headline"],
        "sections": sections(report["tables"], threshold),
        "precision": {
            "smallest_detectable_d_z": cell_text(
                report["precision"]["smallest_detectable_d_z"], threshold
            ),
            "low_precision": report["precision"]["low_precision"],
        },
        "caveats": caveats(report),
        "left_out": [str(ROWS.get(key.split(":")[-1], key)) for key in report["left_out"]],
        "waves": [str(WAVE_LABELS.get(kind, kind)) for kind in report["waves"]],
        "instrument_versions": report["instrument_versions"],
        "threshold": threshold,
    }
    if "operational" in report:
        result["operational"] = sections(report["operational"], report["operational_threshold"])
        result["open_waves"] = [str(WAVE_LABELS.get(k, k)) for k in report["open_waves"]]
    return result
