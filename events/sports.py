from django.db import models
from django.utils.translation import gettext_lazy as _


class Sport(models.TextChoices):
    """Sports that organisations work in and events offer. Codes are stable; labels translate."""

    ATHLETICS = "athletics", _("Athletics")
    BADMINTON = "badminton", _("Badminton")
    BASKETBALL = "basketball", _("Basketball")
    BOCCIA = "boccia", _("Boccia")
    CYCLING = "cycling", _("Cycling")
    DANCE = "dance", _("Dance")
    FOOTBALL = "football", _("Football")
    GOALBALL = "goalball", _("Goalball")
    GYMNASTICS = "gymnastics", _("Gymnastics")
    HANDBALL = "handball", _("Handball")
    HIKING = "hiking", _("Hiking and walking")
    MARTIAL_ARTS = "martial-arts", _("Martial arts")
    ORIENTEERING = "orienteering", _("Orienteering")
    ROWING = "rowing", _("Rowing and canoeing")
    RUNNING = "running", _("Running")
    SWIMMING = "swimming", _("Swimming")
    TABLE_TENNIS = "table-tennis", _("Table tennis")
    TENNIS = "tennis", _("Tennis")
    TRADITIONAL = "traditional", _("Traditional sports and games")
    VOLLEYBALL = "volleyball", _("Volleyball")
    WHEELCHAIR = "wheelchair-sports", _("Wheelchair sports")
    YOGA = "yoga", _("Yoga and fitness")
    OTHER = "other", _("Other")


_LABELS = dict(Sport.choices)


def sport_label(code: str) -> str:
    """The sport's name in the active language; an unknown code as it is. (A dictionary lookup:
    `get_sport_display()` normalises the whole list of choices on every call.)"""
    return str(_LABELS.get(code, code))
