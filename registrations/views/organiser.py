"""The organisers' pages: registrations with search, filters and counts, the CSV export, cancelling
a registration, and the ticket types."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, Min, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_countries import countries

from events.views.helpers import button_view, form_view, posted
from registrations import services
from registrations.forms import RegistrationFilterForm, TicketTypeForm, need_labels
from registrations.models import (
    HOLDING,
    CheckIn,
    CheckInResult,
    Participant,
    Registration,
    RegistrationStatus,
    Role,
    TicketType,
)
from registrations.views.common import event_zone, get_event_for_editor, require_lead_editor
from sportevents.exports import csv_response
from sportevents.exports import neutralise as neutralise  # where other exports imported it from

PER_PAGE = 50
VALID = Q(check_ins__result=CheckInResult.VALID)


def _ticket_types(event):
    """The event's ticket types with the seats waiting and the people checked in, one query."""
    waiting = (
        Registration.objects.filter(
            ticket_type=OuterRef("pk"), status=RegistrationStatus.WAITLISTED
        )
        .values("ticket_type")
        .annotate(seats=Sum("seats"))
        .values("seats")
    )
    checked_in = (
        CheckIn.objects.filter(
            participant__registration__ticket_type=OuterRef("pk"), result=CheckInResult.VALID
        )
        .values("participant__registration__ticket_type")
        .annotate(people=Count("pk"))
        .values("people")
    )
    return list(
        TicketType.objects.filter(event=event)
        .prefetch_related("allocations")
        .annotate(
            waiting=Coalesce(Subquery(waiting, output_field=IntegerField()), 0),
            checked_in=Coalesce(Subquery(checked_in, output_field=IntegerField()), 0),
        )
    )


def _filtered(event, filters: dict):
    """The event's registrations matching the filter form; participant filters match one person."""
    registrations = Registration.objects.filter(event=event)
    people = Participant.objects.filter(registration__event=event)
    if text := filters.get("q", "").strip():
        registrations = registrations.filter(
            Q(name__icontains=text)
            | Q(email__icontains=text)
            | Q(reference__iexact=text)
            | Q(pk__in=people.filter(name__icontains=text).values("registration_id"))
        )
    if filters.get("status"):
        registrations = registrations.filter(status=filters["status"])
    if filters.get("ticket_type"):
        registrations = registrations.filter(ticket_type=filters["ticket_type"])
    if filters.get("country") or filters.get("role"):
        if filters.get("country"):
            people = people.filter(country=filters["country"])
        if filters.get("role"):
            people = people.filter(role=filters["role"])
        registrations = registrations.filter(pk__in=people.values("registration_id"))
    return registrations


def _with_participants(registrations):
    return registrations.select_related("ticket_type").prefetch_related(
        Prefetch(
            "participants",
            Participant.objects.annotate(checked_in_at=Min("check_ins__scanned_at", filter=VALID)),
        )
    )


def _counts(event) -> dict:
    """Registrations by status; the people who hold a seat by country and role, with attendance."""
    by_status = {
        row["status"]: (row["registrations"], row["seats"])
        for row in Registration.objects.filter(event=event)
        .values("status")
        .annotate(registrations=Count("pk"), seats=Sum("seats"))
        .order_by()
    }
    holding = Participant.objects.filter(
        registration__event=event, registration__status__in=HOLDING
    )
    people = {
        name: list(
            holding.values(name)
            .annotate(
                people=Count("pk", distinct=True), checked_in=Count("check_ins", filter=VALID)
            )
            .order_by("-people", name)
        )
        for name in ("country", "role")
    }
    roles = dict(Role.choices)
    return {
        "statuses": [
            (label, *by_status.get(code, (0, 0))) for code, label in RegistrationStatus.choices
        ],
        "countries": [
            (countries.name(row["country"]), row["people"], row["checked_in"])
            for row in people["country"]
        ],
        "roles": [
            (roles.get(row["role"], row["role"]), row["people"], row["checked_in"])
            for row in people["role"]
        ],
        "people": sum(row["people"] for row in people["role"]),
        "checked_in": sum(row["checked_in"] for row in people["role"]),
    }


@login_required
def registration_list(request, slug: str):
    event, access = get_event_for_editor(request.user, slug)
    ticket_types = _ticket_types(event)
    filters = RegistrationFilterForm(request.GET, ticket_types=ticket_types)
    valid = filters.is_valid()
    registrations = _filtered(event, filters.cleaned_data) if valid else Registration.objects.none()
    page = Paginator(
        _with_participants(registrations).order_by("-created_at", "-pk"), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "registrations/registration_list.html",
        {
            "event": event,
            "access": access,
            "filters": filters,
            "page": page,
            "ticket_types": ticket_types,
            "counts": _counts(event),
            "csv_query": request.GET.urlencode(),
        },
        status=200 if valid else 400,
    )


def _iso(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


@login_required
def registrations_csv(request, slug: str):
    event, _access = get_event_for_editor(request.user, slug)
    filters = RegistrationFilterForm(request.GET, ticket_types=_ticket_types(event))
    registrations = (
        _filtered(event, filters.cleaned_data)
        if filters.is_valid()
        else Registration.objects.none()
    )
    people = (
        Participant.objects.filter(registration__in=registrations)
        .select_related("registration__ticket_type")
        .annotate(checked_in_at=Min("check_ins__scanned_at", filter=VALID))
        .order_by("registration__created_at", "registration_id", "pk")
    )
    response, writer = csv_response(f"{event.slug}-registrations.csv")
    writer.writerow(
        [
            _("Reference"),
            _("Status"),
            _("Ticket"),
            _("Registered by"),
            _("Email address"),
            _("Date registered (UTC)"),
            _("Participant"),
            _("Participant's email"),
            _("Country"),
            _("Year of birth"),
            _("Gender"),
            _("Role"),
            _("Parent or guardian"),
            _("Survey consent"),
            _("Accessibility needs"),
            _("Checked in (UTC)"),
        ]
    )
    for person in people:
        registration = person.registration
        writer.writerow(
            [
                registration.reference,
                registration.get_status_display(),
                registration.ticket_type.name,
                registration.name,
                registration.email,
                _iso(registration.created_at),
                person.name,
                person.email,
                person.country.code,
                person.year_of_birth,
                person.get_gender_display(),
                person.get_role_display(),
                person.guardian_name,
                _("yes") if person.survey_consent_at else _("no"),
                ", ".join(need_labels(person.accessibility_needs)),
                _iso(person.checked_in_at),
            ]
        )
    return response


@login_required
@require_POST
def registration_cancel(request, slug: str, reference: str):
    event, _access = get_event_for_editor(request.user, slug)
    registration = get_object_or_404(
        Registration.objects.select_related("event", "ticket_type"),
        event=event,
        reference=reference,
    )
    return button_view(
        request,
        action=lambda: services.cancel_by_organiser(registration, by=request.user),
        success=_("The registration %(reference)s of %(name)s is cancelled.")
        % {"reference": registration.reference, "name": registration.name},
        next=reverse("registrations:list", args=[event.slug]),
    )


# Ticket types ------------------------------------------------------------------------------


def _ticket_types_url(event) -> str:
    return reverse("registrations:ticket_types", args=[event.slug])


@login_required
def ticket_type_list(request, slug: str):
    event, access = get_event_for_editor(request.user, slug)
    zone = event_zone(event)
    now = timezone.now()

    def local(moment):
        # Formatted here: the date filter would show the server's zone, not the event's.
        return (
            timezone.localtime(moment, ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M") if moment else ""
        )

    rows = [
        {
            "ticket_type": ticket_type,
            "sales_start": local(ticket_type.sales_start),
            "sales_end": local(ticket_type.sales_end),
            "on_sale": ticket_type.on_sale(now),
        }
        for ticket_type in _ticket_types(event)
    ]
    return render(
        request,
        "registrations/ticket_type_list.html",
        {"event": event, "access": access, "rows": rows, "zone": zone},
    )


@login_required
def ticket_type_create(request, slug: str):
    event, access = get_event_for_editor(request.user, slug)
    require_lead_editor(access)
    form = TicketTypeForm(
        posted(request), zone=event_zone(event), partner_countries=services.event_countries(event)
    )
    return form_view(
        request,
        form,
        template="registrations/ticket_type_form.html",
        context={"event": event},
        save=lambda: services.create_ticket_type(event, by=request.user, **form.cleaned_data),
        success=lambda created: _("The ticket “%(name)s” has been added.") % {"name": created.name},
        next=_ticket_types_url(event),
    )


@login_required
def ticket_type_edit(request, slug: str, pk: int):
    event, access = get_event_for_editor(request.user, slug)
    require_lead_editor(access)
    ticket_type = get_object_or_404(TicketType, pk=pk, event=event)
    form = TicketTypeForm(
        posted(request),
        zone=event_zone(event),
        ticket_type=ticket_type,
        partner_countries=services.event_countries(event),
    )
    return form_view(
        request,
        form,
        template="registrations/ticket_type_form.html",
        context={"event": event, "ticket_type": ticket_type},
        save=lambda: services.update_ticket_type(ticket_type, by=request.user, **form.cleaned_data),
        success=_("Saved."),
        next=_ticket_types_url(event),
        edited=ticket_type,
    )
