"""Impact summary at scale: one completed event with N paired respondents (50,000 by default)
in PostgreSQL, each registered, checked in and answering the baseline and the follow-up; the
organisers' report (every figure, both audiences' rules) is computed R times.

    .venv/bin/python bench/impact_summary.py [--people 50000] [--runs 5] [--keep]

Prints the time of each run (median and worst), the number of queries, the peak Python memory
of one run (tracemalloc) and the process's peak resident memory (getrusage), and writes
bench/results/impact_summary.json. Target: under 2 s and 200 MB.

The rows are made by INSERT … SELECT over generate_series: the data, not the loading, is what
is measured. Its own database (sportevents_bench_impact), dropped and made again each time
unless --keep reuses it.
"""

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "sportevents_bench_impact"
sys.path.insert(0, str(ROOT))
os.environ.update(
    {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_NAME}",
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_MANIFEST": "0",
        "LOG_LEVEL": "WARNING",
    }
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportevents.settings")


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)


# Scores vary with the row number so that means, spreads and every 2×2 cell are non-trivial.
FILL = """
WITH people AS (SELECT g AS n FROM generate_series(1, %(people)s) AS g),
regs AS (
  INSERT INTO registrations_registration
    (event_id, ticket_type_id, reference, name, email, language, is_group, seats, status,
     terms_accepted_at, manage_token_hash, created_at)
  SELECT %(event)s, %(ticket)s, 'B' || n, 'Bench ' || n, 'bench' || n || '@example.org', 'en',
         false, 1, 'confirmed', now(), md5('bench' || n), now()
  FROM people RETURNING id, reference
),
parts AS (
  INSERT INTO registrations_participant
    (registration_id, ticket_id, name, email, country, year_of_birth, gender, role,
     guardian_name, guardian_email, survey_consent_at, survey_consent_version,
     accessibility_needs, accessibility_note)
  SELECT id, gen_random_uuid(), 'Bench', '',
         (ARRAY['TR','PT','FI','DE','ES','FR','IT','PL','NL','BE'])
           [1 + substr(reference, 2)::int %% 10],
         1950 + substr(reference, 2)::int %% 60,
         (ARRAY['female','male','other','undisclosed'])[1 + substr(reference, 2)::int %% 4],
         (ARRAY['athlete','volunteer','coach','spectator'])[1 + substr(reference, 2)::int %% 4],
         '', '', now(), '2026-1', '[]'::jsonb, ''
  FROM regs RETURNING id
)
INSERT INTO registrations_checkin (event_id, participant_id, result, reason, gate, device,
                                   scanned_at, received_at)
SELECT %(event)s, id, 'valid', '', '', '', now(), now() FROM parts
"""
RESPONDENTS = """
INSERT INTO surveys_respondent (event_id, pseudonym, created_at)
SELECT %(event)s, md5('respondent' || g), now() FROM generate_series(1, %(people)s) AS g
"""
RESPONSES = """
INSERT INTO surveys_response
  (respondent_id, wave_id, instrument_version, submitted_at, answers, who5, active_days,
   health_good, limited, ucla3, lonely_often, fewer_opportunities, felt_welcome,
   met_other_countries, intend_active, joined_club, new_activity, volunteered)
SELECT r.id, w.id, '2026-1', now(), '{}'::jsonb,
       CASE WHEN w.kind = 't0' THEN 20 + (r.id * 7) %% 60 ELSE 28 + (r.id * 11) %% 64 END,
       CASE WHEN w.kind = 't0' THEN r.id %% 6 ELSE (r.id * 3) %% 8 END,
       (r.id + length(w.kind)) %% 3 <> 0, r.id %% 9 = 0, 3 + (r.id * 5) %% 7,
       (r.id * 13) %% 7 = 0, CASE WHEN w.kind = 't0' THEN r.id %% 6 = 0 END,
       CASE WHEN w.kind = 't2' THEN r.id %% 10 <> 0 END,
       CASE WHEN w.kind = 't2' THEN r.id %% 3 = 0 END,
       CASE WHEN w.kind = 't2' THEN r.id %% 4 <> 0 END,
       CASE WHEN w.kind = 't2' THEN r.id %% 8 = 0 END,
       CASE WHEN w.kind = 't2' THEN r.id %% 5 = 0 END,
       CASE WHEN w.kind = 't2' THEN r.id %% 7 = 0 END
FROM surveys_respondent r JOIN surveys_wave w ON w.event_id = r.event_id
WHERE r.event_id = %(event)s AND w.kind IN ('t0', 't2')
"""


def build(people: int):
    from datetime import UTC, date, datetime, timedelta

    from django.db import connection

    from catalogue.models import Action
    from events.models import Event, EventPartner, Organisation, PartnerRole
    from registrations.models import TicketType
    from surveys.models import Wave

    lead = Organisation.objects.create(
        name="Bench Sport", slug="bench-sport", country="TR", kind="not-for-profit"
    )
    event = Event.objects.create(
        action=Action.objects.get(slug=Action.SPORT_EVENTS_SLUG),
        lead=lead,
        slug="bench-impact",
        title_i18n={"en": "Bench impact"},
        objective="healthy-lifestyles",
        starts_on=date(2026, 9, 23),
        ends_on=date(2026, 9, 30),
        status="completed",
    )
    EventPartner.objects.create(event=event, organisation=lead, role=PartnerRole.LEAD)
    ticket = TicketType.objects.create(event=event, name="Entry", capacity=people)
    opened = datetime(2026, 9, 1, tzinfo=UTC)
    for number, kind in enumerate(("t0", "t1", "t2")):
        opens = opened + timedelta(weeks=8 * number)
        Wave.objects.create(
            event=event,
            kind=kind,
            instrument_version="2026-1",
            opens_at=opens,
            closes_at=opens + timedelta(weeks=4),
            closed_at=opens + timedelta(weeks=4),
        )
    values = {"people": people, "event": event.pk, "ticket": ticket.pk}
    with connection.cursor() as cursor:
        for sql in (FILL, RESPONDENTS, RESPONSES):
            cursor.execute(sql, values)
        cursor.execute("ANALYZE")
    return event


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="reuse the database if it exists")
    args = parser.parse_args()

    if not args.keep:
        psql(f"DROP DATABASE IF EXISTS {DB_NAME}")
        psql(f"CREATE DATABASE {DB_NAME}")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from events.models import Event
    from surveys.report import organiser_report
    from surveys.summary import event_summary

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    event = Event.objects.filter(slug="bench-impact").first() or build(args.people)
    build_seconds = time.perf_counter() - started

    def run():
        return organiser_report(event_summary(event))

    run()  # warm the connection and the caches of the database
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        report = run()
        timings.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        run()
    tracemalloc.start()
    run()
    _current, peak_python = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

    paired = next(
        row["cells"][0]["value"]
        for table in report["tables"]
        if table["key"] == "responses"
        for row in table["rows"]
        if row["key"] == "paired"
    )
    result = {
        "people": args.people,
        "paired_shown": paired,
        "who5_change": report["headline"]["who5_change"]["value"],
        "runs": args.runs,
        "seconds_median": round(statistics.median(timings), 3),
        "seconds_worst": round(max(timings), 3),
        "queries": len(queries),
        "peak_python_mib": round(peak_python / 2**20, 2),
        "peak_rss_mib": round(peak_rss_kib / 1024, 1),
        "build_seconds": round(build_seconds, 1),
        "target": {"seconds": 2.0, "mib": 200},
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "database": "PostgreSQL "
        + connection.cursor().connection.info.parameter_status("server_version"),
    }
    ok = result["seconds_worst"] < 2.0 and result["peak_rss_mib"] < 200
    print(f"Impact summary of one event with {args.people:,} paired respondents")
    print(f"{'runs':<28}{args.runs}")
    print(f"{'time, median / worst (s)':<28}{result['seconds_median']} / {result['seconds_worst']}")
    print(f"{'queries':<28}{result['queries']}")
    print(f"{'peak Python memory (MiB)':<28}{result['peak_python_mib']}")
    print(f"{'peak resident memory (MiB)':<28}{result['peak_rss_mib']}")
    print(f"{'paired (shown, rounded)':<28}{paired}")
    print(f"{'target met':<28}{'yes' if ok else 'NO'} (under 2 s and 200 MB)")
    out = ROOT / "bench" / "results" / "impact_summary.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
