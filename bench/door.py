"""Check-in at the door under load: scanners post signed tickets (`POST /api/v1/checkins/`) as
the event's organiser, against gunicorn + PostgreSQL + Redis on the scale data (the door event
of `manage.py seed_scale` has 25,000 registrations), wrk as the client.

    .venv/bin/python bench/door.py [--database NAME] [--seconds 10] [--concurrency 8]

Two rounds: scanners each reading their own tickets, then pairs of scanners reading the same
tickets at the same instant (each ticket sent twice at once). Prints scans/s, p50/p95/p99, the
answers (valid, already, invalid), the workers' CPU time per scan and the client's CPU share,
and checks in the database that no ticket is green twice and that every ticket scanned has its
one green scan. Writes bench/results/door.json. Target: ≥ 500 scans/s.
"""

import argparse
import json
import tempfile
from pathlib import Path

import harness

TARGET_PER_S = 500

# The door opens anew each time: earlier runs' scans go, so every ticket is fresh.
PREPARE = """
from rest_framework.authtoken.models import Token
from accounts.models import User
from registrations.models import CheckIn
from sportevents.scale import DOOR_EVENT, ORGANISER, door_tickets
CheckIn.objects.filter(event__slug=DOOR_EVENT).delete()
token, _ = Token.objects.get_or_create(user=User.objects.get(email=ORGANISER))
open(%r, "w").write("\\n".join(door_tickets(%d)))
print(token.key)
"""

# Per round: the scans the database holds, and the tickets without their one green scan.
COUNT = """
import json
from django.db.models import Count, Q
from registrations.models import CheckIn, Participant
from sportevents.scale import DOOR_EVENT
scans = CheckIn.objects.filter(event__slug=DOOR_EVENT)
scanned = Participant.objects.filter(registration__event__slug=DOOR_EVENT, check_ins__isnull=False)
greens = scanned.annotate(n=Count("check_ins", filter=Q(check_ins__result="valid")))
print(json.dumps({
    "scans": scans.count(),
    "tickets": scanned.distinct().count(),
    "without_green": greens.filter(n=0).count(),
    "green_twice": greens.filter(n__gt=1).count(),
}))
"""


def run(server: harness.Server, database: str, *, seconds: int, concurrency: int) -> list[dict]:
    folder = Path(tempfile.mkdtemp(prefix="door-"))
    all_tickets = folder / "all.txt"
    api_token = harness.shell(database, PREPARE % (str(all_tickets), 25_000))
    tickets = all_tickets.read_text().splitlines()
    # Two thirds for scanners on their own, the rest for the pairs (each ticket scanned twice).
    split = len(tickets) * 2 // 3
    rounds = [("own tickets", tickets[:split], 1), ("pairs racing", tickets[split:], 2)]
    rows, before = [], json.loads(harness.shell(database, COUNT))
    for name, chunk, repeat in rounds:
        path = folder / f"round-{repeat}.txt"
        path.write_text("\n".join(chunk))
        figures = harness.load(
            server,
            "/api/v1/checkins/",
            script="checkin.lua",
            concurrency=concurrency,
            seconds=seconds,
            TOKENS_FILE=str(path),
            REPEAT=str(repeat),
            WRK_THREADS=str(min(concurrency, 2)),
            EVENT="seed-scale-door",
            API_TOKEN=api_token,
        )
        after = json.loads(harness.shell(database, COUNT))
        rows.append(
            {
                "round": name,
                "concurrency": concurrency,
                "tickets_available": len(chunk),
                **figures.as_dict(),
                "new_tickets_scanned": after["tickets"] - before["tickets"],
                "tickets_without_green": after["without_green"],
                "tickets_green_twice": after["green_twice"],
                "target_met": figures.per_second >= TARGET_PER_S and figures.errors == 0,
            }
        )
        before = after
    return rows


def print_rows(rows: list[dict]) -> None:
    def one_green_each(r: dict) -> str:
        return "yes" if r["tickets_without_green"] == 0 and r["tickets_green_twice"] == 0 else "NO"

    harness.print_table(
        [
            harness.Column("round", 14, "round", left=True),
            harness.Column("scans/s", 7, "requests_per_s"),
            *harness.latencies("p50", "p95", "p99"),
            *(harness.Column(name, 7, name) for name in ("valid", "already", "invalid")),
            *harness.CPU_COLUMNS,
            harness.CLIENT_COLUMN,
            harness.Column(" one green each", 15, one_green_each, left=True),
        ],
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a database seed_scale filled (default: a new one)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    options = parser.parse_args()
    database = options.database
    if not database:
        database = harness.fresh_database("scale")
        print(harness.seed_scale(database))
    with harness.Server(database, options.workers) as server:
        rows = run(server, database, seconds=options.seconds, concurrency=options.concurrency)
        memory = server.peak_memory_mb()
    print_rows(rows)
    print(f"peak memory per worker: {', '.join(f'{mb:.0f} MB' for mb in memory)}")
    harness.write_results(
        "door", {"rounds": rows, "worker_peak_mb": memory, "machine": harness.machine()}
    )


if __name__ == "__main__":
    main()
