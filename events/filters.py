import django_filters
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from events.models import Organisation, OrganisationKind
from events.sports import Sport


class OrganisationFilter(django_filters.FilterSet):
    """The partner finder's filters, shared by the web page and the API."""

    q = django_filters.CharFilter(
        label=_("Name contains"), field_name="name", lookup_expr="icontains"
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=countries, empty_label=_("All countries")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=OrganisationKind.choices, empty_label=_("All kinds")
    )
    sport = django_filters.ChoiceFilter(
        label=_("Sport"),
        choices=Sport.choices,
        field_name="sports__sport",
        empty_label=_("All sports"),
    )

    looking_for_partners = django_filters.BooleanFilter(label=_("Looking for partners"))

    class Meta:
        model = Organisation
        fields = ["q", "country", "kind", "sport", "looking_for_partners"]
