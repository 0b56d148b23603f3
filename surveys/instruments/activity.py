"""Physical activity, single item (Milton K, Bull FC, Bauman A (2011), Br. J. Sports Med.
45:203-208): days in the past week with at least 30 minutes of activity that raised the
breathing rate. 0-7; "active" means 5 days or more. Translations are ours."""

from collections.abc import Mapping

from surveys.instruments.base import Instrument, Item, Option

ACTIVE_FROM_DAYS = 5

DAY_LABELS = {
    0: {"en": "0 days", "de": "0 Tage", "es": "0 días", "fr": "0 jour", "tr": "0 gün"},
    1: {"en": "1 day", "de": "1 Tag", "es": "1 día", "fr": "1 jour", "tr": "1 gün"},
}
OPTIONS = tuple(
    Option(
        days,
        DAY_LABELS.get(
            days,
            {
                "en": f"{days} days",
                "de": f"{days} Tage",
                "es": f"{days} días",
                "fr": f"{days} jours",
                "tr": f"{days} gün",
            },
        ),
    )
    for days in range(8)
)


def score(answers: Mapping) -> dict:
    return {"active_days": answers.get("active_days")}


ACTIVITY = Instrument(
    code="activity",
    name={
        "en": "Physical activity",
        "de": "Körperliche Aktivität",
        "es": "Actividad física",
        "fr": "Activité physique",
        "tr": "Fiziksel aktivite",
    },
    items=(
        Item(
            "active_days",
            {
                "en": "In the past week, on how many days have you done a total of 30 minutes or "
                "more of physical activity which was enough to raise your breathing rate? This "
                "may include sport, exercise, and brisk walking or cycling for recreation or to "
                "get to and from places, but not housework or activity that is part of your job.",
                "de": "An wie vielen Tagen der letzten Woche waren Sie insgesamt 30 Minuten oder "
                "länger so körperlich aktiv, dass Sie schneller geatmet haben? Dazu zählen Sport, "
                "Training und zügiges Gehen oder Radfahren in der Freizeit oder auf Wegen, nicht "
                "aber Hausarbeit oder Bewegung im Beruf.",
                "es": "En la última semana, ¿cuántos días hizo en total 30 minutos o más de "
                "actividad física que le hiciera respirar más rápido? Puede incluir deporte, "
                "ejercicio y caminar a paso ligero o ir en bicicleta por ocio o para desplazarse, "
                "pero no las tareas domésticas ni la actividad propia de su trabajo.",
                "fr": "Au cours de la semaine passée, combien de jours avez-vous pratiqué au total "
                "30 minutes ou plus d'activité physique qui vous a fait respirer plus vite ? Cela "
                "peut inclure le sport, l'exercice, la marche rapide ou le vélo, pour le loisir "
                "ou pour vous déplacer, mais pas les tâches ménagères ni l'activité liée à votre "
                "travail.",
                "tr": "Geçen hafta kaç gün, nefesinizi hızlandıracak kadar toplam 30 dakika veya "
                "daha uzun fiziksel aktivite yaptınız? Spor, egzersiz, boş zamanda ya da bir yere "
                "gitmek için tempolu yürüyüş veya bisiklet sayılır; ev işleri ve işinizin parçası "
                "olan hareket sayılmaz.",
            },
            OPTIONS,
        ),
    ),
    source="Single-item physical activity measure: Milton K, Bull FC, Bauman A (2011), "
    "Br. J. Sports Med. 45:203-208.",
    source_url="https://doi.org/10.1136/bjsm.2009.068395",
    score=score,
)
