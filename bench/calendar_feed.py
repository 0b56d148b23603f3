"""Calendar feed at scale: the public feed (/calendar/events.ics) with 5,000 published events and
20,000 sessions at 40 venues in 8 time zones, on PostgreSQL.

    .venv/bin/python bench/calendar_feed.py [--events 5000] [--sessions-per-event 4] [--runs 5]

Fills its own database once (sportevents_bench_calendar), then runs the feed in a fresh process:
one warm-up request, then `--runs` timed ones through Django's full request cycle (middleware,
view, queries, writing). Prints the median and worst time, the feed's size and the process's peak
resident memory (Python, Django and all, as a server worker would hold it), and checks the
targets: under 1 s and under 150 MB. Writes bench/results/calendar_feed.json.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
DB_NAME = "sportevents_bench_calendar"
ENV = {
    **os.environ,
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
    "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "STATIC_MANIFEST": "0",
    "DEBUG": "0",
    "LOG_LEVEL": "WARNING",
    # Logs on stderr: the measurement's figures are read from stdout.
    "LOG_FORMAT": "text",
    "DJANGO_SETTINGS_MODULE": "sportevents.settings",
}
TARGET_SECONDS = 1.0
TARGET_MB = 150

FILL = r"""
import sys
from datetime import date, datetime, timedelta, UTC
import django
django.setup()
from django.db import transaction
from catalogue.models import Action
from events.models import Event, EventPartner, EventSport, Organisation, Session
from venues.models import Venue

events_wanted, per_event = int(sys.argv[1]), int(sys.argv[2])
if Event.objects.count() == events_wanted and Session.objects.count() == events_wanted * per_event:
    print("data already there")
    raise SystemExit
ZONES = [("PT", "Europe/Lisbon"), ("FI", "Europe/Helsinki"), ("TR", "Europe/Istanbul"),
         ("DE", "Europe/Berlin"), ("IE", "Europe/Dublin"), ("ES", "Atlantic/Canary"),
         ("PT", "Atlantic/Azores"), ("GR", "Europe/Athens")]
with transaction.atomic():
    Session.objects.all().delete()
    EventPartner.objects.all().delete()
    EventSport.objects.all().delete()
    Event.objects.all().delete()
    Venue.objects.all().delete()
    Organisation.objects.all().delete()
    action = Action.objects.get(slug=Action.SPORT_EVENTS_SLUG)
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Club {n}, Sport; for all", slug=f"club-{n}", country=ZONES[n % 8][0],
                     kind="not-for-profit")
        for n in range(100)
    )
    venues = Venue.objects.bulk_create(
        Venue(organisation=organisations[n], name=f"Hall {n}", address=f"Street {n}, 1",
              city="City", country=ZONES[n % 8][0], timezone=ZONES[n % 8][1],
              latitude=38 + n / 100, longitude=-9 + n / 100)
        for n in range(40)
    )
    first = date.today() + timedelta(days=30)
    events = Event.objects.bulk_create(
        Event(action=action, lead=organisations[n % 100], slug=f"event-{n}",
              title_i18n={"en": f"Sport event {n}, for everyone"},
              description_i18n={"en": "Run, walk; swim.\nEveryone is welcome. " * 4},
              objective="social-inclusion", starts_on=first + timedelta(days=n % 365),
              ends_on=first + timedelta(days=n % 365 + 2), status="published")
        for n in range(events_wanted)
    )
    EventPartner.objects.bulk_create(
        EventPartner(event=event, organisation=event.lead, role="lead") for event in events
    )
    EventSport.objects.bulk_create(EventSport(event=event, sport="running") for event in events)
    Session.objects.bulk_create(
        Session(event=event, venue=venues[(n + k) % 40], title=f"Session {k}", kind="training",
                starts_at=datetime.combine(event.starts_on, datetime.min.time(), UTC)
                + timedelta(hours=8 + 2 * k),
                ends_at=datetime.combine(event.starts_on, datetime.min.time(), UTC)
                + timedelta(hours=9 + 2 * k))
        for n, event in enumerate(events) for k in range(per_event)
    )
print(f"filled: {Event.objects.count()} events, {Session.objects.count()} sessions")
"""

MEASURE = r"""
import json, resource, statistics, sys, time
import django
django.setup()
from django.test import Client
runs = int(sys.argv[1])
client = Client()
assert client.get("/events/").status_code == 200  # the app loaded, as in a warm worker
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
def fetch(**headers):
    start = time.perf_counter()
    response = client.get("/calendar/events.ics", **headers)
    body = response.getvalue()  # the streamed body, read to its end
    return time.perf_counter() - start, response, body
fetch()
times = []
for _ in range(runs):
    elapsed, response, body = fetch()
    times.append(elapsed)
    assert response.status_code == 200
conditional, not_modified, _ = fetch(HTTP_IF_NONE_MATCH=response["ETag"])
assert not_modified.status_code == 304
print(json.dumps({
    "median_s": statistics.median(times), "max_s": max(times), "runs": runs,
    "bytes": len(body), "vevents": body.count(b"BEGIN:VEVENT"),
    "vtimezones": body.count(b"BEGIN:VTIMEZONE"),
    "not_modified_s": conditional,
    "baseline_rss_mb": baseline,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def run(*args: str) -> str:
    result = subprocess.run(
        [str(PYTHON), *args], cwd=ROOT, env=ENV, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(result.stderr)
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--sessions-per-event", type=int, default=4)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()

    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {DB_NAME}"],
            check=True,
        )
    run("manage.py", "migrate", "--noinput", "-v", "0")
    print(run("-c", FILL, str(options.events), str(options.sessions_per_event)).strip())
    figures = json.loads(run("-c", MEASURE, str(options.runs)))
    print(
        f"public feed: {figures['vevents']:,} VEVENTs, {figures['vtimezones']} VTIMEZONEs, "
        f"{figures['bytes'] / 1e6:.1f} MB\n"
        f"  time: median {figures['median_s']:.2f} s, worst {figures['max_s']:.2f} s "
        f"over {figures['runs']} runs (target < {TARGET_SECONDS} s)\n"
        f"  304 with the ETag: {figures['not_modified_s']:.2f} s\n"
        f"  memory: the app's worker holds {figures['baseline_rss_mb']:.0f} MB before the first "
        f"feed, {figures['peak_rss_mb']:.0f} MB at peak: the feed takes "
        f"{figures['peak_rss_mb'] - figures['baseline_rss_mb']:.0f} MB (target < {TARGET_MB} MB)"
    )
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "calendar_feed.json").write_text(json.dumps(figures, indent=2))
    feed_mb = figures["peak_rss_mb"] - figures["baseline_rss_mb"]
    ok = figures["median_s"] < TARGET_SECONDS and feed_mb < TARGET_MB
    print("targets met" if ok else "TARGETS MISSED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
