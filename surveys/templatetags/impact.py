"""The public headline of a completed event: taken from its latest published snapshot, shown
only where the disclosure rules let a figure through. A template tag, so that the events app
(which surveys builds on) needs no import of surveys."""

from django import template

from surveys.display import caveats, headline, shown
from surveys.snapshots import public_snapshot

register = template.Library()


@register.inclusion_tag("surveys/_public_headline.html")
def impact_headline(event):
    snapshot = public_snapshot(event)
    if snapshot is None:
        return {"snapshot": None}
    report = snapshot.tables
    cells = report["headline"]
    change = cells["who5_change"]
    return {
        "snapshot": snapshot,
        "texts": headline(report),
        "attended": shown(cells["attended"]),
        "countries": cells["countries"]["value"] or 0,
        "wellbeing": shown(change) and shown(cells["paired"]),
        "direction": (change["value"] > 0) - (change["value"] < 0) if shown(change) else 0,
        "caveats": caveats(report),
    }
