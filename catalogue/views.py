from itertools import groupby

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from catalogue.filters import ActionFilter
from catalogue.models import Action, Family


def action_list(request):
    filterset = ActionFilter(
        request.GET, queryset=Action.objects.with_fields().order_by("position")
    )
    valid = filterset.is_valid()
    actions = list(filterset.qs) if valid else []
    labels = dict(Family.choices)
    families = [
        {"code": code, "label": labels[code], "actions": list(items)}
        for code, items in groupby(actions, key=lambda action: action.family)
    ]
    return render(
        request,
        "catalogue/action_list.html",
        {"filter": filterset, "families": families, "count": len(actions)},
        status=200 if valid else 400,
    )


ACTION_EVENTS_SHOWN = 20


def action_detail(request, slug: str):
    action = get_object_or_404(Action.objects.with_fields(), slug=slug)
    # Through the reverse relation and its queryset methods: the catalogue imports no other app.
    public = action.events.public().for_listing()
    events = list(public.upcoming().order_by("starts_on", "slug")[:ACTION_EVENTS_SHOWN])
    if len(events) < ACTION_EVENTS_SHOWN:  # then the most recent past ones
        past = public.filter(ends_on__lt=timezone.localdate()).order_by("-starts_on", "slug")
        events += past[: ACTION_EVENTS_SHOWN - len(events)]
    return render(request, "catalogue/action_detail.html", {"action": action, "events": events})
