from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Organisation, Role
from events.services.organisations import ORGANISATION_FIELDS
from events.sports import Sport


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    sports = forms.MultipleChoiceField(
        label=_("Sports"),
        choices=Sport.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Organisation
        fields = list(ORGANISATION_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "partner_interests": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("sports", self.instance.sport_codes)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.ORGANISER)
