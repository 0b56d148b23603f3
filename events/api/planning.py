"""An event's partners, programme sessions, milestones and sponsors: `/events/{slug}/...`.

Reads are scoped to the event (404 if the user may not see it); every write is a service call,
which decides who may make it (lead organisers everything, partner organisers their country).
"""

import django_filters
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from events import services
from events.api.common import EventResourceViewSet, IsEventMember
from events.models import EventPartner, Milestone, Phase, Session, Sponsorship
from events.serializers import (
    MilestoneInputSerializer,
    MilestoneSerializer,
    PartnerInputSerializer,
    PartnerSerializer,
    PartnerUpdateInputSerializer,
    SessionInputSerializer,
    SessionSerializer,
    SponsorshipInputSerializer,
    SponsorshipSerializer,
)
from sportevents.api import validated


class SessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, EventResourceViewSet):
    """The event's programme. Times are ISO 8601 with offset; input must carry one."""

    model = Session
    serializer_class = SessionSerializer

    def rows_of(self, event):
        return event.sessions.select_related("venue")

    @extend_schema(request=SessionInputSerializer, responses={201: SessionSerializer})
    def create(self, request, slug=None):
        data = validated(SessionInputSerializer, request.data, context={"event": self.event})
        session = services.add_session(self.event, by=request.user, **data)
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=SessionInputSerializer(partial=True),
        responses={200: SessionSerializer},
    )
    def partial_update(self, request, slug=None, pk=None):
        session = self.get_object()
        data = validated(
            SessionInputSerializer, request.data, partial=True, context={"event": self.event}
        )
        services.update_session(session, by=request.user, **data)
        return Response(SessionSerializer(session).data)

    def destroy(self, request, slug=None, pk=None):
        services.delete_session(self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PartnerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, EventResourceViewSet):
    """The lead and partner organisations with their countries, roles and responsibilities."""

    model = EventPartner
    serializer_class = PartnerSerializer

    def rows_of(self, event):
        return event.partners.select_related("organisation")

    @extend_schema(request=PartnerInputSerializer, responses={201: PartnerSerializer})
    def create(self, request, slug=None):
        data = validated(PartnerInputSerializer, request.data)
        partner = services.add_partner(self.event, by=request.user, **data)
        return Response(PartnerSerializer(partner).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PartnerUpdateInputSerializer, responses={200: PartnerSerializer})
    def partial_update(self, request, slug=None, pk=None):
        partner = self.get_object()
        data = validated(PartnerUpdateInputSerializer, request.data)
        services.update_partner(partner, by=request.user, **data)
        return Response(PartnerSerializer(partner).data)

    def destroy(self, request, slug=None, pk=None):
        services.remove_partner(self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MilestoneFilter(django_filters.FilterSet):
    phase = django_filters.ChoiceFilter(choices=Phase.choices)
    owner = django_filters.CharFilter(
        field_name="owner__organisation__slug", label=_("Owning organisation (slug)")
    )
    done = django_filters.BooleanFilter(
        field_name="done_on", lookup_expr="isnull", exclude=True, label=_("Done")
    )

    class Meta:
        model = Milestone
        fields = ["phase", "owner", "done"]


class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, EventResourceViewSet):
    """The plan: preparation, organisation and follow-up milestones. Members only.

    Filter a partner's own list with `?owner=<organisation slug>`, open ones with `?done=false`.
    """

    model = Milestone
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter
    permission_classes = [IsAuthenticated, IsEventMember]

    def rows_of(self, event):
        return event.milestones.select_related("owner__organisation")

    @extend_schema(request=MilestoneInputSerializer, responses={201: MilestoneSerializer})
    def create(self, request, slug=None):
        data = validated(MilestoneInputSerializer, request.data, context={"event": self.event})
        done = data.pop("done", None)
        with transaction.atomic():
            milestone = services.add_milestone(self.event, by=request.user, **data)
            if done is not None:
                milestone = services.set_milestone_done(milestone, by=request.user, done=done)
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=MilestoneInputSerializer(partial=True),
        responses={200: MilestoneSerializer},
    )
    def partial_update(self, request, slug=None, pk=None):
        milestone = self.get_object()
        data = validated(
            MilestoneInputSerializer, request.data, partial=True, context={"event": self.event}
        )
        done = data.pop("done", None)
        with transaction.atomic():
            if data:
                services.update_milestone(milestone, by=request.user, **data)
            if done is not None:
                services.set_milestone_done(milestone, by=request.user, done=done)
        return Response(MilestoneSerializer(milestone).data)

    def destroy(self, request, slug=None, pk=None):
        services.delete_milestone(self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SponsorshipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, EventResourceViewSet):
    """Organisations that sponsor the event, by tier."""

    model = Sponsorship
    serializer_class = SponsorshipSerializer

    def rows_of(self, event):
        return event.sponsorships.select_related("sponsor")

    @extend_schema(
        request=SponsorshipInputSerializer,
        responses={201: SponsorshipSerializer},
    )
    def create(self, request, slug=None):
        data = validated(SponsorshipInputSerializer, request.data)
        sponsorship = services.add_sponsor(self.event, by=request.user, **data)
        return Response(SponsorshipSerializer(sponsorship).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, slug=None, pk=None):
        services.remove_sponsor(self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
