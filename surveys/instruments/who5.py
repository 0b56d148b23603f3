"""WHO-5 Well-Being Index (1998 version).

Five statements about the last two weeks, each answered from 5 ("all of the time") to 0 ("at no
time"); the raw sum 0-25 times 4 gives the 0-100 score. The English text is the original; the
German text is the official translation published by the Psychiatric Centre North Zealand. The
Spanish, French and Turkish texts here are ours: official versions exist, and replacing ours by
them (unaltered) is the next step before those languages are used in a study.
"""

from collections.abc import Mapping

from surveys.instruments.base import Instrument, Item, scale

OPTIONS = scale(
    (
        5,
        {
            "en": "All of the time",
            "de": "Die ganze Zeit",
            "es": "Todo el tiempo",
            "fr": "Tout le temps",
            "tr": "Her zaman",
        },
    ),
    (
        4,
        {
            "en": "Most of the time",
            "de": "Meistens",
            "es": "La mayor parte del tiempo",
            "fr": "La plupart du temps",
            "tr": "Çoğu zaman",
        },
    ),
    (
        3,
        {
            "en": "More than half of the time",
            "de": "Etwas mehr als die Hälfte der Zeit",
            "es": "Más de la mitad del tiempo",
            "fr": "Plus de la moitié du temps",
            "tr": "Zamanın yarısından fazlası",
        },
    ),
    (
        2,
        {
            "en": "Less than half of the time",
            "de": "Etwas weniger als die Hälfte der Zeit",
            "es": "Menos de la mitad del tiempo",
            "fr": "Moins de la moitié du temps",
            "tr": "Zamanın yarısından azı",
        },
    ),
    (
        1,
        {
            "en": "Some of the time",
            "de": "Ab und zu",
            "es": "De vez en cuando",
            "fr": "De temps en temps",
            "tr": "Ara sıra",
        },
    ),
    (
        0,
        {
            "en": "At no time",
            "de": "Zu keinem Zeitpunkt",
            "es": "Nunca",
            "fr": "Jamais",
            "tr": "Hiçbir zaman",
        },
    ),
)

STATEMENTS = [
    {
        "en": "I have felt cheerful and in good spirits",
        "de": "… war ich froh und guter Laune",
        "es": "Me he sentido alegre y de buen humor",
        "fr": "Je me suis senti·e gai·e et de bonne humeur",
        "tr": "Kendimi neşeli ve keyifli hissettim",
    },
    {
        "en": "I have felt calm and relaxed",
        "de": "… habe ich mich ruhig und entspannt gefühlt",
        "es": "Me he sentido tranquilo/a y relajado/a",
        "fr": "Je me suis senti·e calme et détendu·e",
        "tr": "Kendimi sakin ve rahat hissettim",
    },
    {
        "en": "I have felt active and vigorous",
        "de": "… habe ich mich energisch und aktiv gefühlt",
        "es": "Me he sentido activo/a y con energía",
        "fr": "Je me suis senti·e actif·ve et énergique",
        "tr": "Kendimi aktif ve dinç hissettim",
    },
    {
        "en": "I woke up feeling fresh and rested",
        "de": "… habe ich mich beim Aufwachen frisch und ausgeruht gefühlt",
        "es": "Me he despertado fresco/a y descansado/a",
        "fr": "Je me suis réveillé·e frais·che et reposé·e",
        "tr": "Uyandığımda kendimi dinç ve dinlenmiş hissettim",
    },
    {
        "en": "My daily life has been filled with things that interest me",
        "de": "… war mein Alltag voller Dinge, die mich interessieren",
        "es": "Mi vida diaria ha estado llena de cosas que me interesan",
        "fr": "Ma vie quotidienne a été remplie de choses qui m'intéressent",
        "tr": "Günlük hayatım beni ilgilendiren şeylerle doluydu",
    },
]

CODES = [f"who5_{n}" for n in range(1, 6)]


def score(answers: Mapping) -> dict:
    """The 0-100 score; None unless all five items are answered (the manual does not prorate)."""
    values = [answers.get(code) for code in CODES]
    if any(value is None for value in values):
        return {"who5": None}
    return {"who5": sum(values) * 4}


WHO5 = Instrument(
    code="who5",
    name={
        "en": "Wellbeing (WHO-5)",
        "de": "Wohlbefinden (WHO-5)",
        "es": "Bienestar (WHO-5)",
        "fr": "Bien-être (WHO-5)",
        "tr": "İyi oluş (WHO-5)",
    },
    intro={
        "en": "Please indicate for each of the five statements which is closest to how you have "
        "been feeling over the last two weeks.",
        "de": "Die folgenden Aussagen betreffen Ihr Wohlbefinden in den letzten zwei Wochen. "
        "Bitte markieren Sie bei jeder Aussage die Rubrik, die Ihrer Meinung nach am besten "
        "beschreibt, wie Sie sich in den letzten zwei Wochen gefühlt haben. In den letzten zwei "
        "Wochen …",
        "es": "Para cada una de las cinco afirmaciones, indique la respuesta que más se acerca a "
        "cómo se ha sentido durante las últimas dos semanas.",
        "fr": "Pour chacune des cinq affirmations, indiquez la réponse qui se rapproche le plus "
        "de ce que vous avez ressenti au cours des deux dernières semaines.",
        "tr": "Lütfen beş ifadenin her biri için son iki haftada kendinizi nasıl hissettiğinize "
        "en yakın olanı işaretleyin.",
    },
    items=tuple(Item(code, text, OPTIONS) for code, text in zip(CODES, STATEMENTS, strict=True)),
    source="WHO-5 Well-Being Index © Psychiatric Centre North Zealand, Hillerød, Denmark "
    "(WHO Collaborating Centre in Mental Health). Topp CW et al. (2015), Psychother. Psychosom. "
    "84:167-176.",
    source_url="https://www.psykiatri-regionh.dk/who-5/",
    score=score,
    official=frozenset({"de"}),
)
