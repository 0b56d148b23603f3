"""sportevents/serializer_fields.py: the door's CharField checks what DRF's checks."""

import pytest
from rest_framework import serializers

from sportevents.serializer_fields import CharField


@pytest.mark.parametrize(
    "value",
    ["A" * 60, "Kapı 3 – Süd", "Gate \U0001f3c3", "", "x\ud800", "\udfff Nord", "A" * 61],
)
def test_the_field_answers_as_drfs_does(value):
    ours = CharField(max_length=60, allow_blank=True)
    drfs = serializers.CharField(max_length=60, allow_blank=True)

    def outcome(field):
        try:
            return field.run_validation(value)
        except serializers.ValidationError as error:
            return error.detail

    assert outcome(ours) == outcome(drfs)


def test_the_ascii_shortcut_replaces_drfs_check():
    from rest_framework.validators import ProhibitSurrogateCharactersValidator

    kinds = [type(v).__name__ for v in CharField(max_length=60).validators]
    assert "_NoSurrogates" in kinds
    assert ProhibitSurrogateCharactersValidator.__name__ not in kinds


def test_a_lone_surrogate_is_refused_by_name():
    with pytest.raises(serializers.ValidationError, match="U\\+D800"):
        CharField().run_validation("Gate \ud800")
