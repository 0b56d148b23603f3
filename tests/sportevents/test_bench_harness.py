"""The benchmarks' pieces work (not the benchmarks: no timing is checked here): wrk runs each
Lua script of bench/ for a second against a small local server, and the harness reads what it
reports."""

import json
import shutil
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import harness  # noqa: E402

pytestmark = pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed")


class Door(BaseHTTPRequestHandler):
    """Answers every scan: odd ones valid, even ones already."""

    seen: list = []

    def do_GET(self):
        self.answer(b"<p>ok</p>")

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Door.seen.append((body["token"], self.headers["Authorization"]))
        result = "valid" if len(Door.seen) % 2 else "already"
        self.answer(json.dumps({"result": result}, separators=(",", ":")).encode())

    def answer(self, body: bytes):
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Quiet(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # wrk hangs up mid-answer when its time is over


@pytest.fixture
def server():
    httpd = Quiet(("127.0.0.1", 0), Door)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def test_pages_script_reports_requests_and_latencies(server):
    figures, client_cpu = harness.run_wrk(
        server + "/", script="pages.lua", concurrency=2, seconds=1, PATHS="/ /events/"
    )
    assert figures["requests"] > 0
    assert figures["non_2xx"] == 0
    assert 0 < figures["p50_ms"] <= figures["p99_ms"]
    assert client_cpu > 0


def test_checkin_script_sends_the_tickets_and_counts_the_answers(server, tmp_path):
    tokens = tmp_path / "tokens.txt"
    tokens.write_text("\n".join(f"ticket-{n}" for n in range(100_000)))
    Door.seen.clear()
    figures, _cpu = harness.run_wrk(
        server + "/api/v1/checkins/",
        script="checkin.lua",
        concurrency=2,
        seconds=1,
        TOKENS_FILE=str(tokens),
        REPEAT="2",
        WRK_THREADS="2",
        EVENT="door",
        API_TOKEN="secret",
    )
    assert figures["valid"] + figures["already"] == figures["requests"] > 0
    assert figures["invalid"] == 0
    assert {auth for _token, auth in Door.seen} == {"Token secret"}
    sent = [token for token, _auth in Door.seen]
    assert all(sent.count(token) <= 2 for token in set(sent))  # each ticket twice at most


def test_the_client_share_is_a_part_of_the_machine():
    assert harness.client_share(1.0, 1.0) == round(1 / harness.os.cpu_count(), 3)


def test_the_machine_and_the_services_cpu_are_read_from_proc():
    """What the door and rush tables add: PostgreSQL's and Redis's CPU time (their processes,
    running on this machine as in CI) and the cores' busy and total ticks, which only grow."""
    import hashlib

    busy, total = harness.machine_ticks()
    services = harness.services_cpu_seconds()
    for _ in range(20_000):  # some CPU, so that the busy ticks move
        hashlib.sha256(b"x" * 1000).digest()
    busy_after, total_after = harness.machine_ticks()
    assert 0 <= busy <= total and busy_after >= busy and total_after > total
    assert set(services) <= {"postgres", "redis-server"}
    assert all(seconds >= 0 for seconds in services.values())


def test_a_table_prints_its_header_and_a_line_per_row(capsys):
    harness.print_table(
        [
            harness.Column("round", 6, "round", left=True),
            *harness.CPU_COLUMNS,
            harness.Column("ok", 3, lambda row: "yes" if row["ok"] else "NO"),
        ],
        [
            {
                "round": "own",
                "worker_cpu_ms_per_request": 3.3,
                "database_cpu_ms_per_request": 0.6,
                "machine_busy_share": 0.95,
                "ok": False,
            }
        ],
    )
    header, line = capsys.readouterr().out.splitlines()
    assert header.split() == ["round", "app", "ms", "db", "ms", "busy", "ok"]
    assert line.split() == ["own", "3.3", "0.6", "95%", "NO"]
    assert len(header) == len(line)
