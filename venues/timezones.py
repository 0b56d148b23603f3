"""IANA time zones per country, from the tz database's zone.tab (shipped by the tzdata package)."""

from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@cache
def zones_by_country() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    text = (resources.files("tzdata.zoneinfo") / "zone.tab").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        country, _coordinates, zone, *_comment = line.split("\t")
        table.setdefault(country, []).append(zone)
    return {country: tuple(zones) for country, zones in table.items()}


def zones_for(country: str) -> tuple[str, ...]:
    return zones_by_country().get(str(country).upper(), ())


def suggested_zone(country: str) -> str | None:
    """The zone to propose for a country: its only one, or its first (its capital's) if several."""
    zones = zones_for(country)
    return zones[0] if zones else None


@cache
def all_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_valid_zone(name: str) -> bool:
    if name not in all_zones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
