from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from events import services
from events.filters import OrganisationFilter
from events.models import Membership, Organisation
from events.serializers import (
    InvitationInputSerializer,
    InvitationSerializer,
    MembershipRoleSerializer,
    MembershipSerializer,
    OrganisationInputSerializer,
    OrganisationSerializer,
)
from sportevents.api import validated
from sportevents.pagecache import CachedPublicListMixin


class OrganisationViewSet(
    CachedPublicListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Organisations' public profiles; the partner finder is `?looking_for_partners=true`."""

    queryset = Organisation.objects.with_sports().order_by("name")
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    lookup_field = "slug"

    def get_queryset(self):
        queryset = super().get_queryset()
        # Filtering by sport joins a to-many table; keep each organisation once.
        return queryset.distinct() if "sport" in self.request.query_params else queryset

    @extend_schema(request=OrganisationInputSerializer, responses={201: OrganisationSerializer})
    def create(self, request):
        data = validated(OrganisationInputSerializer, request.data)
        organisation = services.create_organisation(creator=request.user, **data)
        return Response(self._out(organisation), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=OrganisationInputSerializer(partial=True), responses=OrganisationSerializer
    )
    def partial_update(self, request, slug=None):
        organisation = self.get_object()
        data = validated(OrganisationInputSerializer, request.data, partial=True)
        services.update_organisation(organisation, by=request.user, **data)
        return Response(self._out(organisation))

    @extend_schema(responses=MembershipSerializer(many=True))
    @action(detail=True, methods=["get"], permission_classes=[IsAuthenticated])
    def members(self, request, slug=None):
        organisation = self.get_object()
        services.require_role(organisation, request.user)
        memberships = organisation.memberships.select_related("user").order_by("user__email")
        page = self.paginate_queryset(memberships)
        return self.get_paginated_response(MembershipSerializer(page, many=True).data)

    @extend_schema(request=InvitationInputSerializer, responses={201: InvitationSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def invitations(self, request, slug=None):
        organisation = self.get_object()
        data = validated(InvitationInputSerializer, request.data)
        invitation, _token = services.invite_member(organisation, by=request.user, **data)
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    def _out(self, organisation):
        organisation = Organisation.objects.with_sports().get(pk=organisation.pk)
        return OrganisationSerializer(organisation, context=self.get_serializer_context()).data


class MembershipViewSet(mixins.UpdateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Change a member's role or remove a member (administrators; anyone may leave)."""

    serializer_class = MembershipSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["patch", "delete"]
    lookup_value_regex = "[0-9]+"  # anything else is a 404, not a failed integer lookup

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Membership.objects.none()
        # Only memberships of organisations the requester belongs to exist for them.
        return Membership.objects.select_related("organisation", "user").filter(
            organisation__memberships__user=self.request.user
        )

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(request=MembershipRoleSerializer, responses=MembershipSerializer)
    def partial_update(self, request, pk=None):
        membership = self.get_object()
        data = validated(MembershipRoleSerializer, request.data)
        services.change_member_role(membership, by=request.user, role=data["role"])
        return Response(MembershipSerializer(membership).data)

    def destroy(self, request, pk=None):
        services.remove_member(self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
