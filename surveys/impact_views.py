"""Impact pages.

Organisers (`/events/<slug>/impact/`): the live summary (sponsor rules, plus operational counts
at threshold 5 and the response rates of each wave), publishing a snapshot, and the evidence
export for the final report.

Sponsors (`/impact/`): the events their organisations sponsor with the latest published
snapshots, and each snapshot with its charts, PDF and CSV. Only published snapshots are read
there: never live figures, never a row about a person."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from events.models import EventStatus, Organisation, Sponsorship
from events.views.helpers import button_view
from registrations.views.common import get_event_for_editor
from surveys import exports
from surveys.charts import add_charts
from surveys.display import display
from surveys.models import Snapshot, SnapshotScope
from surveys.pdf import report_pdf
from surveys.report import organiser_report, sponsor_report
from surveys.snapshots import publish, visible_snapshots
from surveys.summary import event_summary


def impact_url(event) -> str:
    return reverse("impact:organiser", args=[event.slug])


@login_required
def impact_page(request, slug: str):
    event, access = get_event_for_editor(request.user, slug)
    shown = display(organiser_report(event_summary(event)))
    add_charts(shown["sections"], shown["threshold"])
    return render(
        request,
        "surveys/impact_organiser.html",
        {
            "event": event,
            "access": access,
            "report": shown,
            "snapshots": Snapshot.objects.filter(scope=SnapshotScope.EVENT, event=event),
        },
    )


@login_required
def publish_page(request, slug: str):
    """GET: what sponsors would see (the closed waves only), and the button; POST: publish."""
    event, access = get_event_for_editor(request.user, slug)
    if request.method == "POST":
        return button_view(
            request,
            action=lambda: publish(event, by=request.user),
            success=_("The snapshot is published: the sponsors see it now."),
            next=impact_url(event),
        )
    preview = display(sponsor_report(event_summary(event, closed_only=True)))
    add_charts(preview["sections"], preview["threshold"])
    return render(
        request,
        "surveys/impact_publish.html",
        {"event": event, "access": access, "report": preview},
    )


@login_required
def evidence_csv(request, slug: str):
    event, _access = get_event_for_editor(request.user, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-impact-evidence.csv"'
    exports.write_report_csv(response, organiser_report(event_summary(event)), event=event)
    return response


@login_required
def impact_home(request):
    sponsors = list(
        Organisation.objects.of_member(request.user)
        .filter(sponsorships__isnull=False)
        .distinct()
        .order_by("name")
    )
    sponsorships = list(
        Sponsorship.objects.filter(sponsor__in=sponsors)
        .exclude(event__status__in=(EventStatus.DRAFT,))
        .select_related("event", "sponsor")
        .order_by("sponsor__name", "-event__starts_on")
    )
    event_ids = {s.event_id for s in sponsorships}
    latest: dict[int, Snapshot] = {}
    for snapshot in Snapshot.objects.filter(scope=SnapshotScope.EVENT, event_id__in=event_ids):
        latest.setdefault(snapshot.event_id, snapshot)
    wide: dict[int, Snapshot] = {}
    for snapshot in Snapshot.objects.filter(scope=SnapshotScope.SPONSOR, sponsor__in=sponsors):
        wide.setdefault(snapshot.sponsor_id, snapshot)
    rows = [(s, latest.get(s.event_id)) for s in sponsorships]
    return render(
        request,
        "surveys/impact_home.html",
        {
            "groups": [
                (
                    sponsor,
                    wide.get(sponsor.pk),
                    [(s, snap) for s, snap in rows if s.sponsor_id == sponsor.pk],
                )
                for sponsor in sponsors
            ],
        },
    )


def _snapshot(user, pk: int) -> Snapshot:
    snapshot = visible_snapshots(user).filter(pk=pk).first()
    if snapshot is None:
        raise Http404
    return snapshot


def snapshot_title(snapshot: Snapshot) -> str:
    return snapshot.event.title if snapshot.event_id else snapshot.sponsor.name


@login_required
def snapshot_detail(request, pk: int):
    snapshot = _snapshot(request.user, pk)
    shown = display(snapshot.tables)
    add_charts(shown["sections"], shown["threshold"])
    return render(
        request,
        "surveys/impact_snapshot.html",
        {"snapshot": snapshot, "title": snapshot_title(snapshot), "report": shown},
    )


def _filename(snapshot: Snapshot, extension: str) -> str:
    subject = snapshot.event.slug if snapshot.event_id else snapshot.sponsor.slug
    return f"impact-{subject}-{snapshot.published_at:%Y-%m-%d}-{snapshot.pk}.{extension}"


@login_required
def snapshot_pdf(request, pk: int):
    snapshot = _snapshot(request.user, pk)
    response = HttpResponse(
        report_pdf(
            snapshot.tables,
            title=snapshot_title(snapshot),
            published=formats.date_format(snapshot.published_at, "DATE_FORMAT"),
        ),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(snapshot, "pdf")}"'
    return response


@login_required
def snapshot_csv(request, pk: int):
    snapshot = _snapshot(request.user, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(snapshot, "csv")}"'
    exports.write_report_csv(
        response, snapshot.tables, event=snapshot.event, sponsor=snapshot.sponsor
    )
    return response
