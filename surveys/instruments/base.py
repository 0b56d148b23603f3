"""The shape of an instrument: items with their text per language, answer options with values,
which languages are official translations, the source to cite, and the scoring.

Instrument text is data, not interface text: it lives here with its translation status, not in
the .po files, because an official translation must be used unaltered and ours must say so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import get_language

Text = Mapping[str, str]  # {"en": ..., "de": ...}

ORIGINAL = "original"
OFFICIAL = "official"
OURS = "ours"


def language_of(text: Text, language: str | None = None) -> str:
    """The language the text is shown in: the asked (or active) one if present, else English."""
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in text else settings.LANGUAGE_CODE


def in_language(text: Text, language: str | None = None) -> str:
    return text[language_of(text, language)]


@dataclass(frozen=True)
class Option:
    value: int | str
    label: Text


@dataclass(frozen=True)
class Item:
    code: str
    text: Text
    options: tuple[Option, ...]
    multiple: bool = False  # several options may be chosen (checkboxes)
    exclusive: frozenset = frozenset()  # options that cannot be combined with any other

    @property
    def values(self) -> list:
        return [option.value for option in self.options]


@dataclass(frozen=True)
class Instrument:
    code: str
    name: Text
    items: tuple[Item, ...]
    source: str  # the citation, as the authors give it (not translated)
    source_url: str
    score: Callable[[Mapping], dict]  # clean answers → the Response columns it fills
    intro: Text = field(default_factory=dict)  # the stem shown above the items
    original: str = "en"  # the language the instrument was written in
    official: frozenset = frozenset()  # languages with an official translation
    validated: bool = True

    def translation(self, language: str) -> str:
        """ORIGINAL, OFFICIAL or OURS: how far the text in `language` may be trusted."""
        if language == self.original:
            return ORIGINAL
        return OFFICIAL if language in self.official else OURS


def scale(*pairs: tuple[int | str, Text]) -> tuple[Option, ...]:
    return tuple(Option(value, label) for value, label in pairs)


YES_NO = scale(
    (1, {"en": "Yes", "de": "Ja", "es": "Sí", "fr": "Oui", "tr": "Evet"}),
    (0, {"en": "No", "de": "Nein", "es": "No", "fr": "Non", "tr": "Hayır"}),
)


def single(answers: Mapping, code: str):
    """One answer, or None when it was skipped."""
    return answers.get(code)
