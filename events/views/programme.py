"""The programme and the plan of an event: sessions at venues, milestones by phase."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events import services
from events.forms import MilestoneForm, SessionForm
from events.models import Milestone, Session
from events.views.helpers import (
    button_view,
    form_view,
    get_event_for_member,
    plan_url,
    posted,
)
from venues.models import Venue


def _venues_for(event, access):
    """Venues of the event's organisations in the countries this user may plan."""
    venues = Venue.objects.filter(organisation__partnerships__event=event).select_related(
        "organisation"
    )
    if not access.edits_all:
        venues = venues.filter(country__in=access.countries)
    return venues.order_by("country", "city", "name")


def _require_planner(access) -> None:
    if not access.edits_anything:
        raise PermissionDenied(_("You may read this event's plan but not change it."))


@login_required
def session_add(request, slug: str):
    event, access = get_event_for_member(request.user, slug)
    _require_planner(access)
    form = SessionForm(posted(request), venues=_venues_for(event, access))
    return form_view(
        request,
        form,
        template="events/session_form.html",
        context={"event": event},
        save=lambda: services.add_session(event, by=request.user, **form.cleaned_data),
        success=_("The session has been added to the programme."),
        next=plan_url(event),
    )


def _get_session(event, pk: int, access) -> Session:
    session = get_object_or_404(Session.objects.select_related("venue"), pk=pk, event=event)
    session.event = event
    if not access.edits_country(session.venue.country):
        raise PermissionDenied(
            _("You may only change the part of the event in your own organisation's country.")
        )
    return session


@login_required
def session_edit(request, slug: str, pk: int):
    event, access = get_event_for_member(request.user, slug)
    session = _get_session(event, pk, access)
    form = SessionForm(posted(request), venues=_venues_for(event, access), session=session)
    return form_view(
        request,
        form,
        template="events/session_form.html",
        context={"event": event, "session": session},
        save=lambda: services.update_session(session, by=request.user, **form.cleaned_data),
        success=_("Saved."),
        next=plan_url(event),
        edited=session,
    )


@login_required
@require_POST
def session_delete(request, slug: str, pk: int):
    event, access = get_event_for_member(request.user, slug)
    session = _get_session(event, pk, access)
    return button_view(
        request,
        action=lambda: services.delete_session(session, by=request.user),
        success=_("The session “%(title)s” has been deleted.") % {"title": session.title},
        next=plan_url(event),
    )


def _owners_for(event, access):
    """The partners whose milestones this user may add: all for the lead, else their own."""
    owners = event.partners.select_related("organisation").order_by("organisation__name")
    if not access.edits_all:
        owners = owners.filter(organisation_id__in=access.organisation_ids)
    return owners


@login_required
def milestone_add(request, slug: str):
    event, access = get_event_for_member(request.user, slug)
    _require_planner(access)
    form = MilestoneForm(
        posted(request), owners=_owners_for(event, access), initial=request.GET.dict()
    )
    return form_view(
        request,
        form,
        template="events/milestone_form.html",
        context={"event": event},
        save=lambda: services.add_milestone(event, by=request.user, **form.cleaned_data),
        success=_("The milestone has been added."),
        next=plan_url(event),
    )


def _get_milestone(event, pk: int, access) -> Milestone:
    milestone = get_object_or_404(
        Milestone.objects.select_related("owner__organisation"), pk=pk, event=event
    )
    milestone.event = event
    if not (access.edits_all or milestone.owner.organisation_id in access.organisation_ids):
        raise PermissionDenied(
            _("Only the lead organisation or the owning partner may change this milestone.")
        )
    return milestone


@login_required
def milestone_edit(request, slug: str, pk: int):
    event, access = get_event_for_member(request.user, slug)
    milestone = _get_milestone(event, pk, access)
    # Only the lead hands a milestone over: the owner is not a field for anyone else.
    owners = _owners_for(event, access) if access.edits_all else None
    form = MilestoneForm(posted(request), owners=owners, milestone=milestone)
    return form_view(
        request,
        form,
        template="events/milestone_form.html",
        context={"event": event, "milestone": milestone},
        save=lambda: services.update_milestone(milestone, by=request.user, **form.cleaned_data),
        success=_("Saved."),
        next=plan_url(event),
        edited=milestone,
    )


@login_required
@require_POST
def milestone_done(request, slug: str, pk: int):
    event, access = get_event_for_member(request.user, slug)
    milestone = _get_milestone(event, pk, access)
    done = request.POST.get("done") == "1"
    text = _("“%(title)s” is done.") if done else _("“%(title)s” is open again.")
    return button_view(
        request,
        action=lambda: services.set_milestone_done(milestone, by=request.user, done=done),
        success=text % {"title": milestone.title},
        next=(
            reverse("events:dashboard")
            if request.POST.get("next") == "dashboard"
            else plan_url(event)
        ),
    )


@login_required
@require_POST
def milestone_delete(request, slug: str, pk: int):
    event, access = get_event_for_member(request.user, slug)
    milestone = _get_milestone(event, pk, access)
    return button_view(
        request,
        action=lambda: services.delete_milestone(milestone, by=request.user),
        success=_("The milestone “%(title)s” has been deleted.") % {"title": milestone.title},
        next=plan_url(event),
    )
