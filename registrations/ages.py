"""Age groups: one scale for the door page, the check-in API and anything else that groups
people by age.

The age is the one reached in the event's year, as the registration rules reckon it. The bands
keep what the door must see (under 16: came with a guardian's consent; 16–17: a minor) and what
the programme reports by (young people up to 29, adults, people of 65 and over).
"""

from django.db import models
from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import ExtractYear
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _


class AgeGroup(models.TextChoices):
    UNDER_16 = "under-16", _("Under 16")
    FROM_16_TO_17 = "16-17", _("16–17")
    FROM_18_TO_29 = "18-29", _("18–29")
    FROM_30_TO_64 = "30-64", _("30–64")
    FROM_65 = "65-plus", _("65 or older")


# (the oldest age in the band, the band), youngest first.
_BANDS = [
    (15, AgeGroup.UNDER_16),
    (17, AgeGroup.FROM_16_TO_17),
    (29, AgeGroup.FROM_18_TO_29),
    (64, AgeGroup.FROM_30_TO_64),
]


def age_in_event_year(year_of_birth: int, event) -> int:
    return event.starts_on.year - year_of_birth


def age_group(year_of_birth: int, event) -> AgeGroup:
    """The band of a person born in `year_of_birth` at `event`."""
    age = age_in_event_year(year_of_birth, event)
    for oldest, band in _BANDS:
        if age <= oldest:
            return band
    return AgeGroup.FROM_65


def age_group_case(year_of_birth: str, event_start: str) -> Case:
    """The same bands as a database expression, for counting people by age in one query:
    `year_of_birth` and `event_start` name the fields (lookups allowed) to compare."""
    age = ExtractYear(event_start) - F(year_of_birth)
    return Case(
        *(
            When(GreaterThan(Value(oldest + 1), age), then=Value(band.value))
            for oldest, band in _BANDS
        ),
        default=Value(AgeGroup.FROM_65.value),
        output_field=CharField(),
    )
