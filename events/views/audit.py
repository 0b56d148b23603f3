"""The event's audit log for its organisers: who changed what, newest first, with filters, pages
and a CSV. Every member of the lead and partner organisations reads it, viewers too: it holds no
one's personal data (see events/audit.py), only what changed on the event and its parts.

Entries keep codes and field names; they are put into words here, in the reader's language.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from accounts.models import User
from events.audit import MODELS
from events.filters import AuditFilter
from events.models import AuditEntry, TargetGroup
from events.sports import Sport
from events.views.helpers import get_event_for_member
from sportevents.exports import csv_response
from venues.models import Feature

PER_PAGE = 50

# Names that are not a field of the logged model.
LABELS = {
    "sports": gettext_lazy("sports"),
    "allocations": gettext_lazy("seats per country"),
    "features": gettext_lazy("accessibility features"),
    "currency": gettext_lazy("currency"),
    "accessibility_consent": gettext_lazy("consent to store accessibility needs"),
    "survey_consent": gettext_lazy("survey consent"),
}
CHOICES = {
    "sports": dict(Sport.choices),
    "target_groups": dict(TargetGroup.choices),
    "features": dict(Feature.choices),
}
# participants[1].email: the second participant's email; participants.email: every participant's.
PARTICIPANT_FIELD = re.compile(r"^participants(?:\[(\d+)\])?\.(\w+)$")


@dataclass(frozen=True)
class Change:
    field: str
    before: str = ""
    after: str = ""
    withheld: bool = False  # a personal field: changed, its values are not kept


def _field(model_label: str | None, name: str):
    if model_label is None:
        return None
    try:
        return apps.get_model(model_label)._meta.get_field(name)
    except (LookupError, FieldDoesNotExist):
        return None


def field_label(object_type: str, name: str) -> str:
    found = PARTICIPANT_FIELD.match(name)
    if found:
        index, inner = found.groups()
        label = field_label_of("registrations.Participant", inner)
        if index is None:
            return _("participants: %(field)s") % {"field": label}
        return _("participant %(number)s: %(field)s") % {"number": int(index) + 1, "field": label}
    return field_label_of(MODELS.get(object_type), name)


def field_label_of(model_label: str | None, name: str) -> str:
    if name in LABELS:
        return str(LABELS[name])
    field = _field(model_label, name)
    return str(field.verbose_name) if field is not None else name


def value_text(object_type: str, name: str, value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    field = _field(MODELS.get(object_type), name)
    choices = CHOICES.get(name) or (dict(field.flatchoices) if field and field.choices else {})
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {item}" for key, item in value.items())
    if field is not None and field.get_internal_type() == "DateTimeField":
        try:
            return datetime.fromisoformat(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        except (TypeError, ValueError):
            return str(value)
    return str(choices.get(value, value))


def changes_of(entry: AuditEntry) -> list[Change]:
    result = []
    for change in entry.changes:
        name = change.get("field", "")
        label = field_label(entry.object_type, name)
        if "before" not in change and "after" not in change:
            result.append(Change(label, withheld=True))
            continue
        result.append(
            Change(
                label,
                value_text(entry.object_type, name, change.get("before")),
                value_text(entry.object_type, name, change.get("after")),
            )
        )
    return result


def changes_text(entry: AuditEntry) -> str:
    return "; ".join(
        _("%(field)s changed") % {"field": change.field}
        if change.withheld
        else f"{change.field}: {change.before} → {change.after}"
        for change in changes_of(entry)
    )


def _filtered(request, event, *, people=None) -> AuditFilter:
    return AuditFilter(request.GET, queryset=AuditEntry.objects.of_event(event), people=people)


def _people(event) -> list[tuple[int, str]]:
    """Those who made a change in this log, for the filter (one query)."""
    users = User.objects.filter(
        pk__in=AuditEntry.objects.filter(event=event, actor__isnull=False).values("actor_id")
    ).order_by("full_name", "email")
    return [(user.pk, str(user)) for user in users]


@require_safe
@login_required
def audit_log(request, slug: str):
    event, access = get_event_for_member(request.user, slug)
    filters = _filtered(request, event, people=_people(event))
    valid = filters.is_valid()
    page = Paginator(filters.qs if valid else AuditEntry.objects.none(), PER_PAGE).get_page(
        request.GET.get("page")
    )
    for entry in page:
        entry.shown_changes = changes_of(entry)
    return render(
        request,
        "events/audit_log.html",
        {
            "event": event,
            "access": access,
            "filters": filters.form,
            "page": page,
            "csv_query": request.GET.urlencode(),
        },
        status=200 if valid else 400,
    )


@require_safe
@login_required
def audit_csv(request, slug: str):
    event, _access = get_event_for_member(request.user, slug)
    filters = _filtered(request, event)
    entries = filters.qs if filters.is_valid() else AuditEntry.objects.none()
    response, writer = csv_response(f"{event.slug}-audit-log.csv")
    writer.writerow(
        [
            _("Time (UTC)"),
            _("Made by"),
            _("What"),
            _("Id"),
            _("Object"),
            _("Action"),
            _("Changes"),
        ]
    )
    for entry in entries.iterator(chunk_size=500):
        writer.writerow(
            [
                entry.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                entry.actor_label,
                entry.get_object_type_display(),
                entry.object_id,
                entry.object_label,
                entry.get_action_display(),
                changes_text(entry),
            ]
        )
    return response
