"""Queries per page at two sizes of data: a page whose count grows with its data runs a query
per row somewhere. Django's test client, no cache (every page rendered in full), PostgreSQL.

    .venv/bin/python bench/query_counts.py SMALL_DATABASE LARGE_DATABASE

Both databases are filled by `manage.py seed_scale` (of different sizes). Prints, for each page,
the number of queries on each and the CPU time of one uncached rendering on the large one;
writes bench/results/query_counts.json. Run by bench/all.py.
"""

import json
import os
import subprocess
import sys

import harness

# Run once per database, in a fresh process (Django is set up for one database at a time).
MEASURE = r"""
import json, time
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from rest_framework.authtoken.models import Token
from accounts.models import User
from events.models import Event
from sportevents.scale import DOOR_EVENT, IMPACT_EVENT, ORGANISER, PREFIX, door_tickets

organiser = User.objects.get(email=ORGANISER)
token = Token.objects.get_or_create(user=organiser)[0].key
event = Event.objects.get(slug=f"{PREFIX}event-00005")  # published, with a sponsor and sessions
ticket = door_tickets(1)[0]
PAGES = [
    ("home", "get", "/", {}),
    ("event list", "get", "/events/", {}),
    ("event list, filtered", "get", "/events/?country=PT&sport=running", {}),
    ("event detail", "get", f"/events/{event.slug}/", {}),
    ("completed event", "get", f"/events/{IMPACT_EVENT}/", {}),
    ("partner finder", "get", "/partners/", {}),
    ("catalogue", "get", "/catalogue/", {}),
    ("API events", "get", "/api/v1/events/", {}),
    ("API actions", "get", "/api/v1/actions/", {}),
    ("API organisations", "get", "/api/v1/organisations/", {}),
    ("calendar feed", "get", "/calendar/events.ics", {}),
    ("event calendar", "get", f"/events/{event.slug}/calendar.ics", {}),
    ("check-in", "post", "/api/v1/checkins/",
     {"data": {"event": DOOR_EVENT, "token": ticket, "gate": "A"},
      "content_type": "application/json", "HTTP_AUTHORIZATION": f"Token {token}"}),
    ("door: registrations list (organiser)", "get", f"/api/v1/events/{DOOR_EVENT}/registrations/",
     {"HTTP_AUTHORIZATION": f"Token {token}"}),
]
rows = {}
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
with override_settings(CACHES=NO_CACHE):
    client = Client()
    client.get("/")  # the code loaded, as in a warm worker
    for name, method, path, extra in PAGES:
        with CaptureQueriesContext(connection) as queries:
            started = time.process_time()
            response = getattr(client, method)(path, **extra)
            b"".join(response) if response.streaming else response.content
            cpu = time.process_time() - started
        assert response.status_code == 200, (name, response.status_code)
        rows[name] = {"queries": len(queries), "cpu_ms": round(1000 * cpu, 1)}
print(json.dumps({"events": Event.objects.count(), "pages": rows}))
"""


def measure(database: str) -> dict:
    result = subprocess.run(
        [str(harness.PYTHON), "-c", MEASURE],
        cwd=harness.ROOT,
        env={**harness.env(database), "PYTHONWARNINGS": "ignore"},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        sys.exit(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def run(small: str, large: str) -> list[dict]:
    few, many = measure(small), measure(large)
    return [
        {
            "page": name,
            "queries_small": few["pages"][name]["queries"],
            "queries_large": figures["queries"],
            "events_small": few["events"],
            "events_large": many["events"],
            "uncached_cpu_ms_large": figures["cpu_ms"],
            "grows": figures["queries"] > few["pages"][name]["queries"],
        }
        for name, figures in many["pages"].items()
    ]


def print_rows(rows: list[dict]) -> None:
    small, large = rows[0]["events_small"], rows[0]["events_large"]
    harness.print_table(
        [
            harness.Column("page", 38, "page", left=True),
            harness.Column(f"{small} events", 11, "queries_small"),
            harness.Column(f"{large} events", 12, "queries_large"),
            harness.Column("uncached CPU ms", 16, "uncached_cpu_ms_large"),
            harness.Column("", 6, lambda r: " GROWS" if r["grows"] else "", left=True),
        ],
        rows,
    )


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rows = run(*sys.argv[1:])
    print_rows(rows)
    harness.write_results("query_counts", rows)
    sys.exit(1 if any(r["grows"] for r in rows) else 0)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
