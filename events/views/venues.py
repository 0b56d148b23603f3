"""Venues of the user's organisations: list, create, edit. Writes go through events.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from events import services
from events.forms import VenueForm
from events.models import Membership, Organisation
from events.permissions import EDITING_ROLES
from events.views.helpers import posted, show_error, status_for
from sportevents.errors import DomainError
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
    if request.method == "POST" and form.is_valid():
        try:
            venue = services.create_venue(
                by=request.user,
                organisation=form.cleaned_data["organisation"],
                **form.service_fields(),
            )
        except (DomainError, ValidationError) as error:
            show_error(form, error)
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": venue.name})
            return redirect("events:venue_list")
    return render(request, "venues/venue_form.html", {"form": form}, status=status_for(form))


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
    if request.method == "POST" and form.is_valid():
        try:
            services.update_venue(venue, by=request.user, **form.service_fields())
        except (DomainError, ValidationError) as error:
            show_error(form, error)
            venue.refresh_from_db()
        else:
            messages.success(request, _("Saved."))
            return redirect("events:venue_list")
    return render(
        request,
        "venues/venue_form.html",
        {"form": form, "venue": venue},
        status=status_for(form),
    )
