"""The floor of this machine: the bare Django views the speed targets are set against
(bench/reference_app.py), served by the same gunicorn (3 sync workers) on PostgreSQL and loaded
by the same wrk scripts as the registration rush (32 clients) and the door (8 scanners).

    .venv/bin/python bench/reference.py [--seconds 8]

Prints requests/s and the workers' CPU per request of each bare view. The registration issue
names about 550 registrations/s for a view that locks a row and inserts, the speed issue about
850 scans/s for one that verifies a signature and updates a row; the product's targets are 55 %
and 59 % of those. On a machine slower or busier than the one they were named on, these figures
say how far the product is from its share. Writes bench/results/reference.json.
"""

import argparse
import tempfile
from base64 import urlsafe_b64encode
from pathlib import Path

import harness
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

# The bare views' tables.
SCHEMA = """
DROP TABLE IF EXISTS reference_seat, reference_registration, reference_ticket;
CREATE TABLE reference_seat (id int PRIMARY KEY, capacity int NOT NULL, taken int NOT NULL);
CREATE TABLE reference_registration (
    id bigserial PRIMARY KEY, seat_id int NOT NULL REFERENCES reference_seat,
    email text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE reference_ticket (id int PRIMARY KEY, checked_in_at timestamptz);
INSERT INTO reference_seat VALUES (1, 1000000000, 0);
INSERT INTO reference_ticket SELECT n, NULL FROM generate_series(0, %d) AS n;
"""


TICKETS = 50_000
NAMED = {"lock and insert": 550, "verify and update": 850}  # per second, in the issues
PRODUCT_TARGET = {"lock and insert": 300, "verify and update": 500}


def b64(raw: bytes) -> str:
    return urlsafe_b64encode(raw).rstrip(b"=").decode()


def signed_tickets(key: Ed25519PrivateKey, count: int) -> list[str]:
    return [f"{n}.{b64(key.sign(str(n).encode()))}" for n in range(count)]


def run(seconds: int, workers: int = 3) -> list[dict]:
    database = harness.fresh_database("reference")
    harness.psql(SCHEMA % TICKETS, database=database)
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    tokens = Path(tempfile.mkdtemp(prefix="reference-")) / "tokens.txt"
    tokens.write_text("\n".join(signed_tickets(key, TICKETS)))
    rounds = [
        ("lock and insert", "/register/", "registration_rush.lua", 32, {"TICKET_TYPE": "1"}),
        (
            "verify and update",
            "/checkin/",
            "checkin.lua",
            8,
            {"TOKENS_FILE": str(tokens), "EVENT": "reference", "API_TOKEN": "-"},
        ),
    ]
    rows = []
    with harness.Server(
        database,
        workers,
        app="bench.reference_app",
        ready="/",
        REFERENCE_PUBLIC_KEY=b64(public),
    ) as server:
        for name, path, script, concurrency, script_env in rounds:
            figures = harness.load(
                server,
                path,
                script=script,
                concurrency=concurrency,
                seconds=seconds,
                WRK_THREADS=str(min(concurrency, 2)),
                **script_env,
            )
            rows.append(
                {
                    "view": name,
                    "concurrency": concurrency,
                    **figures.as_dict(),
                    "named_in_issue_per_s": NAMED[name],
                    "product_target_per_s": PRODUCT_TARGET[name],
                    "target_share": round(PRODUCT_TARGET[name] / NAMED[name], 2),
                }
            )
    return rows


def print_rows(rows: list[dict]) -> None:
    harness.print_table(
        [
            harness.Column("bare view", 18, "view", left=True),
            harness.Column("C", 3, "concurrency"),
            harness.Column("req/s", 7, "requests_per_s"),
            harness.Column("p95 ms", 7, "p95_ms"),
            harness.Column("CPU ms/req", 10, "worker_cpu_ms_per_request"),
            harness.Column("issue named", 11, "named_in_issue_per_s"),
            harness.Column("errors", 6, "errors"),
        ],
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    options = parser.parse_args()
    rows = run(options.seconds)
    print_rows(rows)
    harness.write_results("reference", {"views": rows, "machine": harness.machine()})


if __name__ == "__main__":
    main()
