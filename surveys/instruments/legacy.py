"""What stayed after the event (T2 only): our own items, reported as shares answering yes."""

from collections.abc import Mapping

from surveys.instruments.base import YES_NO, Instrument, Item, scale

CONTRIBUTION = scale(
    (3, {"en": "A lot", "de": "Viel", "es": "Mucho", "fr": "Beaucoup", "tr": "Çok"}),
    (2, {"en": "Somewhat", "de": "Etwas", "es": "Algo", "fr": "Un peu", "tr": "Biraz"}),
    (
        1,
        {
            "en": "Not at all",
            "de": "Gar nicht",
            "es": "Nada",
            "fr": "Pas du tout",
            "tr": "Hiç",
        },
    ),
    (
        0,
        {
            "en": "Nothing has changed",
            "de": "Es hat sich nichts verändert",
            "es": "No ha cambiado nada",
            "fr": "Rien n'a changé",
            "tr": "Hiçbir şey değişmedi",
        },
    ),
)


def _yes(value) -> bool | None:
    return None if value is None else value == 1


def score(answers: Mapping) -> dict:
    return {
        "joined_club": _yes(answers.get("joined_club")),
        "new_activity": _yes(answers.get("new_activity")),
        "volunteered": _yes(answers.get("volunteered")),
    }


LEGACY = Instrument(
    code="legacy",
    name={
        "en": "Since the event",
        "de": "Seit der Veranstaltung",
        "es": "Desde el evento",
        "fr": "Depuis l'événement",
        "tr": "Etkinlikten bu yana",
    },
    items=(
        Item(
            "joined_club",
            {
                "en": "Since the event, have you joined a sports club or group?",
                "de": "Sind Sie seit der Veranstaltung einem Sportverein oder einer Sportgruppe "
                "beigetreten?",
                "es": "Desde el evento, ¿se ha unido a un club o grupo deportivo?",
                "fr": "Depuis l'événement, avez-vous rejoint un club ou un groupe sportif ?",
                "tr": "Etkinlikten bu yana bir spor kulübüne veya grubuna katıldınız mı?",
            },
            YES_NO,
        ),
        Item(
            "new_activity",
            {
                "en": "Since the event, have you started a new regular physical activity?",
                "de": "Haben Sie seit der Veranstaltung mit einer neuen regelmäßigen "
                "körperlichen Aktivität begonnen?",
                "es": "Desde el evento, ¿ha empezado una nueva actividad física regular?",
                "fr": "Depuis l'événement, avez-vous commencé une nouvelle activité physique "
                "régulière ?",
                "tr": "Etkinlikten bu yana yeni ve düzenli bir fiziksel aktiviteye başladınız mı?",
            },
            YES_NO,
        ),
        Item(
            "volunteered",
            {
                "en": "Since the event, have you volunteered in sport?",
                "de": "Haben Sie sich seit der Veranstaltung ehrenamtlich im Sport engagiert?",
                "es": "Desde el evento, ¿ha hecho voluntariado en el deporte?",
                "fr": "Depuis l'événement, avez-vous fait du bénévolat dans le sport ?",
                "tr": "Etkinlikten bu yana sporda gönüllü olarak çalıştınız mı?",
            },
            YES_NO,
        ),
        Item(
            "event_contribution",
            {
                "en": "How much did the event contribute to these changes?",
                "de": "Wie viel hat die Veranstaltung zu diesen Veränderungen beigetragen?",
                "es": "¿Cuánto contribuyó el evento a estos cambios?",
                "fr": "Dans quelle mesure l'événement a-t-il contribué à ces changements ?",
                "tr": "Etkinlik bu değişikliklere ne kadar katkıda bulundu?",
            },
            CONTRIBUTION,
        ),
    ),
    source="Legacy items of this platform (not a validated scale).",
    source_url="",
    score=score,
    validated=False,
)
