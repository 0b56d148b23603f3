"""Text stored in several languages as {"en": ..., "de": ...}, shown in the visitor's language."""

from django.conf import settings
from django.utils.translation import get_language


def pick(translations: dict[str, str] | None, *, fallback: str | None = None) -> str:
    """The text in the active language, else in `fallback`, else in English, else any."""
    if not translations:
        return ""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    for code in (language, fallback, settings.LANGUAGE_CODE):
        if code and translations.get(code):
            return translations[code]
    return next((text for text in translations.values() if text), "")
