"""Venues. They live in their own app, but who may see or change one depends on organisations
and events, so their endpoints live here (the venues app imports no other app of ours)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from events import services
from events.models import Event, EventPartner, Organisation, Session
from events.serializers import VenueCreateInputSerializer
from sportevents.api import validated
from venues.models import Feature, Venue
from venues.serializers import VenueInputSerializer, VenueSerializer


def venues_visible_to(user):
    """Venues used by events the user may see; logged in, also those of their organisations
    and of their events' partner organisations (the lead plans sessions at partners' venues)."""
    used = Session.objects.filter(event__in=Event.objects.visible_to(user)).values("venue")
    scope = Q(pk__in=used)
    if user.is_authenticated:
        partners = EventPartner.objects.filter(event__in=Event.objects.of_member(user))
        scope |= Q(organisation__in=Organisation.objects.of_member(user).values("pk"))
        scope |= Q(organisation__in=partners.values("organisation"))
    return Venue.objects.filter(scope)


class VenueFilter(django_filters.FilterSet):
    country = django_filters.ChoiceFilter(choices=countries, label=_("Country"))
    organisation = django_filters.CharFilter(
        field_name="organisation__slug", label=_("Owning organisation (slug)")
    )
    feature = django_filters.ChoiceFilter(
        choices=Feature.choices, field_name="features__feature", label=_("Accessibility")
    )
    mine = django_filters.BooleanFilter(method="of_mine", label=_("Of my organisations"))

    class Meta:
        model = Venue
        fields = ["country", "organisation", "feature", "mine"]

    def of_mine(self, queryset, name, value: bool):
        mine = Q(organisation__in=Organisation.objects.of_member(self.request.user).values("pk"))
        return queryset.filter(mine if value else ~mine)


class VenueViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Venues with their time zone and accessibility features.

    Anyone sees the venues of public events; members also their organisations' venues and those
    of their events' partners (`?mine=true`: only their own). `notes` are for the owners only.
    """

    serializer_class = VenueSerializer
    filterset_class = VenueFilter
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Venue.objects.none()
        return (
            venues_visible_to(self.request.user)
            .select_related("organisation")
            .with_features()
            .order_by("country", "city", "name", "pk")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["member_organisation_ids"] = frozenset(
                Organisation.objects.of_member(self.request.user).values_list("pk", flat=True)
            )
        return context

    @extend_schema(
        request=VenueCreateInputSerializer,
        responses={201: VenueSerializer},
    )
    def create(self, request):
        data = validated(VenueCreateInputSerializer, request.data)
        venue = services.create_venue(by=request.user, **data)
        return Response(self._out(venue), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=VenueInputSerializer(partial=True),
        responses={200: VenueSerializer},
    )
    def partial_update(self, request, pk=None):
        venue = self.get_object()
        data = validated(VenueInputSerializer, request.data, partial=True)
        services.update_venue(venue, by=request.user, **data)
        return Response(self._out(venue))

    def _out(self, venue: Venue) -> dict:
        venue = Venue.objects.select_related("organisation").with_features().get(pk=venue.pk)
        return VenueSerializer(venue, context=self.get_serializer_context()).data
