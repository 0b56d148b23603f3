"""Self-rated health and the Global Activity Limitation Indicator (GALI), from the Minimum
European Health Module of EU-SILC and the European Health Interview Survey (Eurostat). The
English wording is Eurostat's; the other languages here are ours (national survey wordings
differ from country to country)."""

from collections.abc import Mapping

from surveys.instruments.base import Instrument, Item, scale

SRH_OPTIONS = scale(
    (
        1,
        {"en": "Very good", "de": "Sehr gut", "es": "Muy buena", "fr": "Très bon", "tr": "Çok iyi"},
    ),
    (2, {"en": "Good", "de": "Gut", "es": "Buena", "fr": "Bon", "tr": "İyi"}),
    (3, {"en": "Fair", "de": "Mittelmäßig", "es": "Regular", "fr": "Assez bon", "tr": "Orta"}),
    (4, {"en": "Bad", "de": "Schlecht", "es": "Mala", "fr": "Mauvais", "tr": "Kötü"}),
    (
        5,
        {
            "en": "Very bad",
            "de": "Sehr schlecht",
            "es": "Muy mala",
            "fr": "Très mauvais",
            "tr": "Çok kötü",
        },
    ),
)
GOOD = {1, 2}

GALI_OPTIONS = scale(
    (
        1,
        {
            "en": "Severely limited",
            "de": "Stark eingeschränkt",
            "es": "Gravemente limitado/a",
            "fr": "Fortement limité·e",
            "tr": "Ciddi biçimde kısıtlı",
        },
    ),
    (
        2,
        {
            "en": "Limited but not severely",
            "de": "Eingeschränkt, aber nicht stark",
            "es": "Limitado/a pero no gravemente",
            "fr": "Limité·e, mais pas fortement",
            "tr": "Kısıtlı ama ciddi değil",
        },
    ),
    (
        3,
        {
            "en": "Not limited at all",
            "de": "Überhaupt nicht eingeschränkt",
            "es": "Nada limitado/a",
            "fr": "Pas limité·e du tout",
            "tr": "Hiç kısıtlı değil",
        },
    ),
)
LIMITED = {1, 2}


def score_health(answers: Mapping) -> dict:
    value = answers.get("srh")
    return {"health_good": None if value is None else value in GOOD}


def score_limitation(answers: Mapping) -> dict:
    value = answers.get("gali")
    return {"limited": None if value is None else value in LIMITED}


SOURCE = (
    "Minimum European Health Module (MEHM), EU-SILC and EHIS, Eurostat; "
    "GALI: Robine JM, Jagger C (2003), Eur. J. Public Health 13(3 Suppl):6-14."
)
SOURCE_URL = "https://ec.europa.eu/eurostat/statistics-explained/index.php?title=Glossary:Minimum_European_Health_Module_(MEHM)"

SELF_RATED_HEALTH = Instrument(
    code="srh",
    name={
        "en": "Health",
        "de": "Gesundheit",
        "es": "Salud",
        "fr": "Santé",
        "tr": "Sağlık",
    },
    items=(
        Item(
            "srh",
            {
                "en": "How is your health in general?",
                "de": "Wie ist Ihr Gesundheitszustand im Allgemeinen?",
                "es": "¿Cómo es su estado de salud en general?",
                "fr": "Comment est votre état de santé en général ?",
                "tr": "Genel olarak sağlığınız nasıl?",
            },
            SRH_OPTIONS,
        ),
    ),
    source=SOURCE,
    source_url=SOURCE_URL,
    score=score_health,
)

LIMITATION = Instrument(
    code="gali",
    name={
        "en": "Limitation in daily activities",
        "de": "Einschränkung im Alltag",
        "es": "Limitación en las actividades diarias",
        "fr": "Limitation dans les activités quotidiennes",
        "tr": "Günlük etkinliklerde kısıtlılık",
    },
    items=(
        Item(
            "gali",
            {
                "en": "For at least the past 6 months, to what extent have you been limited "
                "because of a health problem in activities people usually do?",
                "de": "In welchem Ausmaß sind Sie seit mindestens 6 Monaten durch ein "
                "gesundheitliches Problem bei Tätigkeiten eingeschränkt, die Menschen "
                "normalerweise ausüben?",
                "es": "Durante al menos los últimos 6 meses, ¿en qué medida se ha visto limitado/a "
                "por un problema de salud para realizar las actividades que la gente hace "
                "habitualmente?",
                "fr": "Depuis au moins 6 mois, dans quelle mesure êtes-vous limité·e, à cause "
                "d'un problème de santé, dans les activités que les gens font habituellement ?",
                "tr": "En az son 6 aydır, bir sağlık sorunu nedeniyle insanların genellikle "
                "yaptığı etkinliklerde ne ölçüde kısıtlandınız?",
            },
            GALI_OPTIONS,
        ),
    ),
    source=SOURCE,
    source_url=SOURCE_URL,
    score=score_limitation,
)
