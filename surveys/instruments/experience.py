"""How the event was experienced (T1 and T2): our own items, not a validated scale. Summaries
report them as experience, never as change."""

from collections.abc import Mapping

from surveys.instruments.base import YES_NO, Instrument, Item, scale

AGREE = scale(
    (
        4,
        {
            "en": "Strongly agree",
            "de": "Stimme voll zu",
            "es": "Totalmente de acuerdo",
            "fr": "Tout à fait d'accord",
            "tr": "Kesinlikle katılıyorum",
        },
    ),
    (
        3,
        {
            "en": "Agree",
            "de": "Stimme zu",
            "es": "De acuerdo",
            "fr": "D'accord",
            "tr": "Katılıyorum",
        },
    ),
    (
        2,
        {
            "en": "Disagree",
            "de": "Stimme nicht zu",
            "es": "En desacuerdo",
            "fr": "Pas d'accord",
            "tr": "Katılmıyorum",
        },
    ),
    (
        1,
        {
            "en": "Strongly disagree",
            "de": "Stimme gar nicht zu",
            "es": "Totalmente en desacuerdo",
            "fr": "Pas du tout d'accord",
            "tr": "Kesinlikle katılmıyorum",
        },
    ),
)
AGREES = {3, 4}


def _agrees(value) -> bool | None:
    return None if value is None else value in AGREES


def score(answers: Mapping) -> dict:
    met = answers.get("met_other_countries")
    return {
        "felt_welcome": _agrees(answers.get("felt_welcome")),
        "met_other_countries": None if met is None else met == 1,
        "intend_active": _agrees(answers.get("intend_active")),
    }


EXPERIENCE = Instrument(
    code="experience",
    name={
        "en": "The event",
        "de": "Die Veranstaltung",
        "es": "El evento",
        "fr": "L'événement",
        "tr": "Etkinlik",
    },
    items=(
        Item(
            "felt_welcome",
            {
                "en": "I felt welcome at the event.",
                "de": "Ich habe mich bei der Veranstaltung willkommen gefühlt.",
                "es": "Me sentí bienvenido/a en el evento.",
                "fr": "Je me suis senti·e bienvenu·e à l'événement.",
                "tr": "Etkinlikte kendimi hoş karşılanmış hissettim.",
            },
            AGREE,
        ),
        Item(
            "met_other_countries",
            {
                "en": "At the event, did you get to know people from other countries?",
                "de": "Haben Sie bei der Veranstaltung Menschen aus anderen Ländern kennengelernt?",
                "es": "En el evento, ¿conoció a personas de otros países?",
                "fr": "Lors de l'événement, avez-vous fait connaissance avec des personnes "
                "d'autres pays ?",
                "tr": "Etkinlikte başka ülkelerden insanlarla tanıştınız mı?",
            },
            YES_NO,
        ),
        Item(
            "intend_active",
            {
                "en": "Because of the event, I intend to keep active or become more active.",
                "de": "Durch die Veranstaltung habe ich vor, aktiv zu bleiben oder aktiver zu "
                "werden.",
                "es": "Gracias al evento, tengo intención de seguir activo/a o de serlo más.",
                "fr": "Grâce à l'événement, j'ai l'intention de rester actif·ve ou de l'être "
                "davantage.",
                "tr": "Etkinlik sayesinde aktif kalmayı ya da daha aktif olmayı düşünüyorum.",
            },
            AGREE,
        ),
    ),
    source="Event-experience items of this platform (not a validated scale).",
    source_url="",
    score=score,
    validated=False,
)
