"""Events: the catalogue of public events plus the drafts of one's own organisations."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from events import services
from events.filters import EventFilter
from events.models import Event
from events.permissions import access_for
from events.readiness import PLANNING_PREFETCH
from events.serializers import (
    EventDetailSerializer,
    EventInputSerializer,
    EventSerializer,
    EventStatusInputSerializer,
    EventUpdateInputSerializer,
)
from sportevents.api import validated
from sportevents.pagecache import CachedPublicListMixin

DETAIL_PREFETCH = (*PLANNING_PREFETCH, "sponsorships__sponsor")


class EventViewSet(
    CachedPublicListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Published, completed and cancelled events, plus the drafts of your organisations.

    Filters are the public list page's. `title` is in the request's language (Accept-Language);
    `readiness` (detail only) is shown to members of the event's organisations.
    """

    serializer_class = EventSerializer
    filterset_class = EventFilter
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Event.objects.none()
        queryset = Event.objects.visible_to(self.request.user).for_listing()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(*DETAIL_PREFETCH)
        return queryset

    def get_serializer_class(self):
        return EventSerializer if self.action == "list" else EventDetailSerializer

    def retrieve(self, request, slug=None):
        return Response(self._detail(self.get_object()))

    @extend_schema(
        request=EventInputSerializer,
        responses={201: EventDetailSerializer},
    )
    def create(self, request):
        data = validated(EventInputSerializer, request.data)
        event = services.create_event(by=request.user, **data)
        return Response(self._detail(event, fresh=True), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=EventUpdateInputSerializer(partial=True),
        responses={200: EventDetailSerializer},
    )
    def partial_update(self, request, slug=None):
        event = self.get_object()
        data = validated(EventUpdateInputSerializer, request.data, partial=True)
        services.update_event(event, by=request.user, **data)
        return Response(self._detail(event, fresh=True))

    @extend_schema(
        request=EventStatusInputSerializer,
        responses={200: EventDetailSerializer},
    )
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def change_status(self, request, slug=None):
        """Publish, complete or cancel (with a reason) the event."""
        event = self.get_object()
        data = validated(EventStatusInputSerializer, request.data)
        services.change_status(event, by=request.user, **data)
        return Response(self._detail(event, fresh=True))

    def _detail(self, event: Event, *, fresh: bool = False) -> dict:
        if fresh:  # after a write: read it back with everything the detail shows
            event = Event.objects.for_listing().prefetch_related(*DETAIL_PREFETCH).get(pk=event.pk)
        context = {**self.get_serializer_context(), "access": access_for(self.request.user, event)}
        return EventDetailSerializer(event, context=context).data
