"""Venue writes: validation of the place and its time zone. Who may write is decided by callers."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sportevents.choices import replace_choices
from venues.models import Venue
from venues.timezones import is_valid_zone, zones_for

VENUE_FIELDS = (
    "name",
    "address",
    "city",
    "postcode",
    "country",
    "timezone",
    "latitude",
    "longitude",
    "capacity",
    "notes",
)


def clean_timezone(country: str, timezone: str) -> str:
    """The venue's zone: given, or the country's only zone; refused if it is not the country's."""
    zones = zones_for(country)
    if not timezone:
        if len(zones) == 1:
            return zones[0]
        raise ValidationError(
            {
                "timezone": _("This country has several time zones: choose one (%(zones)s).")
                % {"zones": ", ".join(zones)}
            }
        )
    if not is_valid_zone(timezone):
        raise ValidationError(
            {"timezone": _("%(zone)s is not a known IANA time zone.") % {"zone": timezone}}
        )
    if zones and timezone not in zones:
        raise ValidationError(
            {
                "timezone": _(
                    "%(zone)s is not a time zone of this country. Choose one of: %(zones)s."
                )
                % {"zone": timezone, "zones": ", ".join(zones)}
            }
        )
    return timezone


COORDINATE_STEP = Decimal("0.000001")  # about 10 cm: finer GPS readings are rounded, not refused


def _clean_coordinates(venue: Venue) -> None:
    if (venue.latitude is None) != (venue.longitude is None):
        raise ValidationError(_("Give both latitude and longitude, or neither."))
    if venue.latitude is not None:
        try:
            venue.latitude = Decimal(str(venue.latitude)).quantize(COORDINATE_STEP)
            venue.longitude = Decimal(str(venue.longitude)).quantize(COORDINATE_STEP)
        except InvalidOperation:
            raise ValidationError(_("Coordinates must be numbers.")) from None


@transaction.atomic
def save_venue(venue: Venue, *, features=None, **fields) -> Venue:
    """Create (unsaved `venue`) or change a venue with its accessibility features."""
    for name, value in fields.items():
        if name not in VENUE_FIELDS:
            raise TypeError(f"unknown venue field: {name}")
        setattr(venue, name, value)
    venue.timezone = clean_timezone(str(venue.country), venue.timezone or "")
    _clean_coordinates(venue)
    venue.full_clean()
    venue.save()
    if features is not None:
        replace_choices(venue, "features", "feature", features)
    return venue
