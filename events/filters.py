import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from events.models import (
    ActorKind,
    AuditAction,
    AuditEntry,
    AuditObject,
    Event,
    EventPartner,
    EventStatus,
    Objective,
    Organisation,
    OrganisationKind,
    Session,
)
from events.sports import Sport
from sportevents.widgets import Select
from venues.models import Feature


class OrganisationFilter(django_filters.FilterSet):
    """The partner finder's filters, shared by the web page and the API."""

    q = django_filters.CharFilter(
        label=_("Name contains"), field_name="name", lookup_expr="icontains"
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=countries, empty_label=_("All countries"), widget=Select
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=OrganisationKind.choices, empty_label=_("All kinds"), widget=Select
    )
    sport = django_filters.ChoiceFilter(
        label=_("Sport"),
        choices=Sport.choices,
        field_name="sports__sport",
        empty_label=_("All sports"),
        widget=Select,
    )

    looking_for_partners = django_filters.BooleanFilter(label=_("Looking for partners"))

    class Meta:
        model = Organisation
        fields = ["q", "country", "kind", "sport", "looking_for_partners"]


class DateInput(forms.DateInput):
    input_type = "date"


class EventFilter(django_filters.FilterSet):
    """The event list's filters, shared by the public page and the API."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    country = django_filters.ChoiceFilter(
        label=_("Country"),
        choices=countries,
        method="in_country",
        empty_label=_("All countries"),
        widget=Select,
    )
    sport = django_filters.ChoiceFilter(
        label=_("Sport"),
        choices=Sport.choices,
        field_name="sports__sport",
        empty_label=_("All sports"),
        widget=Select,
    )
    objective = django_filters.ChoiceFilter(
        label=_("Objective"),
        choices=Objective.choices,
        empty_label=_("All objectives"),
        widget=Select,
    )
    feature = django_filters.ChoiceFilter(
        label=_("Accessibility"),
        choices=Feature.choices,
        field_name="sessions__venue__features__feature",
        empty_label=_("Any accessibility"),
        widget=Select,
    )
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="ends_on", lookup_expr="gte", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        label=_("Until"), field_name="starts_on", lookup_expr="lte", widget=DateInput
    )
    organisation = django_filters.CharFilter(
        label=_("Organisation"), field_name="partners__organisation__slug"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EventStatus.choices)

    class Meta:
        model = Event
        fields = ["q", "country", "sport", "objective", "feature", "date_from", "date_to"]

    def search(self, queryset, name, value):
        return queryset.filter(search_text__contains=value.casefold())

    def in_country(self, queryset, name, value: str):
        # Where it takes place, or where one of its organisations comes from.
        return queryset.filter(
            Q(pk__in=Session.objects.filter(venue__country=value).values("event_id"))
            | Q(pk__in=EventPartner.objects.filter(organisation__country=value).values("event_id"))
        )

    def filter_queryset(self, queryset):
        # Filters across to-many relations would repeat an event once per matching row.
        return super().filter_queryset(queryset).distinct()


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class AuditFilter(django_filters.FilterSet):
    """The audit log's filters, shared by the organisers' page, its CSV and the API."""

    object_type = django_filters.ChoiceFilter(
        label=_("What"), choices=AuditObject.choices, empty_label=_("Everything")
    )
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=AuditAction.choices, empty_label=_("All actions")
    )
    actor_kind = django_filters.ChoiceFilter(
        label=_("Made by"), choices=ActorKind.choices, empty_label=_("Anyone")
    )
    actor = IdFilter(label=_("Person"), field_name="actor_id", help_text=_("The account's id."))
    date_from = django_filters.DateFilter(
        label=_("From"), field_name="at", lookup_expr="date__gte", widget=DateInput
    )
    date_to = django_filters.DateFilter(
        label=_("Until"), field_name="at", lookup_expr="date__lte", widget=DateInput
    )

    class Meta:
        model = AuditEntry
        fields = ["object_type", "action", "actor_kind", "actor", "date_from", "date_to"]

    def __init__(self, *args, people=None, **kwargs):
        """`people`: (id, name) of those in this log, offered as a list on the page."""
        super().__init__(*args, **kwargs)
        if people is not None:
            self.form.fields["actor"].widget = forms.Select(choices=[("", _("Everyone")), *people])
