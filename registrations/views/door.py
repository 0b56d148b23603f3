"""Check-in at the door: a ticket code and a gate in, a big clear answer out."""

from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from events.views.helpers import posted, show_error, status_for
from registrations import checkins
from registrations.forms import CheckInForm, need_labels
from registrations.models import CheckIn, CheckInResult
from registrations.views.common import age_group, event_zone, get_event_for_editor
from sportevents.errors import DomainError

RECENT_SCANS = 10


def _answer(scan: checkins.Scan, event, zone: ZoneInfo) -> dict:
    """What the panel says: a heading, the facts, and its kind (valid, already, invalid)."""
    answer = {"result": scan.result, "facts": [], "needs": [], "note": ""}
    person = scan.participant
    if scan.result == CheckInResult.VALID:
        answer["heading"] = _("Valid")
    elif scan.result == CheckInResult.ALREADY:
        previous = scan.previous
        values = {
            "time": timezone.localtime(previous.scanned_at, zone).strftime("%H:%M")
            if previous
            else "?",
            "gate": previous.gate if previous else "",
        }
        answer["heading"] = (
            _("Already checked in at %(time)s at gate %(gate)s") % values
            if values["gate"]
            else _("Already checked in at %(time)s") % values
        )
    else:
        answer["heading"] = _("Invalid")
        answer["reason"] = scan.reason
    if person is not None and scan.result != CheckInResult.INVALID:
        answer["facts"] = [
            (_("Name"), person.name),
            (_("Ticket"), person.registration.ticket_type.name),
            (_("Age group"), age_group(person.year_of_birth, event)),
            (_("Reference"), person.registration.reference),
        ]
        # Staff see needs only when the participant consented to store them.
        if person.accessibility_consent_at:
            answer["needs"] = need_labels(person.accessibility_needs)
            answer["note"] = person.accessibility_note
    return answer


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def check_in(request, slug: str):
    event, _access = get_event_for_editor(request.user, slug)
    zone = ZoneInfo(event_zone(event))
    form = CheckInForm(posted(request), initial={"gate": request.GET.get("gate", "")})
    answer = None
    if request.method == "POST" and form.is_valid():
        try:
            scan = checkins.check_in(
                event,
                token=form.cleaned_data["token"],
                gate=form.cleaned_data["gate"],
                by=request.user,
            )
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            answer = _answer(scan, event, zone)
            # Ready for the next ticket at the same gate.
            form = CheckInForm(initial={"gate": form.cleaned_data["gate"]})
    recent = [
        {"scan": scan, "time": timezone.localtime(scan.scanned_at, zone).strftime("%H:%M")}
        for scan in CheckIn.objects.filter(event=event).select_related("participant")[:RECENT_SCANS]
    ]
    return render(
        request,
        "registrations/check_in.html",
        {"event": event, "form": form, "answer": answer, "recent": recent, "zone": zone},
        status=status_for(form),
    )
