"""Planning an event: create and edit it, the planning page, status, partners and sponsors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events import services
from events.forms import EventForm, PartnerForm, SponsorForm, StatusForm
from events.models import Event, EventPartner, EventStatus, Organisation, Phase
from events.permissions import EDITING_ROLES
from events.readiness import PLANNING_PREFETCH, readiness_of
from events.services.planning import TRANSITIONS
from events.views.display import session_time, sorted_partners, sorted_sponsorships
from events.views.helpers import (
    get_event_for_member,
    posted,
    show_error,
    show_message,
    status_for,
)
from sportevents.errors import DomainError


def _lead_choices(user):
    return Organisation.objects.filter(
        memberships__user=user, memberships__role__in=EDITING_ROLES
    ).order_by("name")


def _require_lead_editor(access) -> None:
    if not access.edits_all:
        raise PermissionDenied(_("Only the lead organisation's organisers may change this."))


@login_required
def event_create(request):
    leads = _lead_choices(request.user)
    form = EventForm(posted(request), leads=leads)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            event = services.create_event(by=request.user, lead=form.cleaned_data["lead"], **fields)
        except (DomainError, ValidationError) as error:
            show_error(form, error, aliases=form.aliases)
        else:
            messages.success(request, _("The event has been created as a draft."))
            return redirect("events:event_plan", slug=event.slug)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "has_leads": leads.exists()},
        status=status_for(form),
    )


@login_required
def event_edit(request, slug: str):
    event, access = get_event_for_member(
        request.user, slug, Event.objects.prefetch_related("sports")
    )
    _require_lead_editor(access)
    form = EventForm(posted(request), event=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(event, by=request.user, **form.service_fields())
        except (DomainError, ValidationError) as error:
            show_error(form, error, aliases=form.aliases)
            event.refresh_from_db()
        else:
            messages.success(request, _("Saved."))
            return redirect("events:event_plan", slug=event.slug)
    return render(
        request,
        "events/event_form.html",
        {"form": form, "event": event, "has_leads": True},
        status=status_for(form),
    )


def _plan_context(event: Event, access) -> dict:
    today = timezone.localdate()
    readiness = readiness_of(event, today)
    phases = dict(Phase.choices)
    milestones = {code: [] for code in phases}
    for milestone in event.milestones.all():
        milestones[milestone.phase].append(
            {
                "milestone": milestone,
                "overdue": milestone.is_overdue(today),
                "editable": access.edits_all
                or milestone.owner.organisation_id in access.organisation_ids,
            }
        )
    return {
        "event": event,
        "access": access,
        "readiness": readiness,
        "partners": sorted_partners(event),
        "sponsorships": sorted_sponsorships(event),
        "sessions": [
            {"time": session_time(s), "editable": access.edits_country(s.venue.country)}
            for s in event.sessions.all()
        ],
        "phases": [(phases[code], rows) for code, rows in milestones.items()],
        "next_statuses": [s for s, sources in TRANSITIONS.items() if event.status in sources],
    }


@login_required
def event_plan(request, slug: str):
    event, access = get_event_for_member(
        request.user,
        slug,
        Event.objects.prefetch_related(*PLANNING_PREFETCH, "sponsorships__sponsor"),
    )
    context = _plan_context(event, access)
    if access.edits_all:
        context["partner_form"] = PartnerForm(event=event)
        context["sponsor_form"] = SponsorForm(event=event)
        context["status_form"] = StatusForm()
    return render(request, "events/event_plan.html", context)


@login_required
def event_status(request, slug: str):
    event, access = get_event_for_member(request.user, slug)
    _require_lead_editor(access)
    form = StatusForm(posted(request), initial={"status": request.GET.get("status")})
    if request.method == "POST" and form.is_valid():
        try:
            event = services.change_status(event, by=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(
                request,
                _("The event is now %(status)s.") % {"status": event.get_status_display().lower()},
            )
            return redirect("events:event_plan", slug=event.slug)
    return render(
        request,
        "events/event_status.html",
        {"form": form, "event": event, "cancel": EventStatus.CANCELLED},
        status=status_for(form),
    )


@login_required
def partner_add(request, slug: str):
    event, access = get_event_for_member(request.user, slug)
    _require_lead_editor(access)
    form = PartnerForm(posted(request), event=event)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.add_partner(event, by=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(
                request, _("%(name)s is now a partner.") % {"name": partner.organisation.name}
            )
            return redirect("events:event_plan", slug=event.slug)
    return render(
        request,
        "events/partner_form.html",
        {"form": form, "event": event},
        status=status_for(form),
    )


@login_required
@require_POST
def partner_remove(request, slug: str, pk: int):
    event, _access = get_event_for_member(request.user, slug)
    partner = get_object_or_404(
        EventPartner.objects.select_related("event", "organisation"), pk=pk, event=event
    )
    try:
        services.remove_partner(partner, by=request.user)
    except (DomainError, ValidationError) as error:
        show_message(request, error)
    else:
        messages.success(
            request, _("%(name)s is no longer a partner.") % {"name": partner.organisation.name}
        )
    return redirect("events:event_plan", slug=event.slug)


@login_required
def sponsor_add(request, slug: str):
    event, access = get_event_for_member(request.user, slug)
    _require_lead_editor(access)
    form = SponsorForm(posted(request), event=event)
    if request.method == "POST" and form.is_valid():
        try:
            sponsorship = services.add_sponsor(event, by=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(
                request, _("%(name)s now sponsors the event.") % {"name": sponsorship.sponsor.name}
            )
            return redirect("events:event_plan", slug=event.slug)
    return render(
        request,
        "events/sponsor_form.html",
        {"form": form, "event": event},
        status=status_for(form),
    )


@login_required
@require_POST
def sponsor_remove(request, slug: str, pk: int):
    event, _access = get_event_for_member(request.user, slug)
    sponsorship = get_object_or_404(event.sponsorships.select_related("event", "sponsor"), pk=pk)
    try:
        services.remove_sponsor(sponsorship, by=request.user)
    except (DomainError, ValidationError) as error:
        show_message(request, error)
    else:
        messages.success(
            request,
            _("%(name)s no longer sponsors the event.") % {"name": sponsorship.sponsor.name},
        )
    return redirect("events:event_plan", slug=event.slug)
