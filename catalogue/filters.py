import django_filters
from django.utils.translation import gettext_lazy as _

from catalogue.models import Action, Family, Field


class ActionFilter(django_filters.FilterSet):
    field = django_filters.ChoiceFilter(
        label=_("Field"),
        choices=Field.choices,
        field_name="fields__field",
        empty_label=_("All fields"),
    )
    family = django_filters.ChoiceFilter(
        label=_("Family"), choices=Family.choices, empty_label=_("All families")
    )

    class Meta:
        model = Action
        fields = ["field", "family"]
