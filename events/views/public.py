"""What everyone sees: the list of public events and an event's page."""

from django.core.paginator import Paginator
from django.db.models import Case, F, Prefetch, Value, When
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from events.filters import EventFilter
from events.models import Event, EventStatus, Session
from events.views.display import programme, sorted_partners, sorted_sponsorships
from events.views.helpers import get_event_for_user
from sportevents.pagecache import live_part, public_page

EVENTS_PER_PAGE = 20


def _upcoming_first(queryset):
    """Events not yet over, soonest first; then past events, most recent first."""
    today = timezone.localdate()
    return queryset.annotate(
        is_past=Case(When(ends_on__lt=today, then=Value(1)), default=Value(0)),
        upcoming_start=Case(When(ends_on__gte=today, then=F("starts_on"))),
    ).order_by("is_past", F("upcoming_start").asc(nulls_last=True), "-starts_on", "slug")


@public_page(daily=True)
def event_list(request):
    filterset = EventFilter(request.GET, queryset=Event.objects.public())
    valid = filterset.is_valid()
    events = (
        _upcoming_first(filterset.qs).for_listing().prefetch_related("partners__organisation")
        if valid
        else Event.objects.none()
    )
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    for event in page:
        event.country_names = sorted({p.organisation.country.name for p in event.partners.all()})
    return render(
        request,
        "events/event_list.html",
        {"filter": filterset, "page": page},
        status=200 if valid else 400,
    )


def register_box(request, slug: str) -> str:
    """The tickets on sale with their seats left: rendered for each request, as seats go."""
    # Ticket types come from the registrations app, found through the reverse relation.
    ticket_type = Event._meta.get_field("ticket_types").related_model
    ticket_types = ticket_type.objects.filter(event__slug=slug).order_by("price", "name")
    return render_to_string(
        "registrations/_register_box.html",
        {"event": Event(slug=slug), "ticket_types": [t for t in ticket_types if t.on_sale()]},
        request,
    )


@public_page(live={"register-box": register_box})
def event_detail(request, slug: str):
    event, access = get_event_for_user(
        request.user,
        slug,
        Event.objects.prefetch_related(
            "sports",
            "partners__organisation",
            "sponsorships__sponsor",
            Prefetch(
                "sessions",
                Session.objects.select_related("venue").prefetch_related("venue__features"),
            ),
        ),
    )
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "access": access,
            "programme": programme(event.sessions.all()),
            "partners": sorted_partners(event),
            "sponsorships": sorted_sponsorships(event),
            "register_box": live_part("register-box")
            if event.status == EventStatus.PUBLISHED
            else None,
        },
    )
