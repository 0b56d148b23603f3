"""Planning an event: create and edit it, the planning page, status, partners and sponsors."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
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
    button_view,
    form_view,
    get_event_for_member,
    plan_url,
    posted,
)


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
    return form_view(
        request,
        form,
        template="events/event_form.html",
        context={"has_leads": leads.exists()},
        save=lambda: services.create_event(
            by=request.user, lead=form.cleaned_data["lead"], **form.service_fields()
        ),
        success=_("The event has been created as a draft."),
        next=plan_url,
        aliases=form.aliases,
    )


@login_required
def event_edit(request, slug: str):
    event, access = get_event_for_member(
        request.user, slug, Event.objects.prefetch_related("sports")
    )
    _require_lead_editor(access)
    form = EventForm(posted(request), event=event)
    return form_view(
        request,
        form,
        template="events/event_form.html",
        context={"event": event, "has_leads": True},
        save=lambda: services.update_event(event, by=request.user, **form.service_fields()),
        success=_("Saved."),
        next=plan_url,
        edited=event,
        aliases=form.aliases,
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
    return form_view(
        request,
        form,
        template="events/event_status.html",
        context={"event": event, "cancel": EventStatus.CANCELLED},
        save=lambda: services.change_status(event, by=request.user, **form.cleaned_data),
        # The label is quoted, not lowercased into the sentence: "Veröffentlicht", "İptal".
        success=lambda changed: (
            _("The status of the event is now “%(status)s”.")
            % {"status": changed.get_status_display()}
        ),
        next=plan_url,
    )


@login_required
def partner_add(request, slug: str):
    event, access = get_event_for_member(request.user, slug)
    _require_lead_editor(access)
    form = PartnerForm(posted(request), event=event)
    return form_view(
        request,
        form,
        template="events/partner_form.html",
        context={"event": event},
        save=lambda: services.add_partner(event, by=request.user, **form.cleaned_data),
        success=lambda partner: (
            _("%(name)s is now a partner.") % {"name": partner.organisation.name}
        ),
        next=plan_url(event),
    )


@login_required
@require_POST
def partner_remove(request, slug: str, pk: int):
    event, _access = get_event_for_member(request.user, slug)
    partner = get_object_or_404(
        EventPartner.objects.select_related("event", "organisation"), pk=pk, event=event
    )
    return button_view(
        request,
        action=lambda: services.remove_partner(partner, by=request.user),
        success=_("%(name)s is no longer a partner.") % {"name": partner.organisation.name},
        next=plan_url(event),
    )


@login_required
def sponsor_add(request, slug: str):
    event, access = get_event_for_member(request.user, slug)
    _require_lead_editor(access)
    form = SponsorForm(posted(request), event=event)
    return form_view(
        request,
        form,
        template="events/sponsor_form.html",
        context={"event": event},
        save=lambda: services.add_sponsor(event, by=request.user, **form.cleaned_data),
        success=lambda sponsorship: (
            _("%(name)s now sponsors the event.") % {"name": sponsorship.sponsor.name}
        ),
        next=plan_url(event),
    )


@login_required
@require_POST
def sponsor_remove(request, slug: str, pk: int):
    event, _access = get_event_for_member(request.user, slug)
    sponsorship = get_object_or_404(event.sponsorships.select_related("event", "sponsor"), pk=pk)
    return button_view(
        request,
        action=lambda: services.remove_sponsor(sponsorship, by=request.user),
        success=_("%(name)s no longer sponsors the event.") % {"name": sponsorship.sponsor.name},
        next=plan_url(event),
    )
