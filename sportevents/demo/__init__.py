"""The demo data behind `make run`. Loading it twice changes nothing."""

from django.db import transaction

from sportevents.demo.people import DEMO_PASSWORD, LOGINS, DemoLogin, seed_people
from sportevents.demo.planning import seed_planning
from sportevents.demo.registrations import seed_registrations
from sportevents.demo.surveys import demo_survey_link, seed_surveys

__all__ = ["DEMO_PASSWORD", "LOGINS", "demo_survey_link", "seed_demo"]


@transaction.atomic
def seed_demo() -> list[DemoLogin]:
    users = seed_people()
    seed_planning(users)
    seed_registrations(users)
    seed_surveys()
    return LOGINS
