"""Venues of the user's organisations: list, create, edit. Writes go through events.services."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from events import services
from events.forms import VenueForm
from events.models import Membership, Organisation
from events.permissions import EDITING_ROLES
from events.views.helpers import form_view, posted
from venues.models import Venue


def _editing_organisations(user):
    return Organisation.objects.filter(
        memberships__user=user, memberships__role__in=EDITING_ROLES
    ).order_by("name")


@login_required
def venue_list(request):
    roles = dict(
        Membership.objects.filter(user=request.user).values_list("organisation_id", "role")
    )
    venues = (
        Venue.objects.of_organisations(roles)
        .with_features()
        .select_related("organisation")
        .order_by("organisation__name", "country", "city", "name")
    )
    rows = [
        {"venue": venue, "editable": roles[venue.organisation_id] in EDITING_ROLES}
        for venue in venues
    ]
    return render(
        request,
        "venues/venue_list.html",
        {"rows": rows, "may_create": any(role in EDITING_ROLES for role in roles.values())},
    )


@login_required
def venue_create(request):
    organisations = _editing_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied(
            _("Only administrators and organisers of an organisation may add its venues.")
        )
    form = VenueForm(posted(request), organisations=organisations)
    return form_view(
        request,
        form,
        template="venues/venue_form.html",
        save=lambda: services.create_venue(
            by=request.user,
            organisation=form.cleaned_data["organisation"],
            **form.service_fields(),
        ),
        success=lambda venue: _("%(name)s has been added.") % {"name": venue.name},
        next=reverse("events:venue_list"),
    )


@login_required
def venue_edit(request, pk: int):
    venue = get_object_or_404(
        Venue.objects.with_features().select_related("organisation"),
        pk=pk,
        organisation__memberships__user=request.user,
    )
    if venue.organisation.role_of(request.user) not in EDITING_ROLES:
        raise PermissionDenied(
            _("Only administrators and organisers of %(name)s may change its venues.")
            % {"name": venue.organisation.name}
        )
    form = VenueForm(posted(request), venue=venue)
    return form_view(
        request,
        form,
        template="venues/venue_form.html",
        context={"venue": venue},
        save=lambda: services.update_venue(venue, by=request.user, **form.service_fields()),
        success=_("Saved."),
        next=reverse("events:venue_list"),
        edited=venue,
    )
