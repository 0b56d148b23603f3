"""The participant's own registration at its secret link: view, change, cancel, QR and PDF
tickets, download the data, erase it."""

from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from registrations import pdf, privacy, services, tickets
from registrations.api.common import _private
from registrations.models import (
    Registration,
    RegistrationStatus,
)
from registrations.serializers import (
    EraseInputSerializer,
    OwnRegistrationSerializer,
    RegistrationChangeSerializer,
)
from sportevents.api import validated


class ManagedRegistrationView(APIView):
    """Base of the manage-link endpoints: the token is the credential, no login is needed.
    An unknown token is a plain 404 that says nothing about what exists."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    def registration(self, token: str) -> Registration:
        registration = services.find_registration(token)
        if registration is None:
            raise NotFound()
        return registration

    def own(self, registration: Registration, token: str) -> dict:
        prefetch_related_objects([registration], "participants")
        participants = registration.participants.all()
        signed = {}
        if registration.status == RegistrationStatus.CONFIRMED:
            key = tickets.signing_key(registration.event)
            for participant in participants:
                if participant.ticket_revoked_at is None:
                    participant.registration = registration
                    signed[participant.pk] = tickets.sign(participant, key=key)
        context = {
            "tickets": signed,
            "manage_url": self.request.build_absolute_uri(
                reverse("api:registration-manage", args=[token])
            ),
            "waitlist_position": (
                services.waitlist_position(registration)
                if registration.status == RegistrationStatus.WAITLISTED
                else None
            ),
        }
        return OwnRegistrationSerializer(registration, context=context).data


class ManageRegistrationView(ManagedRegistrationView):
    @extend_schema(summary="My registration", responses={200: OwnRegistrationSerializer})
    def get(self, request, token: str):
        """The registration with its participants and, once confirmed, their signed tickets."""
        registration = self.registration(token)
        return _private(Response(self.own(registration, token)))

    @extend_schema(
        summary="Change my registration's details",
        request=RegistrationChangeSerializer,
        responses={200: OwnRegistrationSerializer},
    )
    def patch(self, request, token: str):
        """Names, email addresses, countries, roles, the language, the accessibility consent and
        needs, and withdrawing the survey consent. Not the year of birth nor the ticket type;
        not once cancelled (409) or after the event (409)."""
        registration = self.registration(token)
        privacy.change_details(
            registration, **validated(RegistrationChangeSerializer, request.data)
        )
        registration = services.find_registration(token)
        return _private(Response(self.own(registration, token)))


class ManageCancelView(ManagedRegistrationView):
    @extend_schema(
        summary="Cancel my registration", request=None, responses={200: OwnRegistrationSerializer}
    )
    def post(self, request, token: str):
        """Cancel: the tickets stop being valid and the seats go to the waiting list."""
        registration = self.registration(token)
        services.cancel_registration(registration)
        registration = services.find_registration(token)
        return _private(Response(self.own(registration, token)))


class ImageNegotiation(BaseContentNegotiation):
    """The image is the answer whatever the client accepts (an <img> asks for image/*);
    errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class TicketQRView(ManagedRegistrationView):
    """A participant's ticket as a QR code, while the registration is confirmed."""

    content_type: str
    renderer_classes = [JSONRenderer]
    content_negotiation_class = ImageNegotiation

    def draw(self, token: str) -> bytes:
        raise NotImplementedError

    def get(self, request, token: str, ticket_id):
        registration = self.registration(token)
        participant = registration.participants.filter(
            ticket_id=ticket_id, ticket_revoked_at__isnull=True
        ).first()
        if participant is None or registration.status != RegistrationStatus.CONFIRMED:
            raise NotFound()
        participant.registration = registration
        response = HttpResponse(
            self.draw(tickets.sign(participant)), content_type=self.content_type
        )
        return _private(response)


class TicketPNGView(TicketQRView):
    content_type = "image/png"

    def draw(self, token: str) -> bytes:
        return tickets.qr_png(token)

    @extend_schema(
        summary="Ticket QR code (PNG)", responses={(200, "image/png"): OpenApiTypes.BINARY}
    )
    def get(self, request, token: str, ticket_id):
        return super().get(request, token, ticket_id)


class TicketSVGView(TicketQRView):
    content_type = "image/svg+xml"

    def draw(self, token: str) -> bytes:
        return tickets.qr_svg(token)

    @extend_schema(
        summary="Ticket QR code (SVG)", responses={(200, "image/svg+xml"): OpenApiTypes.BINARY}
    )
    def get(self, request, token: str, ticket_id):
        return super().get(request, token, ticket_id)


class TicketsPDFView(ManagedRegistrationView):
    """Every participant's ticket, one page each, while the registration is confirmed."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = ImageNegotiation

    @extend_schema(
        summary="Tickets as PDF", responses={(200, "application/pdf"): OpenApiTypes.BINARY}
    )
    def get(self, request, token: str):
        registration = self.registration(token)
        if registration.status != RegistrationStatus.CONFIRMED:
            raise NotFound()
        response = HttpResponse(pdf.tickets_pdf(registration), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{pdf.filename(registration)}"'
        return _private(response)


class ManageDataView(ManagedRegistrationView):
    """Download my data: everything held about the registration and its participants."""

    @extend_schema(
        summary="Download my data",
        responses={(200, "application/json"): OpenApiTypes.OBJECT},
    )
    def get(self, request, token: str):
        registration = self.registration(token)
        body = privacy.export_json(privacy.export_data(registration))
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{privacy.export_filename(registration)}"'
        )
        return _private(response)


class ManageEraseView(ManagedRegistrationView):
    @extend_schema(summary="Erase my data", request=EraseInputSerializer, responses={204: None})
    def post(self, request, token: str):
        """Cancel an upcoming registration (the seats go to the waiting list), then remove the
        names, addresses and needs; only anonymous counts stay. The token stops working."""
        registration = self.registration(token)
        validated(EraseInputSerializer, request.data)
        privacy.erase_registration(registration)
        return _private(Response(status=204))
