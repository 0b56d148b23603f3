"""Published snapshots: the only impact figures sponsors and the public ever see.

`publish(event, by=...)` stores the sponsor view (:func:`surveys.report.sponsor_report`) of the
event's closed waves, with the date and the instrument versions, and then a sponsor-wide
snapshot for each of the event's sponsors across their events that have a published snapshot.
Snapshots are never changed; a newer one replaces an older one on the pages.

Two snapshots must not give away by difference what a single person changed (a withdrawal
between them, say). So:
- an event's snapshot needs the event to be completed (its reach no longer moves) and at least
  one closed wave not covered by its previous snapshot, otherwise there is nothing new to publish;
- every figure that depends only on waves the previous snapshot already covered is carried over
  from it unchanged, not computed again;
- a sponsor-wide snapshot is made only when the events or waves it covers change, and leaves
  out of each figure the events with fewer than 10 contributing people (see surveys.summary).
"""

from __future__ import annotations

import copy

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from events.models import Event, EventStatus, Organisation, Sponsorship
from events.permissions import require_lead_editor
from sportevents.errors import Conflict
from surveys.models import Snapshot, SnapshotScope
from surveys.report import sponsor_report
from surveys.summary import T0, T1, T2, event_summary, summarise

# The waves a figure is computed from; figures not listed depend on registrations only.
BOTH = frozenset({T0, T2})
TABLE_WAVES = {
    "fewer_opportunities": frozenset({T0}),
    "who5_before_after": BOTH,
    "outcomes_change": BOTH,
    "yes_no_before_after": BOTH,
    "experience_t1": frozenset({T1}),
    "experience_t2": frozenset({T2}),
    "legacy": frozenset({T2}),
}
ROW_WAVES = {
    ("responses", "answered_t0"): frozenset({T0}),
    ("responses", "answered_t1"): frozenset({T1}),
    ("responses", "answered_t2"): frozenset({T2}),
    ("responses", "paired"): BOTH,
    ("response_rates", "follow_up_rate"): frozenset({T2}),
    ("response_rates", "retention"): BOTH,
}
HEADLINE_WAVES = {
    "paired": BOTH,
    "who5_change": BOTH,
    "who5_ci": BOTH,
    "fewer_opportunities": frozenset({T0}),
}
PRECISION_WAVES = BOTH


def _carry_over(report: dict, previous: dict, covered: set[str]) -> dict:
    """`report` with every figure that only depends on `covered` waves taken from `previous`."""
    report = copy.deepcopy(report)
    old_tables = {table["key"]: table for table in previous.get("tables", [])}
    for index, table in enumerate(report["tables"]):
        old = old_tables.get(table["key"])
        if old is None:
            continue
        if TABLE_WAVES.get(table["key"], frozenset()) <= covered and not any(
            (table["key"], row["key"]) in ROW_WAVES for row in table["rows"]
        ):
            report["tables"][index] = copy.deepcopy(old)
            continue
        old_rows = {row["key"]: row for row in old["rows"]}
        for row in table["rows"]:
            waves = ROW_WAVES.get(
                (table["key"], row["key"]), TABLE_WAVES.get(table["key"], frozenset())
            )
            if waves <= covered and row["key"] in old_rows:
                row["cells"] = copy.deepcopy(old_rows[row["key"]]["cells"])
    for key, cell in previous.get("headline", {}).items():
        if HEADLINE_WAVES.get(key, frozenset()) <= covered:
            report["headline"][key] = copy.deepcopy(cell)
    if PRECISION_WAVES <= covered and "precision" in previous:
        report["precision"] = copy.deepcopy(previous["precision"])
    return report


def latest_event_snapshot(event: Event) -> Snapshot | None:
    return Snapshot.objects.filter(scope=SnapshotScope.EVENT, event=event).first()


@transaction.atomic
def publish(event: Event, *, by) -> Snapshot:
    """Publish the sponsor view of the event's closed waves (lead organisers only)."""
    require_lead_editor(by, event)
    # One publication at a time per event: the previous snapshot read below stays the latest.
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != EventStatus.COMPLETED:
        raise Conflict(_("Impact figures are published once the event is marked completed."))
    summary = event_summary(event, closed_only=True)
    waves = summary.closed_waves
    if not waves:
        raise Conflict(
            _("No survey wave of this event is closed yet: there is nothing to publish.")
        )
    previous = latest_event_snapshot(event)
    report = sponsor_report(summary)
    if previous is not None:
        covered = set(previous.waves)
        if set(waves) <= covered:
            raise Conflict(
                _(
                    "A snapshot of these closed waves is already published. A new one can be "
                    "published when another wave closes."
                )
            )
        report = _carry_over(report, previous.tables, covered)
    snapshot = Snapshot.objects.create(
        scope=SnapshotScope.EVENT,
        event=event,
        published_by=by,
        instrument_versions=summary.instrument_versions,
        waves=waves,
        tables=report,
    )
    for sponsor in Organisation.objects.filter(sponsorships__event=event).distinct():
        publish_for_sponsor(sponsor, by=by)
    return snapshot


def publish_for_sponsor(sponsor: Organisation, *, by) -> Snapshot | None:
    """The sponsor-wide snapshot across the sponsor's events with a published snapshot, each
    with the waves of its latest one. None when nothing changed since the previous one."""
    event_ids = Sponsorship.objects.filter(sponsor=sponsor).values_list("event_id", flat=True)
    latest: dict[int, Snapshot] = {}
    for snapshot in Snapshot.objects.filter(scope=SnapshotScope.EVENT, event_id__in=event_ids):
        latest.setdefault(snapshot.event_id, snapshot)  # newest first (the model's ordering)
    if not latest:
        return None
    coverage = {str(pk): sorted(s.waves) for pk, s in sorted(latest.items())}
    previous = Snapshot.objects.filter(scope=SnapshotScope.SPONSOR, sponsor=sponsor).first()
    if previous is not None and previous.tables.get("coverage") == coverage:
        return None
    summary = summarise(
        list(latest), closed_only=True, wave_kinds={pk: s.waves for pk, s in latest.items()}
    )
    report = sponsor_report(summary)
    report["coverage"] = coverage
    return Snapshot.objects.create(
        scope=SnapshotScope.SPONSOR,
        sponsor=sponsor,
        published_by=by,
        instrument_versions=summary.instrument_versions,
        waves=summary.closed_waves,
        tables=report,
    )


def visible_snapshots(user):
    """The snapshots `user` may read: their sponsor organisations' (event and sponsor-wide)
    and those of the events their organisations run."""
    if not user.is_authenticated:
        return Snapshot.objects.none()
    organisations = Organisation.objects.of_member(user).values("pk")
    own_events = Event.objects.of_member(user).values("pk")
    sponsored = Sponsorship.objects.filter(sponsor__in=organisations).values("event_id")
    return Snapshot.objects.filter(
        Q(scope=SnapshotScope.SPONSOR, sponsor__in=organisations)
        | Q(scope=SnapshotScope.EVENT, event__in=sponsored)
        | Q(scope=SnapshotScope.EVENT, event__in=own_events)
    ).select_related("event", "sponsor")


def public_snapshot(event: Event) -> Snapshot | None:
    """The latest snapshot of a completed public event: its headline is public."""
    if event.status != EventStatus.COMPLETED:
        return None
    return latest_event_snapshot(event)
