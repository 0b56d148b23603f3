"""Ticket types of an event: listed to whoever sees the event, changed by its lead."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from events.api.common import EventResourceViewSet
from registrations import services
from registrations.models import (
    TicketType,
)
from registrations.serializers import (
    TicketTypeInputSerializer,
    TicketTypeSerializer,
)
from sportevents.api import validated


class TicketTypeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, EventResourceViewSet):
    """The event's ticket types with their price, seats left and whether they are on sale.

    Anyone who may see the event sees its active ticket types; its members also the inactive
    ones. The lead organisation's organisers create and change them.
    """

    model = TicketType
    serializer_class = TicketTypeSerializer

    def rows_of(self, event):
        rows = event.ticket_types.prefetch_related("allocations")
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
