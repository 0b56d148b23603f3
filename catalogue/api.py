from rest_framework import viewsets

from catalogue.filters import ActionFilter
from catalogue.models import Action
from catalogue.serializers import ActionSerializer
from sportevents.pagecache import CachedPublicListMixin


class ActionViewSet(CachedPublicListMixin, viewsets.ReadOnlyModelViewSet):
    """The Erasmus+ Key Action 2 catalogue. Filter by `field` (e.g. `sport`) or `family`."""

    queryset = Action.objects.with_fields().order_by("position")
    serializer_class = ActionSerializer
    filterset_class = ActionFilter
    lookup_field = "slug"
    permission_classes = []
