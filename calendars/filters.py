"""The public feed's filters: the event list's, with an unknown organisation refused too."""

import django_filters
from django.utils.translation import gettext_lazy as _

from events.filters import EventFilter
from events.models import Organisation


class FeedFilter(EventFilter):
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        field_name="partners__organisation",
    )

    class Meta(EventFilter.Meta):
        fields = ["country", "sport", "objective", "organisation"]


# Only these narrow the feed; anything else is refused rather than silently ignored.
FEED_PARAMETERS = ("country", "sport", "objective", "organisation")
