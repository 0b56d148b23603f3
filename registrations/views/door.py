"""Check-in at the door: a ticket code and a gate in, a big clear answer out.

Without JavaScript the form posts here. With it (static/js/scanner.js) the page scans with the
camera, asks the check-in API, and checks tickets on its own when the network is down; the texts
and addresses it needs come from data- attributes that this view fills in.
"""

import json
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from events.views.helpers import posted, show_error, status_for
from registrations import checkins
from registrations.ages import age_group
from registrations.forms import ACCESSIBILITY_NEEDS, CheckInForm, need_labels
from registrations.models import CheckIn, CheckInReason, CheckInResult
from registrations.views.common import event_zone, get_event_for_editor
from sportevents.errors import DomainError
from sportevents.throttles import rate_limited, signed_in_user

RECENT_SCANS = 10


def _already_heading(previous) -> str:
    """ "Already checked in at 10:42 at gate A": `previous` has the time as text and the gate."""
    if previous["gate"]:
        return _("Already checked in at %(time)s at gate %(gate)s") % previous
    return _("Already checked in at %(time)s") % previous


def _answer(scan: checkins.Scan, event, zone: ZoneInfo) -> dict:
    """What the panel says: a heading, the facts, and its kind (valid, already, invalid)."""
    answer = {"result": scan.result, "facts": [], "needs": [], "note": ""}
    person = scan.participant
    if scan.result == CheckInResult.VALID:
        answer["heading"] = _("Valid")
    elif scan.result == CheckInResult.ALREADY:
        previous = scan.previous
        answer["heading"] = _already_heading(
            {
                "time": timezone.localtime(previous.scanned_at, zone).strftime("%H:%M")
                if previous
                else "?",
                "gate": previous.gate if previous else "",
            }
        )
    else:
        answer["heading"] = _("Invalid")
        answer["reason"] = scan.reason_text
    if person is not None and scan.result != CheckInResult.INVALID:
        answer["facts"] = [
            (_("Name"), person.name),
            (_("Ticket"), person.registration.ticket_type.name),
            (_("Age group"), age_group(person.year_of_birth, event).label),
            (_("Reference"), person.registration.reference),
        ]
        # Staff see needs only when the participant consented to store them.
        if person.accessibility_consent_at:
            answer["needs"] = need_labels(person.accessibility_needs)
            answer["note"] = person.accessibility_note
    return answer


def _scanner_texts() -> dict:
    """Every sentence the page's script may show, in the viewer's language. `%(name)s` marks
    what the script fills in."""
    return {
        "valid": _("Valid"),
        "validOffline": _("Valid (offline)"),
        "invalid": _("Invalid"),
        "alreadyAt": _("Already checked in at %(time)s at gate %(gate)s"),
        "alreadyAtNoGate": _("Already checked in at %(time)s"),
        "alreadyHere": _("Already scanned on this device at %(time)s at gate %(gate)s"),
        "alreadyHereNoGate": _("Already scanned on this device at %(time)s"),
        "name": _("Name"),
        "ticket": _("Ticket"),
        "ageGroup": _("Age group"),
        "reference": _("Reference"),
        "needs": _("Accessibility needs:"),
        "online": _("Online"),
        "offline": _("Offline: tickets are checked on this device"),
        "noKeys": _("Offline, and this device has no keys yet: connect once to load them."),
        "queued": _("Waiting to be sent: %(count)s"),
        "syncing": _("Sending the offline scans…"),
        "synced": _("Offline scans sent: %(count)s."),
        "syncFailed": _("The offline scans could not be sent yet; they are kept on this device."),
        "duplicate": _("%(name)s was scanned twice: the scan at %(time)s at gate %(gate)s counts."),
        "refused": _("Not recorded: %(detail)s"),
        "cameraStart": _("Scan with camera"),
        "cameraStop": _("Stop the camera"),
        "cameraDenied": _("The camera could not be opened: %(error)s"),
        "cameraUnsupported": _("This browser cannot use the camera here: type the code instead."),
        "serverError": _("The server could not check the ticket: try again."),
    }


def _scanner_config(event, zone: ZoneInfo) -> dict:
    return {
        "event": event.slug,
        "zone": str(zone),
        "checkin_url": reverse("api:checkin"),
        "sync_url": reverse("api:checkin-sync"),
        "keys_url": reverse("api:event-ticket-keys", kwargs={"slug": event.slug}),
        "texts": json.dumps(_scanner_texts()),
        "reasons": json.dumps({code: str(label) for code, label in CheckInReason.choices}),
        "needs": json.dumps({code: str(label) for code, label in ACCESSIBILITY_NEEDS}),
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("checkin", keys=(signed_in_user,))
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
        {
            "event": event,
            "form": form,
            "answer": answer,
            "recent": recent,
            "zone": zone,
            "scanner": _scanner_config(event, zone),
        },
        status=status_for(form),
    )
