"""Impact API: organisers read their event's live summary and publish snapshots; sponsors and
organisers read the snapshots they are entitled to. The same services as the pages."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from events.api.common import get_visible_event
from events.permissions import access_for
from sportevents.errors import Forbidden
from surveys.impact_serializers import ImpactReportSerializer, SnapshotSerializer
from surveys.models import Snapshot
from surveys.report import organiser_report
from surveys.snapshots import publish, visible_snapshots
from surveys.summary import event_summary


class SnapshotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Published snapshots: a sponsor's organisations', and those of the events one organises."""

    serializer_class = SnapshotSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Snapshot.objects.none()
        return visible_snapshots(self.request.user)


class EventImpactView(APIView):
    """The organisers' live summary of an event (the sponsor rules plus operational counts)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: ImpactReportSerializer})
    def get(self, request, slug: str):
        event = get_visible_event(request.user, slug)
        if not access_for(request.user, event).edits_anything:
            raise Forbidden(_("Only the event's organisers see its live figures."))
        report = organiser_report(event_summary(event))
        return Response(ImpactReportSerializer({"event": event.slug, "report": report}).data)


class EventSnapshotsView(APIView):
    """Publish a snapshot of the event's closed waves (lead organisers)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={201: SnapshotSerializer})
    def post(self, request, slug: str):
        event = get_visible_event(request.user, slug)
        snapshot = publish(event, by=request.user)
        return Response(SnapshotSerializer(snapshot).data, status=status.HTTP_201_CREATED)
