"""The programme and the plan of an event: sessions at venues, milestones by phase."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events import services
from events.forms import MilestoneForm, SessionForm
from events.models import Milestone, Session
from events.views.helpers import (
    get_event_for_member,
    posted,
    show_error,
    show_message,
    status_for,
)
from sportevents.errors import DomainError
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
    if request.method == "POST" and form.is_valid():
        try:
            services.add_session(event, by=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("The session has been added to the programme."))
            return redirect("events:event_plan", slug=event.slug)
    return render(
        request,
        "events/session_form.html",
        {"form": form, "event": event},
        status=status_for(form),
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
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(session, by=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
            session.refresh_from_db()
        else:
            messages.success(request, _("Saved."))
            return redirect("events:event_plan", slug=event.slug)
    return render(
        request,
        "events/session_form.html",
        {"form": form, "event": event, "session": session},
        status=status_for(form),
    )


@login_required
@require_POST
def session_delete(request, slug: str, pk: int):
    event, access = get_event_for_member(request.user, slug)
    session = _get_session(event, pk, access)
    try:
        services.delete_session(session, by=request.user)
    except (DomainError, ValidationError) as error:
        show_message(request, error)
    else:
        messages.success(request, _("“%(title)s” has been deleted.") % {"title": session.title})
    return redirect("events:event_plan", slug=event.slug)


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
    if request.method == "POST" and form.is_valid():
        try:
            services.add_milestone(event, by=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("The milestone has been added."))
            return redirect("events:event_plan", slug=event.slug)
    return render(
        request,
        "events/milestone_form.html",
        {"form": form, "event": event},
        status=status_for(form),
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
    if request.method == "POST" and form.is_valid():
        try:
            services.update_milestone(milestone, by=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            show_error(form, error)
            milestone.refresh_from_db()
        else:
            messages.success(request, _("Saved."))
            return redirect("events:event_plan", slug=event.slug)
    return render(
        request,
        "events/milestone_form.html",
        {"form": form, "event": event, "milestone": milestone},
        status=status_for(form),
    )


@login_required
@require_POST
def milestone_done(request, slug: str, pk: int):
    event, access = get_event_for_member(request.user, slug)
    milestone = _get_milestone(event, pk, access)
    done = request.POST.get("done") == "1"
    try:
        services.set_milestone_done(milestone, by=request.user, done=done)
    except (DomainError, ValidationError) as error:
        show_message(request, error)
    else:
        text = _("“%(title)s” is done.") if done else _("“%(title)s” is open again.")
        messages.success(request, text % {"title": milestone.title})
    if request.POST.get("next") == "dashboard":
        return redirect("events:dashboard")
    return redirect("events:event_plan", slug=event.slug)


@login_required
@require_POST
def milestone_delete(request, slug: str, pk: int):
    event, access = get_event_for_member(request.user, slug)
    milestone = _get_milestone(event, pk, access)
    try:
        services.delete_milestone(milestone, by=request.user)
    except (DomainError, ValidationError) as error:
        show_message(request, error)
    else:
        messages.success(request, _("“%(title)s” has been deleted.") % {"title": milestone.title})
    return redirect("events:event_plan", slug=event.slug)
