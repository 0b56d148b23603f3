from django.core.management.base import BaseCommand, CommandError

from sportevents.integrity import run_checks


class Command(BaseCommand):
    help = (
        "Check the facts the database should always hold (seat counters, one valid check-in "
        "per ticket, consents…). Prints each finding; exits with status 1 when there is one."
    )

    def handle(self, *args, **options):
        results = run_checks()
        findings = 0
        for name, problems in results.items():
            for problem in problems:
                self.stdout.write(f"{name}: {problem}")
            findings += len(problems)
        if findings:
            raise CommandError(f"{findings} finding(s) in {len(results)} checks.")
        self.stdout.write(self.style.SUCCESS(f"All {len(results)} checks passed."))
