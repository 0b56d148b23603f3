from django import template
from django.urls import reverse

from calendars.links import subscribe_links

register = template.Library()


@register.simple_tag
def event_feed_links(event) -> dict[str, str]:
    """Subscribe links for one event's feed: {{ links.google }}, {{ links.webcal }}, ..."""
    return subscribe_links(reverse("calendars:event", args=[event.slug]), name=event.title)
