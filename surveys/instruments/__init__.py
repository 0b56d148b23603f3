"""The survey instruments, as versioned code (domain.md §4).

`VERSIONS` says which instruments each wave asks in each instrument version; a wave keeps the
version it was created with and every response stores it, so a later change of wording starts
a new version instead of silently mixing answers to different questions.

- T0 (baseline): wellbeing, activity, health, limitation, loneliness, and the fewer-opportunities
  categories (special category: only ever asked of people who gave the survey consent).
- T1 (right after the event): the short experience items.
- T2 (follow-up): T0's outcome items again, the experience items and the legacy items.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from surveys.instruments.activity import ACTIVITY
from surveys.instruments.base import OFFICIAL, ORIGINAL, OURS, Instrument, Item
from surveys.instruments.experience import EXPERIENCE
from surveys.instruments.fewer_opportunities import FEWER_OPPORTUNITIES
from surveys.instruments.health import LIMITATION, SELF_RATED_HEALTH
from surveys.instruments.legacy import LEGACY
from surveys.instruments.loneliness import LONELINESS
from surveys.instruments.who5 import WHO5

__all__ = [
    "OFFICIAL",
    "ORIGINAL",
    "OURS",
    "VERSION",
    "Instrument",
    "Item",
    "clean_answers",
    "instruments_for",
    "score",
]

VERSION = "2026.1"
OUTCOMES = (WHO5, ACTIVITY, SELF_RATED_HEALTH, LONELINESS)
VERSIONS: dict[str, dict[str, tuple[Instrument, ...]]] = {
    "2026.1": {
        "t0": (*OUTCOMES, LIMITATION, FEWER_OPPORTUNITIES),
        "t1": (EXPERIENCE,),
        "t2": (*OUTCOMES, EXPERIENCE, LEGACY),
    },
}
# Every scored column a response may fill: those an instrument does not ask stay None.
SCORED = (
    "who5",
    "active_days",
    "health_good",
    "limited",
    "ucla3",
    "lonely_often",
    "fewer_opportunities",
    "felt_welcome",
    "met_other_countries",
    "intend_active",
    "joined_club",
    "new_activity",
    "volunteered",
)


def instruments_for(kind: str, version: str = VERSION) -> tuple[Instrument, ...]:
    return VERSIONS[version][kind]


def items_for(kind: str, version: str = VERSION) -> list[Item]:
    return [item for instrument in instruments_for(kind, version) for item in instrument.items]


def _coerce(item: Item, value):
    """The option value `value` stands for (a number may arrive as text), or raise KeyError."""
    if isinstance(value, bool):  # JSON true is not the answer 1
        raise KeyError(value)
    for option in item.options:
        if value == option.value or (
            isinstance(option.value, int)
            and isinstance(value, str | int)
            and str(value).strip() == str(option.value)
        ):
            return option.value
    raise KeyError(value)


def _skipped(value) -> bool:
    return value is None or value == "" or value == []


def clean_answers(kind: str, version: str, raw: Mapping) -> dict:
    """The answers as option values, keyed by item code; skipped items are left out. Raises
    ValidationError with a message per item code for an unknown item or value."""
    items = {item.code: item for item in items_for(kind, version)}
    errors: dict[str, list[str]] = {}
    clean = {}
    for code, value in raw.items():
        item = items.get(code)
        if item is None:
            errors[code] = [_("This survey has no question “%(code)s”.") % {"code": code}]
            continue
        if _skipped(value):
            continue
        if item.multiple:
            values = value if isinstance(value, list | tuple) else [value]
            try:
                chosen = list(dict.fromkeys(_coerce(item, v) for v in values))
            except (KeyError, TypeError):
                errors[code] = [_("Choose only among the answers offered.")]
                continue
            if len(chosen) > 1 and set(chosen) & item.exclusive:
                errors[code] = [
                    _("“None of these” and “I prefer not to say” cannot be combined with others.")
                ]
                continue
            clean[code] = chosen
        else:
            try:
                clean[code] = _coerce(item, value)
            except (KeyError, TypeError):
                errors[code] = [_("Choose one of the answers offered.")]
    if errors:
        raise ValidationError(errors)
    return clean


def score(kind: str, version: str, clean: Mapping) -> dict:
    """Every scored column of a response: filled by the instruments the wave asks, else None."""
    columns = dict.fromkeys(SCORED)
    for instrument in instruments_for(kind, version):
        columns.update(instrument.score(clean))
    return columns
