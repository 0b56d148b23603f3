"""Impact API output: snapshots and reports, each figure with its text in the reader's
language next to its value and flag."""

import copy

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from surveys.display import cell_text
from surveys.models import Snapshot


def with_texts(report: dict) -> dict:
    """A copy of the report whose every cell also has its display `text`."""
    report = copy.deepcopy(report)
    threshold = report["threshold"]
    for cell in report["headline"].values():
        cell["text"] = cell_text(cell, threshold)
    precision = report["precision"]["smallest_detectable_d_z"]
    precision["text"] = cell_text(precision, threshold)
    groups = [(report["tables"], threshold)]
    if "operational" in report:
        groups.append((report["operational"], report["operational_threshold"]))
    for tables, limit in groups:
        for table in tables:
            for row in table["rows"]:
                for cell in row["cells"]:
                    cell["text"] = cell_text(cell, limit)
            for cell in table["total"] or []:
                cell["text"] = cell_text(cell, limit)
    return report


class ReportField(serializers.Field):
    def to_representation(self, value):
        return with_texts(value)


@extend_schema_field(OpenApiTypes.OBJECT)
class ReportSchemaField(ReportField):
    """The disclosed figures: headline, tables (rows of cells with kind, value, flag, text),
    precision, caveats. Hidden figures have no value, only a flag."""


class SnapshotSerializer(serializers.ModelSerializer):
    # A programme-wide snapshot has no event; an event's own has no sponsor.
    event = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    sponsor = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    report = ReportSchemaField(source="tables", read_only=True)

    class Meta:
        model = Snapshot
        fields = [
            "id",
            "scope",
            "event",
            "sponsor",
            "published_at",
            "instrument_versions",
            "waves",
            "report",
        ]
        read_only_fields = fields


class ImpactReportSerializer(serializers.Serializer):
    event = serializers.CharField()
    report = ReportSchemaField()
