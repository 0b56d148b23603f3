"""`/events/{slug}/audit/`: the event's audit log, read-only, for the members of its lead and
partner organisations (viewers too), newest first, with the page's filters."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.permissions import IsAuthenticated

from events.api.common import EventResourceViewSet, IsEventMember
from events.filters import AuditFilter
from events.models import AuditEntry
from events.serializers import AuditEntrySerializer


class AuditEntryViewSet(mixins.ListModelMixin, EventResourceViewSet):
    model = AuditEntry
    serializer_class = AuditEntrySerializer
    filterset_class = AuditFilter
    permission_classes = [IsAuthenticated, IsEventMember]

    def rows_of(self, event):
        return AuditEntry.objects.of_event(event)

    @extend_schema(
        summary="Audit log of the event (its organisations' members)",
        description="Who changed what on the event, its programme, tickets, registrations, "
        "check-ins and payments; newest first. Personal fields of registrations appear by name "
        "only (`withheld`), never with their values. `date_from` and `date_to` are days in UTC.",
    )
    def list(self, request, slug=None):
        return super().list(request, slug=slug)
