"""Registration rush: C concurrent clients register for one ticket type with fewer seats than
attempts, against gunicorn + PostgreSQL + Redis on this machine. wrk (Debian's package) is the
load generator, so the server, not the client, is measured.

    .venv/bin/python bench/registration_rush.py [--seconds 10] [--seats 300] [--workers 3]

Prints, per concurrency (8, 32, 128): confirmed, wait-listed, errors, registrations/s,
p50/p95/p99 latency, the workers' CPU time per request, the client's CPU share, and checks that
nothing was oversold. Its database holds the demo data (`manage.py seed_demo`).
Writes bench/results/registration_rush.json.
"""

import argparse
import json
import shutil
import sys
import time

import harness
from rush_snippets import COUNT, SETUP


def prepare_database() -> str:
    database = harness.fresh_database("rush")
    harness.manage(database, "seed_demo", capture=True)
    return database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--seats", type=int, default=300)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--concurrency", type=int, nargs="*", default=[8, 32, 128])
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    database = prepare_database()
    rows = []
    with harness.Server(database, options.workers) as server:
        for concurrency in options.concurrency:
            ticket_id = int(harness.shell(database, SETUP % (concurrency, options.seats)))
            figures = harness.load(
                server,
                "/api/v1/events/move-together-week/registrations/",
                script="registration_rush.lua",
                concurrency=concurrency,
                seconds=options.seconds,
                TICKET_TYPE=str(ticket_id),
            )
            time.sleep(3)  # let the requests wrk left in flight finish before counting
            counts = json.loads(harness.shell(database, COUNT % ticket_id))
            load = figures.as_dict()
            registered = counts.get("confirmed", 0) + counts.get("waitlisted", 0)
            # wrk counts requests it saw answered; the database counts what the server did.
            rows.append(
                {
                    "concurrency": concurrency,
                    "seats": options.seats,
                    "attempts": figures.requests,
                    "confirmed": counts.get("confirmed", 0),
                    "waitlisted": counts.get("waitlisted", 0),
                    "errors": figures.errors,
                    "registrations_per_s": round(registered / figures.duration_s, 1),
                    "p50_ms": figures.p50_ms,
                    "p95_ms": figures.p95_ms,
                    "p99_ms": figures.p99_ms,
                    "client_cpu_share": figures.client_cpu_share,
                    **{name: load[name] for name in harness.CPU_FIGURES},
                    "oversold": counts["taken"] > counts["capacity"]
                    or counts["held_seats"] != counts["taken"],
                }
            )
    print_rows(rows)
    harness.write_results("registration_rush", rows)
    if any(r["oversold"] for r in rows):
        sys.exit("OVERSOLD")


def print_rows(rows: list[dict]) -> None:
    """The rush's table; `make bench` prints it too."""
    harness.print_table(
        [
            harness.Column("C", 4, "concurrency"),
            harness.Column("attempts", 8, "attempts"),
            harness.Column("confirmed", 9, "confirmed"),
            harness.Column("waitlisted", 10, "waitlisted"),
            harness.Column("errors", 6, "errors"),
            harness.Column("reg/s", 7, "registrations_per_s"),
            *harness.latencies("p50", "p95", "p99"),
            *harness.CPU_COLUMNS,
            harness.CLIENT_COLUMN,
            harness.Column(" oversold", 9, lambda r: " YES" if r["oversold"] else " no", left=True),
        ],
        rows,
    )


if __name__ == "__main__":
    main()
