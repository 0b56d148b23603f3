"""Loneliness: the three-item UCLA scale (Hughes ME et al. (2004), Res. Aging 26:655-672), each
answered 1 "hardly ever" to 3 "often", summed 3-9; and the direct question of the UK Office for
National Statistics ("How often do you feel lonely?"), reported as the share "often or always".
Translations are ours."""

from collections.abc import Mapping

from surveys.instruments.base import Instrument, Item, scale

UCLA_OPTIONS = scale(
    (
        1,
        {
            "en": "Hardly ever",
            "de": "Fast nie",
            "es": "Casi nunca",
            "fr": "Presque jamais",
            "tr": "Neredeyse hiç",
        },
    ),
    (
        2,
        {
            "en": "Some of the time",
            "de": "Manchmal",
            "es": "A veces",
            "fr": "Parfois",
            "tr": "Bazen",
        },
    ),
    (3, {"en": "Often", "de": "Oft", "es": "A menudo", "fr": "Souvent", "tr": "Sık sık"}),
)
UCLA_ITEMS = (
    (
        "ucla_1",
        {
            "en": "How often do you feel that you lack companionship?",
            "de": "Wie oft haben Sie das Gefühl, dass Ihnen Gesellschaft fehlt?",
            "es": "¿Con qué frecuencia siente que le falta compañía?",
            "fr": "À quelle fréquence avez-vous le sentiment de manquer de compagnie ?",
            "tr": "Ne sıklıkla arkadaşlıktan yoksun olduğunuzu hissediyorsunuz?",
        },
    ),
    (
        "ucla_2",
        {
            "en": "How often do you feel left out?",
            "de": "Wie oft fühlen Sie sich ausgeschlossen?",
            "es": "¿Con qué frecuencia se siente excluido/a?",
            "fr": "À quelle fréquence vous sentez-vous exclu·e ?",
            "tr": "Ne sıklıkla dışlanmış hissediyorsunuz?",
        },
    ),
    (
        "ucla_3",
        {
            "en": "How often do you feel isolated from others?",
            "de": "Wie oft fühlen Sie sich von anderen isoliert?",
            "es": "¿Con qué frecuencia se siente aislado/a de los demás?",
            "fr": "À quelle fréquence vous sentez-vous isolé·e des autres ?",
            "tr": "Ne sıklıkla kendinizi başkalarından yalıtılmış hissediyorsunuz?",
        },
    ),
)
DIRECT_OPTIONS = scale(
    (
        5,
        {
            "en": "Often or always",
            "de": "Oft oder immer",
            "es": "A menudo o siempre",
            "fr": "Souvent ou toujours",
            "tr": "Sık sık ya da her zaman",
        },
    ),
    (
        4,
        {
            "en": "Some of the time",
            "de": "Manchmal",
            "es": "A veces",
            "fr": "Parfois",
            "tr": "Bazen",
        },
    ),
    (
        3,
        {
            "en": "Occasionally",
            "de": "Gelegentlich",
            "es": "Ocasionalmente",
            "fr": "De temps en temps",
            "tr": "Ara sıra",
        },
    ),
    (
        2,
        {
            "en": "Hardly ever",
            "de": "Fast nie",
            "es": "Casi nunca",
            "fr": "Presque jamais",
            "tr": "Neredeyse hiç",
        },
    ),
    (1, {"en": "Never", "de": "Nie", "es": "Nunca", "fr": "Jamais", "tr": "Hiçbir zaman"}),
)
OFTEN = 5
UCLA_CODES = [code for code, _text in UCLA_ITEMS]


def score(answers: Mapping) -> dict:
    values = [answers.get(code) for code in UCLA_CODES]
    direct = answers.get("lonely")
    return {
        "ucla3": None if any(value is None for value in values) else sum(values),
        "lonely_often": None if direct is None else direct == OFTEN,
    }


LONELINESS = Instrument(
    code="loneliness",
    name={
        "en": "Company and loneliness",
        "de": "Gesellschaft und Einsamkeit",
        "es": "Compañía y soledad",
        "fr": "Compagnie et solitude",
        "tr": "Arkadaşlık ve yalnızlık",
    },
    items=(
        *(Item(code, text, UCLA_OPTIONS) for code, text in UCLA_ITEMS),
        Item(
            "lonely",
            {
                "en": "How often do you feel lonely?",
                "de": "Wie oft fühlen Sie sich einsam?",
                "es": "¿Con qué frecuencia se siente solo/a?",
                "fr": "À quelle fréquence vous sentez-vous seul·e ?",
                "tr": "Ne sıklıkla yalnız hissediyorsunuz?",
            },
            DIRECT_OPTIONS,
        ),
    ),
    source="Three-item loneliness scale: Hughes ME, Waite LJ, Hawkley LC, Cacioppo JT (2004), "
    "Res. Aging 26:655-672. Direct question: Office for National Statistics (2018), "
    "Measuring loneliness: guidance for use of the national indicators.",
    source_url="https://doi.org/10.1177/0164027504268574",
    score=score,
)
