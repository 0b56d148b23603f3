"""The participant's pages: register (alone or a group), and the registration's own page at its
secret link, with the QR tickets, the PDF, changing the details, the data download, erasure and
cancelling. No account is needed."""

import base64
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from events.models import EventStatus, Session
from events.views.display import programme
from events.views.helpers import button_view, get_event_for_user, posted, show_error
from registrations import pdf, privacy, services, tickets
from registrations.forms import (
    MAX_PARTICIPANTS,
    ContactChangeForm,
    EraseForm,
    GroupSizeForm,
    ParticipantChangeFormSet,
    ParticipantFormSet,
    RegistrationForm,
    need_labels,
    typed_values,
)
from registrations.models import Registration, RegistrationStatus
from registrations.views import waiting_room
from sportevents.errors import DomainError
from sportevents.throttles import client_address, posted_email, rate_limited

PARTICIPANT_KEY = re.compile(r"participants\[(\d+)\]\.(\w+)")


def show_refusal(form, participant_forms: list, error: ValidationError | DomainError) -> None:
    """The service's refusal onto the page: "participants[1].year_of_birth" onto the second
    participant sent, the rest onto the registration form (`show_error`)."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        rest = {}
        for key, errors in error.error_dict.items():
            match = PARTICIPANT_KEY.fullmatch(key)
            if match and int(match[1]) < len(participant_forms):
                target = participant_forms[int(match[1])]
                target.add_error(match[2] if match[2] in target.fields else None, errors)
            else:
                rest[key] = errors
        if not rest:
            return
        error = ValidationError(rest)
    show_error(form, error)


def _group_size(request) -> int:
    try:
        return min(max(int(request.GET.get("participants", 1)), 1), MAX_PARTICIPANTS)
    except ValueError:
        return 1


def _registered_message(outcome: services.Outcome) -> str:
    status = outcome.registration.status
    if status == RegistrationStatus.WAITLISTED:
        return _("You are number %(position)s on the waiting list.") % {
            "position": outcome.waitlist_position
        }
    if status == RegistrationStatus.PENDING_PAYMENT:
        return _("Your seats are held; the registration is confirmed once it is paid.")
    return _("You are registered. Your tickets are below.")


@require_http_methods(["GET", "POST"])
@rate_limited("registration", keys=(client_address, posted_email()))
def register(request, slug: str):
    event, _access = get_event_for_user(request.user, slug)
    now = timezone.now()
    ticket_types = [t for t in event.ticket_types.all() if t.on_sale(now)]
    if event.status != EventStatus.PUBLISHED or not ticket_types:
        return render(
            request,
            "registrations/register.html",
            {"event": event, "registration_open": False},
            status=200 if request.method == "GET" else 400,
        )
    # With the room off (most events) this reads one field of the row just loaded, nothing more.
    # It stands only while registration is open: nobody holds a pass before the rush begins.
    if event.waiting_room:
        refused = waiting_room.over_place_limit(request, event)
        if refused is not None:
            return refused
        admission = waiting_room.admit_visitor(request, event)
        if not admission.admitted:
            return waiting_room.waiting_page(request, event, admission)
        return waiting_room.keep_place(_register(request, event, ticket_types), admission)
    return _register(request, event, ticket_types)


def _register(request, event, ticket_types: list) -> HttpResponse:
    """The registration form, and sending it: form → service → the registration's page."""
    data = posted(request)
    form = RegistrationForm(
        data, ticket_types=ticket_types, initial={"ticket_type": request.GET.get("ticket_type")}
    )
    participants = ParticipantFormSet(data, prefix="participants")
    full = False
    size_form = None
    if data is None:
        participants.extra = _group_size(request) - 1
        size_form = GroupSizeForm(
            initial={"participants": participants.extra + 1}, auto_id="group_%s"
        )
    elif "add_participant" in data:
        # Another participant, without JavaScript: the page again as typed, one more, no errors.
        form = RegistrationForm(initial=typed_values(form), ticket_types=ticket_types)
        participants = participants.with_one_more()
    elif all([form.is_valid(), participants.is_valid()]):  # both, for all their errors
        sent = participants.to_register()
        try:
            outcome = services.register(
                event,
                **form.service_fields(),
                participants=[person.service_fields() for person in sent],
            )
        except (DomainError, ValidationError) as error:
            full = getattr(error, "code", None) == "full"
            show_refusal(form, sent, error)
        else:
            messages.success(request, _registered_message(outcome))
            return redirect("registrations:manage", token=outcome.manage_token)
    failed = bool(form.errors or participants.total_error_count())
    return render(
        request,
        "registrations/register.html",
        {
            "event": event,
            "form": form,
            "participants": participants,
            "size_form": size_form,
            "ticket_types": ticket_types,
            "registration_open": True,
            "offer_waiting_list": full or any(not t.seats_left for t in ticket_types),
            "may_add": participants.total_form_count() < MAX_PARTICIPANTS,
            "failed": failed,
        },
        status=400 if failed else 200,
    )


def _registration_or_404(token: str) -> Registration:
    registration = services.find_registration(token)
    if registration is None:
        raise Http404
    return registration


def _private(response: HttpResponse) -> HttpResponse:
    # The address is the key to the registration: keep it out of caches and search engines.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def manage(request, token: str):
    registration = _registration_or_404(token)
    event = registration.event
    participants = list(registration.participants.all())
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    key = tickets.signing_key(event) if confirmed else None
    people = []
    for participant in participants:
        valid = confirmed and participant.ticket_revoked_at is None
        code = tickets.sign(participant, key=key) if valid else ""
        people.append(
            {
                "participant": participant,
                "code": code,
                "qr": base64.b64encode(tickets.qr_svg(code)).decode() if code else "",
                "needs": need_labels(participant.accessibility_needs),
            }
        )
    sessions = (
        Session.objects.filter(event=event)
        .select_related("venue")
        .prefetch_related("venue__features")
    )
    return _private(
        render(
            request,
            "registrations/manage.html",
            {
                "registration": registration,
                "event": event,
                "token": token,
                "people": people,
                "programme": programme(sessions),
                "position": registration.waitlist_position(),
                "may_cancel": registration.status != RegistrationStatus.CANCELLED,
                "may_change": privacy.may_change(registration),
                "has_tickets": confirmed and any(row["code"] for row in people),
            },
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request, token: str):
    """A confirmation page, then the cancellation: it frees the seats for the waiting list."""
    registration = _registration_or_404(token)
    manage_url = reverse("registrations:manage", args=[token])
    if request.method == "POST":
        return button_view(
            request,
            action=lambda: services.cancel_registration(registration),
            success=_("Your registration is cancelled; the seats go to the next in line."),
            next=manage_url,
        )
    if registration.status == RegistrationStatus.CANCELLED:
        return redirect(manage_url)
    return _private(
        render(
            request,
            "registrations/cancel.html",
            {"registration": registration, "event": registration.event, "token": token},
        )
    )


@never_cache
def ticket_png(request, token: str, ticket):
    """The QR code as a PNG, to save or print; only while the registration is confirmed."""
    registration = _registration_or_404(token)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise Http404
    participant = get_object_or_404(registration.participants, ticket_id=ticket)
    participant.registration = registration
    response = HttpResponse(tickets.qr_png(tickets.sign(participant)), content_type="image/png")
    response["Content-Disposition"] = (
        f'attachment; filename="ticket-{registration.reference}-{str(ticket)[:8]}.png"'
    )
    return _private(response)


@never_cache
def tickets_pdf(request, token: str):
    """Every participant's ticket, one page each, to print; only while confirmed."""
    registration = _registration_or_404(token)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise Http404
    response = HttpResponse(pdf.tickets_pdf(registration), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(registration)}"'
    return _private(response)


@never_cache
@require_http_methods(["GET", "POST"])
def change(request, token: str):
    """Correct the contact details and each participant's; give or withdraw the consents."""
    registration = _registration_or_404(token)
    manage_url = reverse("registrations:manage", args=[token])
    if not privacy.may_change(registration):
        messages.error(
            request,
            _(
                "The details of a cancelled registration, or of an event that is over, cannot be "
                "changed."
            ),
        )
        return redirect(manage_url)
    data = posted(request)
    participants = list(registration.participants.all())
    form = ContactChangeForm(data, registration=registration)
    people = ParticipantChangeFormSet(data, prefix="participants", participants=participants)
    if data is not None and all([form.is_valid(), people.is_valid()]):
        try:
            privacy.change_details(
                registration,
                **form.contact_fields(),
                participants=[person.service_fields() for person in people.forms],
            )
        except (DomainError, ValidationError) as error:
            show_refusal(form, people.forms, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(manage_url)
    failed = bool(form.errors or people.total_error_count())
    return _private(
        render(
            request,
            "registrations/manage_change.html",
            {
                "registration": registration,
                "event": registration.event,
                "token": token,
                "form": form,
                "people": people,
                "failed": failed,
            },
            status=400 if failed else 200,
        )
    )


@never_cache
def my_data(request, token: str):
    """Everything we hold about the registration, as a JSON file."""
    registration = _registration_or_404(token)
    body = privacy.export_json(privacy.export_data(registration))
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{privacy.export_filename(registration)}"'
    )
    return _private(response)


@never_cache
@require_http_methods(["GET", "POST"])
def erase(request, token: str):
    """A confirmation step, then the erasure; the link stops working, so we go to the event."""
    registration = _registration_or_404(token)
    form = EraseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        event = registration.event
        privacy.erase_registration(registration)
        messages.success(
            request,
            _("Your personal data is erased. The link to the registration no longer works."),
        )
        return redirect(event.get_absolute_url())
    return _private(
        render(
            request,
            "registrations/manage_erase.html",
            {
                "registration": registration,
                "event": registration.event,
                "token": token,
                "form": form,
                "cancels": registration.status != RegistrationStatus.CANCELLED
                and not privacy.event_over(registration.event),
            },
            status=400 if form.errors else 200,
        )
    )
