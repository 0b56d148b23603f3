"""Impact summary at scale: one completed event with N paired respondents (50,000 by default)
in PostgreSQL, each registered, checked in and answering the baseline and the follow-up; the
organisers' report (every figure, both audiences' rules) is computed R times.

    .venv/bin/python bench/impact_summary.py [--people 50000] [--runs 5] [--database NAME]

Prints the time of each run (median and worst), the number of queries, the peak Python memory
of one run (tracemalloc) and the process's peak resident memory (getrusage), and writes
bench/results/impact_summary.json. Target: under 2 s and 200 MB.

The data is the impact event of `manage.py seed_scale` (its --responses people, made by
INSERT … SELECT: the data, not the loading, is what is measured), in a new database each time,
or in the scale database given by --database.
"""

import argparse
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc

import harness

sys.path.insert(0, str(harness.ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", help="a database seed_scale filled (default: a new one)")
    args = parser.parse_args()

    database = args.database
    if not database:
        database = harness.fresh_database("impact")
        people = str(args.people)
        print(
            harness.seed_scale(
                database, "--events", "3", "--registrations", people, "--responses", people
            )
        )
    os.environ.update({**harness.env(database), "PYTHONWARNINGS": "ignore"})

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from events.models import Event
    from sportevents.scale import IMPACT_EVENT
    from surveys.report import organiser_report
    from surveys.summary import event_summary

    event = Event.objects.get(slug=IMPACT_EVENT)

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
        "people": event.registrations.count(),
        "paired_shown": paired,
        "who5_change": report["headline"]["who5_change"]["value"],
        "runs": args.runs,
        "seconds_median": round(statistics.median(timings), 3),
        "seconds_worst": round(max(timings), 3),
        "queries": len(queries),
        "peak_python_mib": round(peak_python / 2**20, 2),
        "peak_rss_mib": round(peak_rss_kib / 1024, 1),
        "target": {"seconds": 2.0, "mib": 200},
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "database": "PostgreSQL "
        + connection.cursor().connection.info.parameter_status("server_version"),
    }
    ok = result["seconds_worst"] < 2.0 and result["peak_rss_mib"] < 200
    print(f"Impact summary of one event with {result['people']:,} paired respondents")
    print(f"{'runs':<28}{args.runs}")
    print(f"{'time, median / worst (s)':<28}{result['seconds_median']} / {result['seconds_worst']}")
    print(f"{'queries':<28}{result['queries']}")
    print(f"{'peak Python memory (MiB)':<28}{result['peak_python_mib']}")
    print(f"{'peak resident memory (MiB)':<28}{result['peak_rss_mib']}")
    print(f"{'paired (shown, rounded)':<28}{paired}")
    print(f"{'target met':<28}{'yes' if ok else 'NO'} (under 2 s and 200 MB)")
    result["target_met"] = ok
    out = harness.write_results("impact_summary", result)
    print(f"written to {out.relative_to(harness.ROOT)}")


if __name__ == "__main__":
    main()
