"""What the planning endpoints share: finding the event the user may see, and members-only."""

from functools import cached_property

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions, viewsets

from events.models import Event
from events.permissions import EventAccess, access_for


def get_visible_event(user, slug: str) -> Event:
    """The event if the user may see it; 404 otherwise, so drafts do not reveal themselves."""
    return get_object_or_404(Event.objects.visible_to(user).select_related("lead"), slug=slug)


class EventResourceViewSet(viewsets.GenericViewSet):
    """Base for `/events/{slug}/<resources>/`: every row is looked up within a visible event,
    so an id of another event's row is a 404 too. Writes are refused by the services."""

    model: type

    @cached_property
    def event(self) -> Event:
        return get_visible_event(self.request.user, self.kwargs["slug"])

    @cached_property
    def event_access(self) -> EventAccess:
        return access_for(self.request.user, self.event)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no event, no user
            return self.model.objects.none()
        return self.rows_of(self.event)

    def rows_of(self, event: Event):
        raise NotImplementedError

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False) and "slug" in self.kwargs:
            context["event"] = self.event
        return context


class IsEventMember(permissions.BasePermission):
    """Members of the lead and partner organisations: the plan is theirs, not the public's."""

    message = _("Only members of the event's organisations see its plan.")

    def has_permission(self, request, view) -> bool:
        if getattr(view, "swagger_fake_view", False):
            return True
        return view.event_access.is_member
