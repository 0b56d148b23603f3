"""Serializer pieces that keep the API's hot paths light.

Registering answers in a few milliseconds, and a serializer is built for each request: these
leave out the work a request does not need.
"""

import copy

from django.utils.translation import get_language
from django_countries.serializer_fields import CountryField as _CountryField
from rest_framework import serializers
from rest_framework.fields import flatten_choices_dict, to_choices_dict
from rest_framework.validators import ProhibitSurrogateCharactersValidator


class CountryField(_CountryField):
    """django-countries' field, without translating every country's name each time it is made.
    Reading and writing a code never needs the names (the field uses `countries` for both);
    the OpenAPI schema and the browsable API build them when they ask for the choices."""

    def _get_choices(self):
        return flatten_choices_dict(self.grouped_choices)

    def _set_choices(self, choices):
        self._countries_choices = choices

    choices = property(_get_choices, _set_choices)

    @property
    def grouped_choices(self):
        return to_choices_dict(self._countries_choices)

    @property
    def choice_strings_to_values(self):
        return {str(key): key for key in self.choices}


# No docstring: the OpenAPI schema would take it as the description of the serializers.
class FieldsBuiltOnce:
    # For a ModelSerializer: its fields are worked out from the model once per class and
    # language (labels and choices are translated), then copied for each instance; DRF would
    # inspect the model's fields again for every serializer it makes.

    _built: dict = {}

    def get_fields(self):
        key = (type(self), get_language())
        built = FieldsBuiltOnce._built.get(key)
        if built is None:
            built = FieldsBuiltOnce._built[key] = super().get_fields()
        return copy.deepcopy(built)


class _NoSurrogates(ProhibitSurrogateCharactersValidator):
    """DRF's check, skipped for an ASCII string (one flag of the string in CPython), which
    cannot hold a surrogate: DRF tests every character in Python."""

    def __call__(self, value):
        if not str(value).isascii():
            super().__call__(value)


class CharField(serializers.CharField):
    """DRF's CharField with the same checks, for text read on every scan at the door: a ticket's
    code is some 100 ASCII characters, and DRF's test of each one for a lone surrogate was 2 %
    of a check-in's CPU."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            _NoSurrogates() if type(v) is ProhibitSurrogateCharactersValidator else v
            for v in self.validators
        ]
