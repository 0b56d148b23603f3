"""Registering (anonymous), the organisers' list of registrations, and their cancelling."""

import hashlib
from collections.abc import Mapping

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, status
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.response import Response
from rest_framework.views import APIView

from events.api.common import EventResourceViewSet
from events.models import Event
from registrations import desks, services
from registrations.api import waiting_room as room
from registrations.api.common import IsEventEditor, _private
from registrations.models import (
    Participant,
    Registration,
    RegistrationStatus,
    Role,
)
from registrations.serializers import (
    RegistrationCreatedSerializer,
    RegistrationInputSerializer,
    RegistrationSerializer,
    registration_created,
    registration_input,
)
from sportevents.throttles import ScopedRateThrottle


class RegistrationThrottle(ScopedRateThrottle):
    """Registrations per client address (per account when logged in), and per email address
    from however many addresses they come: two counters at one rate, in one round trip."""

    def cache_keys(self, request, view) -> list[str]:
        keys = super().cache_keys(request, view)
        try:
            data = request.data
        except (ParseError, UnsupportedMediaType):
            return keys  # counted for the client all the same; the view answers 400 or 415
        email = data.get("email") if isinstance(data, Mapping) else None
        if isinstance(email, str) and email.strip():  # else the serializer refuses it
            ident = hashlib.sha256(email.strip().lower().encode()).hexdigest()
            keys.append(self.cache_format % {"scope": f"{self.scope}_email", "ident": ident})
        return keys


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
    409 `already_registered` for a second seat of one ticket type by one address, and, while
    the event's waiting room holds you back, 429 `waiting_room` (registrations/api/waiting_room.py).
    """

    model = Registration
    serializer_class = RegistrationSerializer
    filterset_class = RegistrationFilter
    throttle_scope = "registration"
    admission = None  # the waiting room's answer to this request, when the room stands

    def get_permissions(self):
        if self.action == "create":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated(), IsEventEditor()]

    def get_throttles(self):
        if self.action == "create":
            return [RegistrationThrottle()]
        return super().get_throttles()

    @property
    def data_versions(self):
        # Registering reads the desk's data version with the rate limit's counters.
        return [desks.DESK_DATA] if self.action == "create" else []

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
        description="When the event's waiting room is on and more people come than it lets in "
        "a minute, the answer is 429 `waiting_room` with your `position`, `retry_after` seconds "
        "and a `Waiting-Room-Pass`: send the same request again then, with that header.",
        request=RegistrationInputSerializer,
        parameters=room.SCHEMA_PARAMETERS,
        responses={201: RegistrationCreatedSerializer, 429: room.QUEUED_RESPONSE},
    )
    def create(self, request, slug=None):
        desk = desks.desk_for(request.user, slug, request)  # kept between registrations
        if room.stands(desk.event):  # the room off: one field of the event already loaded
            self.admission = room.admit_client(request, desk.event)
            if not self.admission.admitted:
                return room.queued(self.admission)
        outcome = services.register(desk.event, **registration_input(request.data, desk))
        # Its event and ticket type are loaded already; its participants are in hand.
        registration = services.with_participants(outcome.registration, outcome.participants)
        body = registration_created(
            registration,
            manage_token=outcome.manage_token,
            waitlist_position=outcome.waitlist_position,
        )
        return _private(Response(body, status=status.HTTP_201_CREATED))

    def finalize_response(self, request, response, *args, **kwargs):
        # A pass given to this request goes back with any answer, a refusal too: a client let
        # in whose form was refused corrects it and tries again without queueing anew.
        response = super().finalize_response(request, response, *args, **kwargs)
        return room.with_pass(response, self.admission)


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
