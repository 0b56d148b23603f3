"""Charts drawn on the server as SVG: the geometry is worked out here, the markup is in
templates/surveys/_chart.html. Horizontal bars, one per row of a published table; a hidden
cell draws no bar and shows its mark ("<10", "[c]") instead, so a chart never shows more than
its table. Whiskers are the 95 % intervals."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from surveys.display import DisplayTable, cell_text

WIDTH = 640
LABEL_WIDTH = 230
VALUE_SPACE = 70  # for the value text right of the longest bar
BAR = 22
GAP = 10
GROUP_GAP = 16
TOP = 8
AXIS = 28  # room for the tick labels under the bars
COLOURS = {"count": "#0b4f9c", "before": "#8a96a3", "after": "#0b4f9c"}


@dataclass
class Bar:
    y: float
    label: str
    text: str
    width: float
    colour: str
    series: str = ""
    whisker: tuple[float, float] | None = None

    @property
    def middle(self) -> float:
        return self.y + BAR / 2

    @property
    def text_x(self) -> float:
        right = max(self.width, self.whisker[1] - LABEL_WIDTH if self.whisker else 0)
        return LABEL_WIDTH + right + 6


@dataclass
class Chart:
    key: str
    height: float
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    legend: list[tuple[str, str]] = field(default_factory=list)
    width: int = WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def plot_right(self) -> float:
        return self.width - VALUE_SPACE

    @property
    def axis_y(self) -> float:
        return self.height - AXIS + 4


def _plot_width() -> float:
    return WIDTH - LABEL_WIDTH - VALUE_SPACE


def _nice_maximum(largest: float) -> float:
    if largest <= 0:
        return 10.0
    step = 10 ** max(0, len(str(int(largest))) - 1)
    return float(-(-largest // step) * step)


def _ticks(maximum: float, *, percent: bool = False) -> list[tuple[float, str]]:
    scale = _plot_width() / maximum
    values = [maximum * i / 4 for i in range(5)]
    return [
        (LABEL_WIDTH + value * scale, f"{value:g} %" if percent else f"{value:g}")
        for value in values
    ]


def bar_chart(table: DisplayTable, threshold: int) -> Chart:
    """Counts per row of a one-column count table."""
    values = [row.cells[0]["value"] for row in table.rows]
    maximum = _nice_maximum(max((v for v in values if v is not None), default=0))
    scale = _plot_width() / maximum
    bars = []
    y = TOP
    for row in table.rows:
        value = row.cells[0]["value"]
        bars.append(
            Bar(
                y=y,
                label=row.label,
                text=cell_text(row.cells[0], threshold),
                width=(value or 0) * scale,
                colour=COLOURS["count"],
            )
        )
        y += BAR + GAP
    return Chart(table.key, y + AXIS, bars, _ticks(maximum))


def before_after_chart(table: DisplayTable, threshold: int, *, percent: bool) -> Chart:
    """Before and after bars with their intervals: either one row per wave (a mean on 0-100)
    or, with `percent`, one group per outcome with a before and an after bar."""
    scale = _plot_width() / 100.0
    bars = []
    y = TOP

    def bar(label, value_cell, interval_cell, series):
        nonlocal y
        value = value_cell["value"]
        interval = interval_cell["value"] if interval_cell else None
        bars.append(
            Bar(
                y=y,
                label=label,
                text=cell_text(value_cell, threshold),
                width=(value or 0) * scale,
                colour=COLOURS[series],
                series=series,
                whisker=(LABEL_WIDTH + interval[0] * scale, LABEL_WIDTH + interval[1] * scale)
                if interval
                else None,
            )
        )
        y += BAR + 4

    legend = []
    if percent:
        columns = table.source["columns"]
        at = {name: columns.index(name) for name in ("before", "before_ci", "after", "after_ci")}
        for row in table.rows:
            bar(
                _("%(outcome)s, before") % {"outcome": row.label},
                row.cells[at["before"]],
                row.cells[at["before_ci"]],
                "before",
            )
            bar(
                _("%(outcome)s, after") % {"outcome": row.label},
                row.cells[at["after"]],
                row.cells[at["after_ci"]],
                "after",
            )
            y += GROUP_GAP
        legend = [(COLOURS["before"], _("Before")), (COLOURS["after"], _("After"))]
    else:
        for row in table.rows:
            bar(row.label, row.cells[0], row.cells[1], "before" if row.key == "t0" else "after")
    return Chart(table.key, y + AXIS, bars, _ticks(100.0, percent=percent), legend)


def chart_for(table: DisplayTable, threshold: int) -> Chart | None:
    if table.chart == "bars" and not table.rolled_up and table.rows:
        return bar_chart(table, threshold)
    if table.chart == "before_after":
        return before_after_chart(table, threshold, percent=False)
    if table.chart == "before_after_percent":
        return before_after_chart(table, threshold, percent=True)
    return None


def add_charts(sections, threshold: int) -> None:
    """Give each displayed table of `sections` its chart, if it has one."""
    for section in sections:
        for table in section.tables:
            table.figure = chart_for(table, threshold)
