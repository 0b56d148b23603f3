from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from sportevents.errors import DomainError
from sportevents.scale import seed_scale


class Command(BaseCommand):
    help = (
        "Fill the database with scale data for the benchmarks (events, registrations, survey "
        "answers). Refuses a database that holds other data unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=1000)
        parser.add_argument("--registrations", type=int, default=100_000)
        parser.add_argument(
            "--responses",
            type=int,
            default=50_000,
            help="People of the completed impact event who answered the baseline and the "
            "follow-up (two responses each); part of --registrations.",
        )
        parser.add_argument("--sessions-per-event", type=int, default=4)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add the scale data to a database that holds other data (never changes it).",
        )

    def handle(self, *args, **options):
        try:
            figures = seed_scale(
                events=options["events"],
                registrations=options["registrations"],
                responses=options["responses"],
                sessions_per_event=options["sessions_per_event"],
                force=options["force"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        name = connection.settings_dict["NAME"]
        sizes = (
            f"{figures.events:,} events, {figures.sessions:,} sessions, "
            f"{figures.registrations:,} registrations, {figures.responses:,} survey responses"
        )
        if figures.made:
            self.stdout.write(f"{name}: {sizes}, made in {figures.seconds} s")
        else:
            self.stdout.write(f"{name} already holds this scale data: {sizes}")
