"""The survey by link, for apps: its items in one language, and the answers sent back."""

from django.conf import settings
from rest_framework import serializers

from surveys.instruments import instruments_for
from surveys.instruments.base import in_language, language_of
from surveys.models import WaveKind


class OptionSerializer(serializers.Serializer):
    value = serializers.JSONField(help_text="The value to send back: a number or a code.")
    label = serializers.CharField()


class ItemSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The key of this item's answer.")
    text = serializers.CharField()
    multiple = serializers.BooleanField(help_text="A list of values may be sent.")
    exclusive = serializers.ListField(
        child=serializers.JSONField(), help_text="Values that cannot be combined with others."
    )
    options = OptionSerializer(many=True)


class SectionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    intro = serializers.CharField(allow_blank=True)
    translation = serializers.ChoiceField(
        choices=["original", "official", "ours"],
        help_text="`ours`: not an official translation; show it as our translation.",
    )
    source = serializers.CharField()
    source_url = serializers.CharField(allow_blank=True)
    items = ItemSerializer(many=True)


class SurveySerializer(serializers.Serializer):
    event = serializers.CharField(help_text="The event's title.")
    wave = serializers.ChoiceField(choices=WaveKind.choices)
    instrument_version = serializers.CharField()
    language = serializers.ChoiceField(choices=settings.LANGUAGES)
    closes_at = serializers.DateTimeField()
    sections = SectionSerializer(many=True)


class AnswersSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text="Item code → value (or a list of values for `multiple` items). Every item "
        "is optional; leave out or send null to skip.",
    )


class AnsweredSerializer(serializers.Serializer):
    answered_at = serializers.DateTimeField()
    message = serializers.CharField()
    support = serializers.CharField(help_text="Neutral signposting to show after answering.")


class WithdrawnSerializer(serializers.Serializer):
    withdrawn_at = serializers.DateTimeField()


def survey_data(invitation, language: str) -> dict:
    wave = invitation.wave
    sections = []
    for instrument in instruments_for(wave.kind, wave.instrument_version):
        shown = language_of(instrument.name, language)
        sections.append(
            {
                "code": instrument.code,
                "name": in_language(instrument.name, shown),
                "intro": in_language(instrument.intro, shown) if instrument.intro else "",
                "translation": instrument.translation(shown),
                "source": instrument.source,
                "source_url": instrument.source_url,
                "items": [
                    {
                        "code": item.code,
                        "text": in_language(item.text, shown),
                        "multiple": item.multiple,
                        "exclusive": sorted(item.exclusive),
                        "options": [
                            {"value": o.value, "label": in_language(o.label, shown)}
                            for o in item.options
                        ],
                    }
                    for item in instrument.items
                ],
            }
        )
    return {
        "event": wave.event.title,
        "wave": wave.kind,
        "instrument_version": wave.instrument_version,
        "language": language,
        "closes_at": min(wave.closes_at, invitation.expires_at),
        "sections": sections,
    }
