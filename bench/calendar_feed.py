"""Calendar feed at scale: the public feed (/calendar/events.ics) with 5,000 events (the mix of
`manage.py seed_scale`: most published, some completed or cancelled, a few drafts) and 20,000
sessions at 40 venues in 8 time zones, on PostgreSQL.

    .venv/bin/python bench/calendar_feed.py [--events 5000] [--sessions-per-event 4] [--runs 5]

Fills its own database with `manage.py seed_scale` (events and sessions only; a new database
each time, or --database NAME to reuse one), then runs the feed in a fresh process:
one warm-up request, then `--runs` timed ones through Django's full request cycle (middleware,
view, queries, writing), each after clearing the cache (as after any change to public data),
each followed by a poll answered from the cache. Prints the median and worst time, the feed's
size and the process's peak resident memory (Python, Django and all, as a server worker would
hold it), and checks the targets: written in under 1 s and under 150 MB. Writes
bench/results/calendar_feed.json.
"""

import argparse
import json
import subprocess
import sys

import harness

TARGET_SECONDS = 1.0
TARGET_MB = 150

MEASURE = r"""
import hashlib, json, resource, statistics, sys, time
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
from django.core.cache import cache
fetch()
times, kept_times = [], []
for _ in range(runs):
    cache.clear()  # as after a change to public data: the feed is written
    elapsed, response, body = fetch()
    times.append(elapsed)
    assert response.status_code == 200
    written = hashlib.sha256(body).digest()
    del body
    elapsed, response, body = fetch()  # a poll: the feed as kept
    kept_times.append(elapsed)
    assert response.status_code == 200 and hashlib.sha256(body).digest() == written
conditional, not_modified, _ = fetch(HTTP_IF_NONE_MATCH=response["ETag"])
assert not_modified.status_code == 304
print(json.dumps({
    "median_s": statistics.median(times), "max_s": max(times), "runs": runs,
    "kept_median_s": statistics.median(kept_times),
    "bytes": len(body), "vevents": body.count(b"BEGIN:VEVENT"),
    "vtimezones": body.count(b"BEGIN:VTIMEZONE"),
    "not_modified_s": conditional,
    "baseline_rss_mb": baseline,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def measure(database: str, runs: int) -> dict:
    result = subprocess.run(
        [str(harness.PYTHON), "-c", MEASURE, str(runs)],
        cwd=harness.ROOT,
        env={**harness.env(database), "PYTHONWARNINGS": "ignore"},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(result.stderr)
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--sessions-per-event", type=int, default=4)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", help="a database seed_scale filled with these sizes")
    options = parser.parse_args()

    database = options.database or harness.fresh_database("calendar")
    print(
        harness.seed_scale(
            database,
            "--events",
            str(options.events),
            "--sessions-per-event",
            str(options.sessions_per_event),
            "--registrations",
            "0",
            "--responses",
            "0",
        )
    )
    figures = measure(database, options.runs)
    print(
        f"public feed: {figures['vevents']:,} VEVENTs, {figures['vtimezones']} VTIMEZONEs, "
        f"{figures['bytes'] / 1e6:.1f} MB\n"
        f"  written: median {figures['median_s']:.2f} s, worst {figures['max_s']:.2f} s "
        f"over {figures['runs']} runs (target < {TARGET_SECONDS} s)\n"
        f"  a poll, as kept until public data change: median {figures['kept_median_s']:.3f} s\n"
        f"  304 with the ETag: {figures['not_modified_s']:.3f} s\n"
        f"  memory: the app's worker holds {figures['baseline_rss_mb']:.0f} MB before the first "
        f"feed, {figures['peak_rss_mb']:.0f} MB at peak: the feed takes "
        f"{figures['peak_rss_mb'] - figures['baseline_rss_mb']:.0f} MB (target < {TARGET_MB} MB)"
    )
    feed_mb = figures["peak_rss_mb"] - figures["baseline_rss_mb"]
    ok = figures["median_s"] < TARGET_SECONDS and feed_mb < TARGET_MB
    harness.write_results("calendar_feed", {**figures, "target_met": ok})
    print("targets met" if ok else "TARGETS MISSED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
