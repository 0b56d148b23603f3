"""Data requests for an organisation's administrators: the requests answered, a person's data
as their own export, and erasing it. The same service as the web page
(registrations.data_requests); anyone but the organisation's administrators gets a 403."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from events.models import Organisation
from registrations import data_requests, privacy
from registrations.api.common import _private
from registrations.models import DataRequest
from registrations.serializers import (
    DataErasureInputSerializer,
    DataErasureSerializer,
    DataRequestInputSerializer,
    DataRequestSerializer,
)
from sportevents.api import validated
from sportevents.throttles import ScopedRateThrottle


class OrganisationAdminMixin:
    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "data_request"

    def get_throttles(self):
        return [*super().get_throttles(), ScopedRateThrottle()]

    def organisation(self) -> Organisation:
        organisation = get_object_or_404(Organisation, slug=self.kwargs["slug"])
        data_requests.require_admin(organisation, self.request.user)
        return organisation


class DataRequestListView(OrganisationAdminMixin, generics.ListAPIView):
    """The data requests the organisation answered, newest first: when, by whom, what."""

    serializer_class = DataRequestSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DataRequest.objects.none()
        return data_requests.history(self.organisation())

    @extend_schema(summary="Data requests answered")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DataRequestExportView(OrganisationAdminMixin, APIView):
    @extend_schema(
        summary="Download a person's data",
        request=DataRequestInputSerializer,
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
    )
    def post(self, request, slug: str):
        """Everything the organisation's events hold about the email address: `registrations`
        lists the person's own export of each registration (as they download it at its link;
        of someone else's registration, only their participants). Recorded."""
        organisation = self.organisation()
        email = validated(DataRequestInputSerializer, request.data)["email"]
        data = data_requests.export_person(organisation, email, by=request.user)
        response = HttpResponse(
            privacy.export_json(data), content_type="application/json; charset=utf-8"
        )
        filename = f"data-request-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return _private(response)


class DataRequestEraseView(OrganisationAdminMixin, APIView):
    @extend_schema(
        summary="Erase a person's data",
        request=DataErasureInputSerializer,
        responses={200: DataErasureSerializer},
    )
    def post(self, request, slug: str):
        """Erase what the organisation's events hold about the email address (`confirm`: the
        address again). A registration the person made is cancelled first if its event is to
        come (the seats go to the waiting list), then anonymised; in someone else's
        registration only their participants are. Anonymous counts stay. Recorded."""
        organisation = self.organisation()
        email = validated(DataErasureInputSerializer, request.data)["email"]
        erased = data_requests.erase_person(organisation, email, by=request.user)
        return _private(Response(DataErasureSerializer(erased).data))
