"""The survey as a form: one optional field per item, in the respondent's language."""

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.instruments import instruments_for
from surveys.instruments.base import in_language, language_of


def _choices(item, language):
    return [(str(option.value), in_language(option.label, language)) for option in item.options]


class SurveyForm(forms.Form):
    def __init__(self, data=None, *, wave, language: str):
        super().__init__(data)
        self.sections = []
        for instrument in instruments_for(wave.kind, wave.instrument_version):
            names = []
            for item in instrument.items:
                label = in_language(item.text, language)
                if item.multiple:
                    field = forms.MultipleChoiceField(
                        label=label,
                        required=False,
                        choices=_choices(item, language),
                        widget=forms.CheckboxSelectMultiple,
                    )
                else:
                    field = forms.ChoiceField(
                        label=label,
                        required=False,
                        choices=_choices(item, language),
                        widget=forms.RadioSelect,
                    )
                self.fields[item.code] = field
                names.append(item.code)
            self.sections.append((instrument, names))

    def answers(self) -> dict:
        """The answers given, as the service takes them (skipped items left out)."""
        return {code: value for code, value in self.cleaned_data.items() if value not in ("", [])}

    def section_rows(self, language: str) -> list[dict]:
        """For the template: each instrument with its heading, translation status and fields,
        the questions numbered across the whole survey."""
        rows, number = [], 0
        total = len(self.fields)
        for instrument, names in self.sections:
            fields = []
            for name in names:
                number += 1
                fields.append({"field": self[name], "number": number})
            rows.append(
                {
                    "instrument": instrument,
                    "name": in_language(instrument.name, language),
                    "intro": in_language(instrument.intro, language) if instrument.intro else "",
                    "translation": instrument.translation(language_of(instrument.name, language)),
                    "fields": fields,
                }
            )
        self.question_count = total
        return rows


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, delete my answers and send me no more surveys."), required=True
    )
