"""Registration rush: C concurrent clients register for one ticket type with fewer seats than
attempts, against gunicorn + PostgreSQL + Redis on this machine. wrk (Debian's package) is the
load generator, so the server, not the client, is measured.

    .venv/bin/python bench/registration_rush.py [--seconds 10] [--seats 300] [--workers 3]

Prints, per concurrency (8, 32, 128): confirmed, wait-listed, errors, registrations/s,
p50/p95/p99 latency, the client's CPU share, and checks that nothing was oversold.
Writes bench/results/registration_rush.json.
"""

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PORT = 8111
DB_NAME = "sportevents_bench"
ENV = {
    **os.environ,
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3"),
    "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "STATIC_MANIFEST": "0",
    "DEBUG": "0",
    "LOG_LEVEL": "WARNING",
    "API_THROTTLE_ANON": "1000000/min",
    "API_THROTTLE_REGISTRATION": "1000000/min",
    # The confirmation emails are queued in Redis for the workers; none runs during the rush.
    "CELERY_TASK_ALWAYS_EAGER": "0",
}


def manage(*args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=ENV,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else ""


def prepare_database() -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DB_NAME}"],
        check=True,
    )
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {DB_NAME}"],
        check=True,
    )
    manage("migrate", "--noinput", "-v0")
    manage("seed_demo")


# A fresh ticket type per round: requests still in flight from a round cannot touch the next.
SETUP = """
from events.models import Event
from registrations.models import TicketType
event = Event.objects.get(slug="move-together-week")
print(TicketType.objects.create(event=event, name="Rush %s", capacity=%d).pk)
"""

COUNT = """
import json
from django.db.models import Count, Sum
from registrations.models import Registration, TicketType
ticket = TicketType.objects.get(pk=%d)
rows = Registration.objects.filter(ticket_type=ticket)
by_status = dict(rows.values_list("status").annotate(n=Count("id")))
held = rows.filter(status__in=["confirmed", "pending-payment"]).aggregate(s=Sum("seats"))["s"]
print(json.dumps({"capacity": ticket.capacity, "taken": ticket.taken, "held_seats": held or 0,
                  **by_status}))
"""


def shell(code: str) -> str:
    return manage("shell", "-c", code, capture=True).strip().splitlines()[-1]


def start_server(workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "sportevents.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=ENV,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/actions/", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def run_wrk(concurrency: int, seconds: int, ticket_id: int) -> tuple[dict, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    output = subprocess.run(
        [
            "wrk",
            "-t",
            str(min(concurrency, 2)),
            "-c",
            str(concurrency),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "registration_rush.lua"),
            f"http://127.0.0.1:{PORT}/api/v1/events/move-together-week/registrations/",
        ],
        env={**os.environ, "TICKET_TYPE": str(ticket_id)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    figures = json.loads(re.search(r"^JSON (.*)$", output, re.M).group(1))
    return figures, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--seats", type=int, default=300)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--concurrency", type=int, nargs="*", default=[8, 32, 128])
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    prepare_database()
    server = start_server(options.workers)
    rows = []
    try:
        for concurrency in options.concurrency:
            ticket_id = int(shell(SETUP % (concurrency, options.seats)))
            figures, client_cpu = run_wrk(concurrency, options.seconds, ticket_id)
            time.sleep(3)  # let the requests wrk left in flight finish before counting
            counts = json.loads(shell(COUNT % ticket_id))
            registered = counts.get("confirmed", 0) + counts.get("waitlisted", 0)
            # wrk counts requests it saw answered; the database counts what the server did.
            rows.append(
                {
                    "concurrency": concurrency,
                    "seats": options.seats,
                    "attempts": figures["requests"],
                    "confirmed": counts.get("confirmed", 0),
                    "waitlisted": counts.get("waitlisted", 0),
                    "errors": figures["non_2xx"]
                    + figures["errors_connect"]
                    + figures["errors_read"]
                    + figures["errors_timeout"],
                    "registrations_per_s": round(registered / figures["duration_s"], 1),
                    "p50_ms": figures["p50_ms"],
                    "p95_ms": figures["p95_ms"],
                    "p99_ms": figures["p99_ms"],
                    "client_cpu_share": round(
                        client_cpu / (figures["duration_s"] * os.cpu_count()), 3
                    ),
                    "oversold": counts["taken"] > counts["capacity"]
                    or counts["held_seats"] != counts["taken"],
                }
            )
    finally:
        server.terminate()
        server.wait()
    header = (
        f"{'C':>4} {'attempts':>8} {'confirmed':>9} {'waitlisted':>10} {'errors':>6} "
        f"{'reg/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'client CPU':>10} oversold"
    )
    print(header)
    for r in rows:
        print(
            f"{r['concurrency']:>4} {r['attempts']:>8} {r['confirmed']:>9} {r['waitlisted']:>10} "
            f"{r['errors']:>6} {r['registrations_per_s']:>7} {r['p50_ms']:>7} {r['p95_ms']:>7} "
            f"{r['p99_ms']:>7} {r['client_cpu_share']:>10.1%} {r['oversold']}"
        )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "registration_rush.json").write_text(json.dumps(rows, indent=2))
    if any(r["oversold"] for r in rows):
        sys.exit("OVERSOLD")


if __name__ == "__main__":
    main()
