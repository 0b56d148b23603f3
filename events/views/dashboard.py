"""The organiser's dashboard: my events with their readiness, my organisations' milestones."""

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.utils import timezone

from events.models import Event, EventStatus, Membership, Milestone, Sponsorship
from events.permissions import EDITING_ROLES
from events.readiness import PLANNING_PREFETCH, readiness_of


@login_required
def dashboard(request):
    today = timezone.localdate()
    memberships = list(
        Membership.objects.filter(user=request.user)
        .select_related("organisation")
        # Members of a sponsoring organisation read its events' published impact figures.
        .annotate(sponsors=Exists(Sponsorship.objects.filter(sponsor=OuterRef("organisation"))))
    )
    editing = {m.organisation_id for m in memberships if m.role in EDITING_ROLES}
    events = (
        Event.objects.of_member(request.user)
        .select_related("lead")
        .prefetch_related(*PLANNING_PREFETCH)
        .order_by("-ends_on", "slug")
    )
    rows = [(event, readiness_of(event, today)) for event in events]
    milestones = (
        Milestone.objects.filter(
            owner__organisation__memberships__user=request.user, done_on__isnull=True
        )
        .exclude(event__status=EventStatus.CANCELLED)
        .select_related("event", "owner__organisation")
        .order_by("due_on", "pk")
    )
    my_list = [
        {
            "milestone": milestone,
            "overdue": milestone.is_overdue(today),
            "editable": milestone.owner.organisation_id in editing,
        }
        for milestone in milestones
    ]
    return render(
        request,
        "events/dashboard.html",
        {
            "rows": rows,
            "my_list": my_list,
            "memberships": memberships,
            "may_plan": bool(editing),
            "sponsors": any(m.sponsors for m in memberships),
        },
    )
