"""The registration API: ticket types, registering (anonymous), the organisers' list and
cancellation, the participant's own registration at its secret link with the QR tickets,
check-in at the door, and the public keys that let a scanner check tickets offline.

Reads are scoped to what the caller may see; every write is a service call, which decides who
may make it. Domain errors become JSON by the one exception handler (sportevents/api.py).
"""

import base64
import hashlib
from collections.abc import Mapping
from functools import cached_property

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, permissions, status
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from events.api.common import EventResourceViewSet, get_visible_event
from events.models import Event
from events.permissions import EventAccess, access_for
from registrations import services, tickets
from registrations.models import (
    Participant,
    Registration,
    RegistrationStatus,
    Role,
    TicketType,
)
from registrations.serializers import (
    CheckInInputSerializer,
    OwnRegistrationSerializer,
    RegistrationCreatedSerializer,
    RegistrationInputSerializer,
    RegistrationSerializer,
    ScanSerializer,
    TicketKeysSerializer,
    TicketTypeInputSerializer,
    TicketTypeSerializer,
)
from sportevents.api import validated


class IsEventEditor(permissions.BasePermission):
    """Organisers of the lead or of a partner organisation: the people who run the door."""

    message = _("Only the event's organisers may see this.")

    def has_permission(self, request, view) -> bool:
        if getattr(view, "swagger_fake_view", False):
            return True
        return view.event_access.edits_anything


def _private(response: HttpResponse) -> HttpResponse:
    """For answers that carry a secret (the manage token, signed tickets): never cached."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# Ticket types ------------------------------------------------------------------------------


class TicketTypeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, EventResourceViewSet):
    """The event's ticket types with their price, seats left and whether they are on sale.

    Anyone who may see the event sees its active ticket types; its members also the inactive
    ones. The lead organisation's organisers create and change them.
    """

    model = TicketType
    serializer_class = TicketTypeSerializer

    def rows_of(self, event):
        rows = event.ticket_types.all()
        if not self.event_access.is_member:
            rows = rows.filter(is_active=True)
        return rows

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(request=TicketTypeInputSerializer, responses={201: TicketTypeSerializer})
    def create(self, request, slug=None):
        data = validated(TicketTypeInputSerializer, request.data)
        ticket_type = services.create_ticket_type(self.event, by=request.user, **data)
        return Response(self._out(ticket_type), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=TicketTypeInputSerializer(partial=True),
        responses={200: TicketTypeSerializer},
    )
    def partial_update(self, request, slug=None, pk=None):
        ticket_type = self.get_object()
        data = validated(TicketTypeInputSerializer, request.data, partial=True)
        ticket_type = services.update_ticket_type(ticket_type, by=request.user, **data)
        return Response(self._out(ticket_type))

    def _out(self, ticket_type: TicketType) -> dict:
        return TicketTypeSerializer(ticket_type, context=self.get_serializer_context()).data


# Registering and the organisers' list -----------------------------------------------------


class RegistrationEmailThrottle(ScopedRateThrottle):
    """Registrations per email address, from however many addresses they come."""

    def get_cache_key(self, request, view):
        data = request.data
        email = data.get("email") if isinstance(data, Mapping) else None
        if not isinstance(email, str) or not email.strip():
            return None  # the serializer refuses it
        ident = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": f"{self.scope}_email", "ident": ident}


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def _participants_matching(**lookups) -> Exists:
    return Exists(Participant.objects.filter(registration=OuterRef("pk"), **lookups))


class RegistrationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", max_length=100, label=_("Name, email address or reference")
    )
    status = django_filters.ChoiceFilter(choices=RegistrationStatus.choices)
    ticket_type = IdFilter(field_name="ticket_type_id", label=_("Ticket type id"))
    # Participant filters match one person: ?country=PT&role=coach is a Portuguese coach.
    country = django_filters.ChoiceFilter(
        choices=countries, method="by_participant", label=_("A participant's country")
    )
    role = django_filters.ChoiceFilter(
        choices=Role.choices, method="by_participant", label=_("A participant's role")
    )

    class Meta:
        model = Registration
        fields = ["q", "status", "ticket_type", "country", "role"]

    def search(self, queryset, name, value: str):
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(name__icontains=text)
            | Q(email__icontains=text)
            | Q(reference__iexact=text)
            | _participants_matching(name__icontains=text)
            | _participants_matching(email__icontains=text)
        )

    def by_participant(self, queryset, name, value: str):
        return queryset  # applied together in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        person = {
            name: self.form.cleaned_data[name]
            for name in ("country", "role")
            if self.form.cleaned_data.get(name)
        }
        return queryset.filter(_participants_matching(**person)) if person else queryset


class RegistrationViewSet(mixins.ListModelMixin, EventResourceViewSet):
    """Register for the event (no account needed), or, as its organiser, list its registrations.

    Registering answers 201 with the registration and its `manage_token` (shown once, also sent
    by email), 409 `full` when the ticket is sold out and the waiting list was not asked for,
    409 `already_registered` for a second seat of one ticket type by one address.
    """

    model = Registration
    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilter
    throttle_scope = "registration"

    def get_permissions(self):
        if self.action == "create":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated(), IsEventEditor()]

    def get_throttles(self):
        if self.action == "create":
            # Per client address (per account when logged in), and per email address.
            return [ScopedRateThrottle(), RegistrationEmailThrottle()]
        return super().get_throttles()

    def rows_of(self, event):
        return (
            Registration.objects.filter(event=event)
            .select_related("event", "ticket_type")
            .prefetch_related("participants")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(
        summary="Registrations of the event (its organisers)",
        description="Newest first. `q` searches the names and email addresses of the buyer and "
        "the participants, and the reference.",
    )
    def list(self, request, slug=None):
        return super().list(request, slug=slug)

    @extend_schema(
        summary="Register",
        request=RegistrationInputSerializer,
        responses={201: RegistrationCreatedSerializer},
    )
    def create(self, request, slug=None):
        data = validated(RegistrationInputSerializer, request.data, context={"event": self.event})
        outcome = services.register(self.event, **data)
        registration = self.rows_of(self.event).get(pk=outcome.registration.pk)
        context = {
            "manage_token": outcome.manage_token,
            "waitlist_position": outcome.waitlist_position,
        }
        return _private(
            Response(
                RegistrationCreatedSerializer(registration, context=context).data,
                status=status.HTTP_201_CREATED,
            )
        )


class RegistrationCancelView(APIView):
    """Cancel a registration as the event's organiser: its seats go to the waiting list."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={200: RegistrationSerializer})
    def post(self, request, reference: str):
        # Registrations are the organisations' business: to anyone else they do not exist.
        registration = get_object_or_404(
            Registration.objects.select_related("event", "ticket_type").filter(
                event__in=Event.objects.of_member(request.user).values("pk")
            ),
            reference=reference,
        )
        services.cancel_by_organiser(registration, by=request.user)
        registration = (
            Registration.objects.select_related("event", "ticket_type")
            .prefetch_related("participants")
            .get(pk=registration.pk)
        )
        return Response(RegistrationSerializer(registration).data)


# The participant's own registration, at its secret link -----------------------------------


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


# The door -----------------------------------------------------------------------------------


class CheckInView(APIView):
    """Check a ticket in at a gate: `valid`, `already` (with the first scan) or `invalid` (with
    the reason: forged, altered, revoked, cancelled, another event's). Every scan is logged.
    The event's organisers (lead and partners) only."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "checkin"

    @extend_schema(
        request=CheckInInputSerializer,
        responses={200: OpenApiResponse(ScanSerializer, description="The answer for the door.")},
    )
    def post(self, request):
        data = validated(CheckInInputSerializer, request.data, context={"request": request})
        event = data.pop("event")
        scan = services.check_in(event, by=request.user, **data)
        return Response(ScanSerializer(scan, context={"event": event}).data)


class TicketKeysView(APIView):
    """The event's public keys and revoked tickets, for a scanner that checks tickets offline.
    The event's organisers only; private keys never leave the server."""

    permission_classes = [permissions.IsAuthenticated, IsEventEditor]

    @cached_property
    def event(self) -> Event:
        return get_visible_event(self.request.user, self.kwargs["slug"])

    @cached_property
    def event_access(self) -> EventAccess:
        return access_for(self.request.user, self.event)

    @extend_schema(responses={200: TicketKeysSerializer})
    def get(self, request, slug: str):
        event = self.event
        # A scanner loaded before the first ticket is signed still needs the key to come.
        tickets.signing_key(event)
        keys = [
            {
                "key_id": key_id,
                "public_key": base64.urlsafe_b64encode(public).rstrip(b"=").decode(),
                "algorithm": "Ed25519",
            }
            for key_id, public in sorted(tickets.public_keys(event).items())
        ]
        revoked = Participant.objects.filter(
            registration__event=event, ticket_revoked_at__isnull=False
        ).values_list("ticket_id", flat=True)
        data = {
            "event": event.slug,
            "keys": keys,
            "revoked": list(revoked),
            "generated_at": timezone.now(),
        }
        return Response(TicketKeysSerializer(data).data)
