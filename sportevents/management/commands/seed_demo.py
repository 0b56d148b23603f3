from django.core.management.base import BaseCommand

from sportevents.demo import DEMO_PASSWORD, demo_survey_link, seed_demo


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        logins = seed_demo()
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/accounts/login/")
        )
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
        for login in logins:
            self.stdout.write(f"  {login.role:<32} {login.email}")
        link = demo_survey_link()
        if link:
            self.stdout.write(f"The demo participant's baseline survey (no login needed): {link}")
