"""Participants with fewer opportunities: the eight barrier categories of the Erasmus+ and
European Solidarity Corps Inclusion and Diversity Strategy (2021), alone or combined, plus
"none" and "prefer not to say". The answer can reveal health, disability, ethnicity, religion
or sexual orientation: it is special-category data, asked only of people who gave the survey
consent. The list of codes is versioned: a new list gets a new version, old answers keep theirs.
Translations are ours."""

from collections.abc import Mapping

from surveys.instruments.base import Instrument, Item, Option

CATEGORIES_VERSION = "2021"
NONE = "none"
UNDISCLOSED = "prefer-not-to-say"
BARRIERS = {
    "disability": {
        "en": "A disability",
        "de": "Eine Behinderung",
        "es": "Una discapacidad",
        "fr": "Un handicap",
        "tr": "Bir engellilik",
    },
    "health": {
        "en": "Health problems",
        "de": "Gesundheitliche Probleme",
        "es": "Problemas de salud",
        "fr": "Des problèmes de santé",
        "tr": "Sağlık sorunları",
    },
    "education": {
        "en": "Barriers linked to education and training",
        "de": "Hürden in Schule, Ausbildung oder Studium",
        "es": "Barreras relacionadas con la educación y la formación",
        "fr": "Des obstacles liés à l'éducation et à la formation",
        "tr": "Eğitim ve öğretimle ilgili engeller",
    },
    "cultural": {
        "en": "Cultural differences",
        "de": "Kulturelle Unterschiede",
        "es": "Diferencias culturales",
        "fr": "Des différences culturelles",
        "tr": "Kültürel farklılıklar",
    },
    "social": {
        "en": "Social barriers",
        "de": "Soziale Hürden",
        "es": "Barreras sociales",
        "fr": "Des obstacles sociaux",
        "tr": "Sosyal engeller",
    },
    "economic": {
        "en": "Economic barriers",
        "de": "Wirtschaftliche Hürden",
        "es": "Barreras económicas",
        "fr": "Des obstacles économiques",
        "tr": "Ekonomik engeller",
    },
    "discrimination": {
        "en": "Discrimination",
        "de": "Diskriminierung",
        "es": "Discriminación",
        "fr": "Des discriminations",
        "tr": "Ayrımcılık",
    },
    "geographical": {
        "en": "Geographical barriers (for example living far away or in a remote area)",
        "de": "Geografische Hürden (zum Beispiel weiter Weg oder abgelegener Wohnort)",
        "es": "Barreras geográficas (por ejemplo, vivir lejos o en una zona aislada)",
        "fr": "Des obstacles géographiques (par exemple habiter loin ou dans une zone isolée)",
        "tr": "Coğrafi engeller (örneğin uzakta ya da ücra bir yerde yaşamak)",
    },
}
OPTIONS = (
    *(Option(code, label) for code, label in BARRIERS.items()),
    Option(
        NONE,
        {
            "en": "None of these",
            "de": "Nichts davon",
            "es": "Ninguna de ellas",
            "fr": "Aucun de ces obstacles",
            "tr": "Hiçbiri",
        },
    ),
    Option(
        UNDISCLOSED,
        {
            "en": "I prefer not to say",
            "de": "Möchte ich nicht sagen",
            "es": "Prefiero no decirlo",
            "fr": "Je préfère ne pas répondre",
            "tr": "Söylemek istemiyorum",
        },
    ),
)


def score(answers: Mapping) -> dict:
    """True with any barrier, False with "none", None when skipped or not disclosed."""
    chosen = set(answers.get("fewer_opportunities") or ())
    if chosen & set(BARRIERS):
        return {"fewer_opportunities": True}
    return {"fewer_opportunities": False if NONE in chosen else None}


FEWER_OPPORTUNITIES = Instrument(
    code="fewer_opportunities",
    name={
        "en": "Opportunities",
        "de": "Chancen",
        "es": "Oportunidades",
        "fr": "Opportunités",
        "tr": "Fırsatlar",
    },
    items=(
        Item(
            "fewer_opportunities",
            {
                "en": "Does anything of the following make it harder for you to take part in "
                "sport, education or social life? Choose all that apply.",
                "de": "Erschwert Ihnen etwas davon die Teilnahme an Sport, Bildung oder am "
                "gesellschaftlichen Leben? Wählen Sie alles Zutreffende.",
                "es": "¿Alguna de estas cosas le dificulta participar en el deporte, la "
                "educación o la vida social? Elija todas las que correspondan.",
                "fr": "L'un des éléments suivants vous rend-il plus difficile la participation "
                "au sport, à l'éducation ou à la vie sociale ? Choisissez tout ce qui s'applique.",
                "tr": "Aşağıdakilerden herhangi biri spora, eğitime veya sosyal hayata "
                "katılmanızı zorlaştırıyor mu? Uygun olanların hepsini seçin.",
            },
            OPTIONS,
            multiple=True,
            exclusive=frozenset({NONE, UNDISCLOSED}),
        ),
    ),
    source="Categories of the Implementation guidelines, Erasmus+ and European Solidarity Corps "
    f"Inclusion and Diversity Strategy (European Commission, {CATEGORIES_VERSION}).",
    source_url="https://erasmus-plus.ec.europa.eu/document/implementation-guidelines-erasmus-and-european-solidarity-corps-inclusion-and-diversity-strategy",
    score=score,
    validated=False,
)
