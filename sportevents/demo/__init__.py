"""The demo data behind `make run`. Loading it twice changes nothing."""

from django.db import transaction

from sportevents.demo.people import DEMO_PASSWORD, LOGINS, DemoLogin, seed_people
from sportevents.demo.planning import seed_planning
from sportevents.demo.registrations import seed_registrations

__all__ = ["DEMO_PASSWORD", "LOGINS", "seed_demo"]


@transaction.atomic
def seed_demo() -> list[DemoLogin]:
    users = seed_people()
    seed_planning(users)
    seed_registrations(users)
    return LOGINS
