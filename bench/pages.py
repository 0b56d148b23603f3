"""Public pages and API lists under load: gunicorn + PostgreSQL + Redis on the scale data
(`manage.py seed_scale`: 1,000 events), wrk as the client.

    .venv/bin/python bench/pages.py [--database NAME] [--seconds 10] [--concurrency 16]

Each page is asked for in turn in the five languages, over several addresses (pages of the
list, filters, twenty events), so that what is measured is a site being read, not one address.
Prints requests/s, p50/p95/p99, the workers' CPU time per request, the client's CPU share and
each worker's peak memory; writes bench/results/pages.json. Targets: ≥ 400 requests/s with
p95 < 100 ms, workers under 200 MB.
"""

import argparse
import json
import urllib.request

import harness

LANGUAGES = "en de es fr tr"
TARGET_PER_S, TARGET_P95_MS, TARGET_MB = 400, 100, 200


def addresses(server: harness.Server) -> dict[str, list[str]]:
    """What each page is asked with; the events are twenty public ones of the scale data."""
    with urllib.request.urlopen(f"{server.url}/api/v1/events/?page_size=20&page=2") as answer:
        slugs = [event["slug"] for event in json.load(answer)["results"]]
    return {
        "home": ["/"],
        "event list": [
            "/events/",
            "/events/?page=2",
            "/events/?page=7",
            "/events/?country=PT",
            "/events/?sport=running",
        ],
        "event detail": [f"/events/{slug}/" for slug in slugs],
        "API events": ["/api/v1/events/", "/api/v1/events/?page=3", "/api/v1/events/?country=DE"],
        "API actions": ["/api/v1/actions/", "/api/v1/actions/?field=sport"],
        "API organisations": ["/api/v1/organisations/", "/api/v1/organisations/?page=2"],
    }


def warm(server: harness.Server, paths: list[str]) -> None:
    """Each address once in each language: what is measured is the site as it runs, with its
    cache filled (bench/query_counts.py measures the pages rendered in full)."""
    for path in paths:
        for language in LANGUAGES.split():
            request = urllib.request.Request(
                server.url + path, headers={"Accept-Language": language}
            )
            with urllib.request.urlopen(request) as answer:
                answer.read()


def run(server: harness.Server, *, seconds: int, concurrency: int) -> list[dict]:
    rows = []
    for name, paths in addresses(server).items():
        warm(server, paths)
        figures = harness.load(
            server,
            "/",
            script="pages.lua",
            concurrency=concurrency,
            seconds=seconds,
            PATHS=" ".join(paths),
            LANGUAGES=LANGUAGES,
        )
        rows.append(
            {
                "page": name,
                "addresses": len(paths),
                "concurrency": concurrency,
                **figures.as_dict(),
                "target_met": figures.per_second >= TARGET_PER_S
                and figures.p95_ms < TARGET_P95_MS
                and figures.errors == 0,
            }
        )
    return rows


def print_rows(rows: list[dict]) -> None:
    harness.print_table(
        [
            harness.Column("page", 18, "page", left=True),
            harness.Column("req/s", 7, "requests_per_s"),
            *harness.latencies("p50", "p95", "p99"),
            harness.Column("CPU ms/req", 10, "worker_cpu_ms_per_request"),
            harness.CLIENT_COLUMN,
            harness.Column("errors", 6, "errors"),
            harness.Column(" target", 7, lambda r: f" {'met' if r['target_met'] else 'MISSED'}"),
        ],
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a database seed_scale filled (default: a new one)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    options = parser.parse_args()
    database = options.database
    if not database:
        database = harness.fresh_database("scale")
        print(harness.seed_scale(database))
    with harness.Server(database, options.workers) as server:
        rows = run(server, seconds=options.seconds, concurrency=options.concurrency)
        memory = server.peak_memory_mb()
    print_rows(rows)
    print(f"peak memory per worker: {', '.join(f'{mb:.0f} MB' for mb in memory)}")
    harness.write_results(
        "pages", {"pages": rows, "worker_peak_mb": memory, "machine": harness.machine()}
    )


if __name__ == "__main__":
    main()
