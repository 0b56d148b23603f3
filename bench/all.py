"""Every benchmark, one after the other, on this machine (`make bench`): gunicorn + PostgreSQL
+ Redis, wrk as the client. About four minutes on a quiet 2-core machine.

    .venv/bin/python bench/all.py [--seconds 10] [--workers 3]

1. Two databases of scale data (`manage.py seed_scale`): 1,000 events with 100,000
   registrations and 50,000 surveyed people, and a tenth of that, to compare query counts.
2. Queries per page at both sizes (bench/query_counts.py).
3. One gunicorn on the large database: public pages and API lists (bench/pages.py), check-in at
   the door (bench/door.py), the public calendar feed; then each worker's peak memory.
4. The impact summary on the same data, the calendar feed with 5,000 events, the registration
   rush (each in its own process, as when run alone).
5. The bare Django views the speed targets are set against (bench/reference.py): this
   machine's floor, and the product's share of it.

Writes bench/results/latest.json (every figure, the machine and its load) and prints a table.
Exits 1 when a target is missed.
"""

import argparse
import json
import os
import re
import subprocess
import time
import urllib.request

import door
import harness
import pages
import query_counts
import reference
import registration_rush

TARGET_WORKER_MB = 200
RUSH_CLIENTS, RUSH_PER_S, RUSH_P95_MS = 32, 300, 250  # the registration issue's target


def seed(suffix: str, *sizes: str) -> dict:
    database = harness.fresh_database(suffix)
    line = harness.seed_scale(database, *sizes)
    seconds = float(re.search(r"made in ([\d.]+) s", line).group(1))
    return {"database": database, "figures": line, "seconds": seconds}


def run_script(name: str, *args: str) -> dict | list:
    """Another benchmark, as run alone; its results file."""
    subprocess.run([str(harness.PYTHON), f"bench/{name}.py", *args], cwd=harness.ROOT, check=False)
    return json.loads((harness.RESULTS / f"{name}.json").read_text())


def fetch_feed(server: harness.Server) -> float:
    """The public calendar feed through gunicorn: the largest answer a worker builds (written
    each time: the cache that would keep it is emptied first)."""
    harness.flush_cache()
    started = time.perf_counter()
    with urllib.request.urlopen(f"{server.url}/calendar/events.ics", timeout=60) as answer:
        answer.read()
    return round(time.perf_counter() - started, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=3)
    options = parser.parse_args()
    started = time.perf_counter()
    results: dict = {"machine": harness.machine(), "workers": options.workers}

    large = seed("scale", "--events", "1000", "--registrations", "100000", "--responses", "50000")
    small = seed("small", "--events", "100", "--registrations", "10000", "--responses", "5000")
    results["seed_scale"] = {"large": large, "small": small}
    print(f"seed_scale: {large['figures']}\nseed_scale: {small['figures']}")

    results["query_counts"] = query_counts.run(small["database"], large["database"])
    with harness.Server(large["database"], options.workers) as server:
        results["pages"] = pages.run(server, seconds=options.seconds, concurrency=16)
        results["door"] = door.run(
            server, large["database"], seconds=options.seconds, concurrency=8
        )
        results["feed_through_gunicorn_s"] = [fetch_feed(server) for _ in range(3)]
        results["worker_peak_mb"] = [round(mb, 1) for mb in server.peak_memory_mb()]
    results["impact_summary"] = run_script("impact_summary", "--database", large["database"])
    results["calendar_feed"] = run_script("calendar_feed")
    results["registration_rush"] = run_script(
        "registration_rush", "--seconds", str(options.seconds)
    )
    results["reference"] = reference.run(seconds=8, workers=options.workers)
    results["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    results["minutes"] = round((time.perf_counter() - started) / 60, 1)

    harness.write_results("latest", results)
    missed = print_table(results)
    raise SystemExit(1 if missed else 0)


def print_table(r: dict) -> list[str]:
    """Everything on one screen; returns the targets missed."""
    missed = []
    m = r["machine"]
    print(
        f"\n== {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, PostgreSQL "
        f"{m['postgresql']}, Python {m['python']} (a 10,000-step loop: {m['python_loop_us']} µs), "
        f"{r['workers']} gunicorn workers; load average before "
        f"{m['load_average'][0]}, after {m['load_average_after'][0]}; {r['minutes']} min"
    )
    print(
        f"seed_scale (1,000 events, 100,000 registrations): {r['seed_scale']['large']['seconds']} s"
    )

    print("\n-- Queries per page (no cache), at two sizes")
    query_counts.print_rows(r["query_counts"])
    missed += [f"queries grow: {q['page']}" for q in r["query_counts"] if q["grows"]]

    print("\n-- Public pages and API lists (16 clients; target ≥ 400/s, p95 < 100 ms)")
    pages.print_rows(r["pages"])
    missed += [f"page: {p['page']}" for p in r["pages"] if not p["target_met"]]

    print("\n-- Check-in at the door (8 scanners; target ≥ 500 scans/s)")
    door.print_rows(r["door"])
    missed += [f"door: {d['round']}" for d in r["door"] if not d["target_met"]]
    missed += [
        f"door: {d['round']} not one green each"
        for d in r["door"]
        if d["tickets_without_green"] or d["tickets_green_twice"]
    ]

    print(f"\n-- Peak memory per gunicorn worker (target < {TARGET_WORKER_MB} MB)")
    print(
        "  " + ", ".join(f"{mb:.0f} MB" for mb in r["worker_peak_mb"]) + " (after every page, "
        f"scan and the 1,000-event calendar feed: {r['feed_through_gunicorn_s']} s)"
    )
    if max(r["worker_peak_mb"]) >= TARGET_WORKER_MB:
        missed.append("worker memory")

    i = r["impact_summary"]
    print("\n-- Impact summary (target < 2 s, < 200 MB)")
    print(
        f"  {i['people']:,} paired respondents: median {i['seconds_median']} s, worst "
        f"{i['seconds_worst']} s, {i['queries']} queries, peak {i['peak_rss_mib']} MiB"
    )
    if not i["target_met"]:
        missed.append("impact summary")

    c = r["calendar_feed"]
    print("\n-- Calendar feed, 5,000 events (target < 1 s, < 150 MB for the feed)")
    print(
        f"  {c['vevents']:,} VEVENTs, {c['bytes'] / 1e6:.1f} MB: written in {c['median_s']:.2f} s "
        f"(median), worst {c['max_s']:.2f} s; a poll from the cache {c['kept_median_s']:.3f} s; "
        f"304 {c['not_modified_s']:.3f} s; feed takes "
        f"{c['peak_rss_mb'] - c['baseline_rss_mb']:.0f} MB"
    )
    if not c["target_met"]:
        missed.append("calendar feed")

    print("\n-- Registration rush (300 seats; target at 32 clients: ≥ 300/s, p95 < 250 ms)")
    registration_rush.print_rows(r["registration_rush"])
    for row in r["registration_rush"]:
        if row["oversold"]:
            missed.append("registration rush oversold")
        if row["concurrency"] == RUSH_CLIENTS and not (
            row["registrations_per_s"] >= RUSH_PER_S and row["p95_ms"] < RUSH_P95_MS
        ):
            missed.append(f"registration rush at {RUSH_CLIENTS} clients")

    print("\n-- This machine's floor: the bare views the two speed issues name (no target)")
    reference.print_rows(r["reference"])
    ratios = {
        "lock and insert": next(
            row["registrations_per_s"]
            for row in r["registration_rush"]
            if row["concurrency"] == RUSH_CLIENTS
        ),
        "verify and update": r["door"][0]["requests_per_s"],
    }
    print(
        "  the product's share of them: "
        + ", ".join(
            f"{row['view']} {ratios[row['view']] / row['requests_per_s']:.0%} "
            f"(target {row['target_share']:.0%})"
            for row in r["reference"]
        )
    )

    print("\nTargets missed: " + ("; ".join(missed) if missed else "none"))
    print(f"Written to {harness.RESULTS / 'latest.json'}")
    return missed


if __name__ == "__main__":
    main()
