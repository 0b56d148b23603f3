"""CSV of a report's aggregate tables: the published snapshot for sponsors, the evidence for
the final report for organisers. One line per figure, with its text as shown and its value;
hidden figures have no value, only their mark and the reason. Never a row per person."""

import csv

from django.utils.translation import gettext as _

from registrations.views.organiser import neutralise
from surveys.display import FLAG_NOTES, display_table


def _tables(report: dict):
    for table in report["tables"]:
        yield table, report["threshold"]
    for table in report.get("operational", []):
        yield table, report["operational_threshold"]


def _value(cell: dict) -> str:
    value = cell["value"]
    if value is None or cell["flag"]:
        return ""
    if isinstance(value, list):
        return f"{value[0]:.4g};{value[1]:.4g}"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def write_report_csv(stream, report: dict, *, event=None, sponsor=None) -> None:
    stream.write("\ufeff")  # spreadsheets then read the file as UTF-8
    writer = csv.writer(stream)
    subject = event.title if event is not None else sponsor.name if sponsor is not None else ""
    writer.writerow(
        [
            _("Subject"),
            _("Table"),
            _("Breakdown"),
            _("Row"),
            _("Column"),
            _("Shown as"),
            _("Value"),
            _("Note"),
        ]
    )
    for table, threshold in _tables(report):
        shown = display_table(table, threshold)
        lines = [(row.label, row.cells, row.texts) for row in shown.rows]
        if table["total"]:
            lines.append((_("Total"), table["total"], shown.total))
        for label, cells, texts in lines:
            for column, cell, text in zip(shown.columns, cells, texts, strict=False):
                note = FLAG_NOTES[cell["flag"]] if cell["flag"] else ""
                writer.writerow(
                    neutralise(value)
                    for value in (
                        subject,
                        shown.title,
                        shown.dimension,
                        label,
                        column,
                        text,
                        _value(cell),
                        note,
                    )
                )
