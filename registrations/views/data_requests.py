"""Data requests, for an organisation's administrators: look up an email address in the events
the organisation leads, download that person's data, erase it after a typed confirmation.

Every step is a POST: the address stays out of URLs, browser histories and access logs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from events.models import Organisation
from events.views.helpers import posted
from registrations import data_requests, privacy
from registrations.forms import DataErasureForm, DataRequestForm, need_labels
from sportevents.errors import Forbidden
from sportevents.throttles import rate_limited, signed_in_user

HISTORY_SHOWN = 20


def _organisation_for_admin(user, slug: str) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug)
    try:
        data_requests.require_admin(organisation, user)
    except Forbidden as error:
        raise PermissionDenied(error.message) from error
    return organisation


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _rows(held: list[data_requests.Held]) -> list[dict]:
    """What the page lists per registration: the person's participants with their needs'
    labels (the rest the template reads off the objects)."""
    return [
        {
            "held": item,
            "people": [
                {"participant": p, "needs": need_labels(p.accessibility_needs)}
                for p in item.participants
            ],
            "cancels": data_requests.will_cancel(item),
        }
        for item in held
    ]


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("data_request", keys=(signed_in_user,))
def data_requests_page(request, slug: str):
    """The search form; posted, what is held about the address."""
    organisation = _organisation_for_admin(request.user, slug)
    form = DataRequestForm(posted(request))
    context = {"organisation": organisation, "form": form}
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        held = data_requests.look_up(organisation, email, by=request.user)
        context.update(
            {
                "searched": True,
                "email": email,
                "rows": _rows(held),
                "earlier": list(data_requests.earlier(organisation, email)[1:HISTORY_SHOWN]),
            }
        )
    context["history"] = data_requests.history(organisation)[:HISTORY_SHOWN]
    return _private(
        render(
            request,
            "registrations/data_requests.html",
            context,
            status=400 if form.errors else 200,
        )
    )


@never_cache
@login_required
@require_POST
@rate_limited("data_request", keys=(signed_in_user,))
def data_request_export(request, slug: str):
    """The person's data as one JSON file: their own export of each registration."""
    organisation = _organisation_for_admin(request.user, slug)
    form = DataRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid email address."))
        return redirect("registrations:data_requests", slug=slug)
    data = data_requests.export_person(organisation, form.cleaned_data["email"], by=request.user)
    response = HttpResponse(
        privacy.export_json(data), content_type="application/json; charset=utf-8"
    )
    filename = f"data-request-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


@never_cache
@login_required
@require_POST
@rate_limited("data_request", keys=(signed_in_user,))
def data_request_erase(request, slug: str):
    """First the confirmation page (what goes, what is cancelled), then, with the address typed
    again, the erasure."""
    organisation = _organisation_for_admin(request.user, slug)
    if "confirm" not in request.POST:
        form = DataErasureForm(initial={"email": request.POST.get("email", "")})
        email = request.POST.get("email", "")
    else:
        form = DataErasureForm(request.POST)
        email = form.data.get("email", "")
        if form.is_valid():
            erased = data_requests.erase_person(
                organisation, form.cleaned_data["email"], by=request.user
            )
            messages.success(request, _erased_message(erased))
            return redirect("registrations:data_requests", slug=slug)
    try:
        held = data_requests.find(organisation, email)
    except ValidationError:
        messages.error(request, _("Enter a valid email address."))
        return redirect("registrations:data_requests", slug=slug)
    return _private(
        render(
            request,
            "registrations/data_request_erase.html",
            {"organisation": organisation, "form": form, "email": email, "rows": _rows(held)},
            status=400 if form.errors else 200,
        )
    )


def _erased_message(erased: data_requests.Erased) -> str:
    if not (erased.registrations or erased.participants):
        return _("Nothing was held under this address: there was nothing to erase.")
    parts = [
        ngettext(
            "Erased %(count)s registration made by this person",
            "Erased %(count)s registrations made by this person",
            erased.registrations,
        )
        % {"count": erased.registrations}
    ]
    if erased.cancelled:
        parts.append(
            ngettext(
                "%(count)s of them was cancelled first and its seats went to the waiting list",
                "%(count)s of them were cancelled first and their seats went to the waiting list",
                erased.cancelled,
            )
            % {"count": erased.cancelled}
        )
    if erased.participants:
        parts.append(
            ngettext(
                "erased %(count)s participant in other people's registrations",
                "erased %(count)s participants in other people's registrations",
                erased.participants,
            )
            % {"count": erased.participants}
        )
    return _("%(done)s. Only anonymous counts stay.") % {"done": "; ".join(parts)}
