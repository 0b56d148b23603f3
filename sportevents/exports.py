"""CSV files that are safe to open in a spreadsheet.

Every CSV download goes through `csv_writer`: a cell that a spreadsheet would read as a formula
(=, +, -, @, tab, carriage return first) is written as text, with a leading apostrophe. The
downloads are listed in CSV_EXPORTS (URL names), which the test of this promise walks
(tests/security/test_hardening.py); a ".csv" address missing from the list fails it.
"""

import csv

from django.http import HttpResponse

CSV_EXPORTS = [
    "registrations:csv",
    "payments:csv",
    "impact:evidence",
    "impact:snapshot_csv",
    "events:audit_csv",
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _SafeWriter:
    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row) -> None:
        self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def csv_response(filename: str) -> tuple[HttpResponse, _SafeWriter]:
    """An attachment response for `filename` (UTF-8 with a byte order mark, which spreadsheets
    need to read it as UTF-8) and a writer that neutralises every cell."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, _SafeWriter(response)
