"""What the benchmarks share: their databases, the environment of a production-like server,
gunicorn, wrk and the figures read from both.

Each benchmark has its own database, named BENCH_DB_PREFIX + a suffix (sportevents_bench_...).
A new one is a copy of a template database that holds the migrated schema only, so making one
takes a second, not a full `migrate`. Set BENCH_PORT and BENCH_DB_PREFIX to run two benchmark
runs on one machine side by side; REDIS_URL names the Redis database the server may flush.
"""

import json
import os
import re
import resource
import subprocess
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
RESULTS = ROOT / "bench" / "results"
PORT = int(os.environ.get("BENCH_PORT", "8111"))
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "sportevents_bench")
TEMPLATE = f"{DB_PREFIX}_template"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3")
UNLIMITED = "1000000/min"


def env(database: str, **extra: str) -> dict[str, str]:
    """Production settings (DEBUG off, Redis, rate limits so high they never refuse) on
    `database`; only HTTPS is relaxed, as the server is reached over plain HTTP here."""
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_MANIFEST": "0",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        # Logs on stderr: figures are read from stdout.
        "LOG_FORMAT": "text",
        "DJANGO_SETTINGS_MODULE": "sportevents.settings",
        # Static files are served from the source folders (no collectstatic for benchmarks).
        "PYTHONWARNINGS": "ignore:No directory at",
        **{
            f"API_THROTTLE_{scope}": UNLIMITED
            for scope in ("ANON", "USER", "REGISTRATION", "CHECKIN", "LOGIN")
        },
        # Emails are queued in Redis for the workers; none runs during a benchmark.
        "CELERY_TASK_ALWAYS_EAGER": "0",
        **extra,
    }


def psql(sql: str, *, database: str = "postgres") -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-qtAc", sql],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def database_exists(name: str) -> bool:
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def manage(database: str, *args: str, capture: bool = False, **extra: str) -> str:
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args],
        cwd=ROOT,
        env=env(database, **extra),
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else ""


def shell(database: str, code: str) -> str:
    """Run Python in the app against `database`; its last printed line."""
    return manage(database, "shell", "-c", code, capture=True).strip().splitlines()[-1]


def fresh_database(suffix: str) -> str:
    """A new, migrated, empty database (dropped first if it exists)."""
    if not database_exists(TEMPLATE):
        psql(f"CREATE DATABASE {TEMPLATE}")
    manage(TEMPLATE, "migrate", "--noinput", "-v0")  # quick when nothing changed
    name = f"{DB_PREFIX}_{suffix}"
    psql(f"DROP DATABASE IF EXISTS {name}")
    psql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    return name


def seed_scale(database: str, *args: str) -> str:
    """`manage.py seed_scale` on `database`: its one line of figures."""
    return manage(database, "seed_scale", *args, capture=True).strip()


def flush_cache() -> None:
    """Cached pages belong to one database: a server on another starts with an empty cache."""
    subprocess.run(["redis-cli", "-u", REDIS_URL, "FLUSHDB"], check=True, capture_output=True)


class Server:
    """gunicorn with sync workers on `database`, as in production (README: Running)."""

    def __init__(
        self,
        database: str,
        workers: int = 3,
        *,
        app: str = "sportevents.wsgi",
        ready: str = "/api/v1/actions/",
        **extra_env: str,
    ):
        self.database, self.workers = database, workers
        self.app, self.ready, self.extra_env = app, ready, extra_env
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        flush_cache()
        self.process = subprocess.Popen(
            [
                str(GUNICORN),
                self.app,
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{PORT}",
                "--log-level",
                "warning",
                # No access log, as in production (deploy/gunicorn.conf.py): the app writes its
                # own, and gunicorn formats every request's record even for /dev/null.
            ],
            cwd=ROOT,
            env=env(self.database, **self.extra_env),
        )
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{self.url}{self.ready}", timeout=1)
                return self
            except OSError:
                time.sleep(0.1)
        self.process.kill()
        raise SystemExit("gunicorn did not start")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{PORT}"

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def cpu_seconds(self) -> float:
        """CPU time the workers used so far (user + system): per request, a steadier measure
        than requests per second on a machine that others use too."""
        return sum(
            _process_cpu_seconds(Path(f"/proc/{pid}/stat").read_text())
            for pid in self.worker_pids()
        )

    def peak_memory_mb(self) -> list[float]:
        """Each worker's peak resident memory (VmHWM)."""
        peaks = []
        for pid in self.worker_pids():
            status = Path(f"/proc/{pid}/status").read_text()
            peaks.append(int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.M).group(1)) / 1024)
        return peaks


@dataclass
class Load:
    """What wrk saw, with the CPU the client and the server workers spent on it."""

    requests: int
    errors: int
    duration_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    client_cpu_share: float
    worker_cpu_ms: float  # per request
    extra: dict
    database_cpu_ms: float = 0.0  # per request: PostgreSQL's processes
    redis_cpu_ms: float = 0.0  # per request
    machine_busy_share: float = 0.0  # of all cores, whoever used them

    @property
    def per_second(self) -> float:
        return round(self.requests / self.duration_s, 1)

    def as_dict(self) -> dict:
        return {
            "requests": self.requests,
            "requests_per_s": self.per_second,
            "errors": self.errors,
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "p99_ms": self.p99_ms,
            "client_cpu_share": self.client_cpu_share,
            "worker_cpu_ms_per_request": self.worker_cpu_ms,
            "database_cpu_ms_per_request": self.database_cpu_ms,
            "redis_cpu_ms_per_request": self.redis_cpu_ms,
            "machine_busy_share": self.machine_busy_share,
            **self.extra,
        }


def run_wrk(
    url: str,
    *,
    script: str,
    concurrency: int,
    seconds: int,
    threads: int = 2,
    **script_env: str,
) -> tuple[dict, float]:
    """wrk with a Lua script of bench/ whose done() prints one `JSON {...}` line: those figures
    and the CPU seconds wrk used. Variables for the script go through the environment."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    output = subprocess.run(
        [
            "wrk",
            "-t",
            str(min(concurrency, threads)),
            "-c",
            str(concurrency),
            "-d",
            f"{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / script),
            url,
        ],
        cwd=ROOT,
        env={**os.environ, **script_env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    figures = json.loads(re.search(r"^JSON (.*)$", output, re.M).group(1))
    return figures, cpu


def client_share(client_cpu: float, duration_s: float) -> float:
    """The load generator's part of the machine's CPU: what the server could not use."""
    return round(client_cpu / (duration_s * os.cpu_count()), 3)


def load(
    server: Server,
    path: str,
    *,
    script: str,
    concurrency: int,
    seconds: int,
    **script_env: str,
) -> Load:
    """Run wrk against the server; figures with the CPU per request of the workers, of
    PostgreSQL and of Redis, and how busy the machine's cores were."""
    cpu_before = server.cpu_seconds()
    services_before, busy_before = services_cpu_seconds(), machine_ticks()
    figures, client_cpu = run_wrk(
        server.url + path,
        script=script,
        concurrency=concurrency,
        seconds=seconds,
        **script_env,
    )
    worker_cpu = server.cpu_seconds() - cpu_before
    services = {
        name: seconds - services_before.get(name, 0.0)
        for name, seconds in services_cpu_seconds().items()
    }
    busy_after = machine_ticks()
    errors = sum(
        figures.pop(name) for name in ("non_2xx", "errors_connect", "errors_read", "errors_timeout")
    )
    requests, duration = figures.pop("requests"), figures.pop("duration_s")
    return Load(
        requests=requests,
        errors=errors,
        duration_s=duration,
        p50_ms=figures.pop("p50_ms"),
        p95_ms=figures.pop("p95_ms"),
        p99_ms=figures.pop("p99_ms"),
        client_cpu_share=client_share(client_cpu, duration),
        worker_cpu_ms=round(1000 * worker_cpu / max(1, requests), 2),
        extra=figures,
        database_cpu_ms=round(1000 * services.get("postgres", 0.0) / max(1, requests), 2),
        redis_cpu_ms=round(1000 * services.get("redis-server", 0.0) / max(1, requests), 2),
        machine_busy_share=round(
            (busy_after[0] - busy_before[0]) / max(1, busy_after[1] - busy_before[1]), 3
        ),
    )


def _process_cpu_seconds(stat: str) -> float:
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def services_cpu_seconds() -> dict[str, float]:
    """CPU time used so far by the processes of PostgreSQL (the server and its backends) and of
    Redis, by name. A backend that ended between two readings takes its time with it: the
    servers' connections last through a benchmark, so the difference of two readings is what
    the database did for it."""
    totals: dict[str, float] = {}
    for folder in Path("/proc").iterdir():
        if not folder.name.isdigit():
            continue
        try:
            name = (folder / "comm").read_text().strip()
            if name in ("postgres", "redis-server"):
                cpu = _process_cpu_seconds((folder / "stat").read_text())
                totals[name] = totals.get(name, 0.0) + cpu
        except OSError:  # the process ended meanwhile
            continue
    return totals


def machine_ticks() -> tuple[int, int]:
    """All cores' busy and total clock ticks so far (/proc/stat): busy is everything but idle
    and waiting for I/O. Time stolen by the host counts as busy: the cores were not ours."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values[:8]) - idle, sum(values[:8])


@dataclass(frozen=True)
class Column:
    """A column of a printed table: its header, its width, and the row's value (a key of the
    row's dict or a function of the row) with a format spec."""

    header: str
    width: int
    value: str | Callable[[dict], object]
    spec: str = ""
    left: bool = False

    def cell(self, text: str) -> str:
        return text.ljust(self.width) if self.left else text.rjust(self.width)

    def of(self, row: dict) -> str:
        value = self.value(row) if callable(self.value) else row[self.value]
        return self.cell(format(value, self.spec))


def print_table(columns: list[Column], rows: list[dict]) -> None:
    """The benchmarks' tables: a header line, then a line per row."""
    print(" ".join(column.cell(column.header) for column in columns).rstrip())
    for row in rows:
        print(" ".join(column.of(row) for column in columns).rstrip())


def latencies(*names: str) -> list[Column]:
    return [Column(f"{name} ms", 7, f"{name}_ms") for name in names]


# Where a request's CPU went: the app's workers, PostgreSQL (Redis is small and stays in the
# JSON), and how busy the machine was: near 100 %, the cores are the limit.
CPU_FIGURES = (
    "worker_cpu_ms_per_request",
    "database_cpu_ms_per_request",
    "redis_cpu_ms_per_request",
    "machine_busy_share",
)
CPU_COLUMNS = [
    Column("app ms", 6, "worker_cpu_ms_per_request"),
    Column("db ms", 5, "database_cpu_ms_per_request"),
    Column("busy", 4, "machine_busy_share", ".0%"),
]
CLIENT_COLUMN = Column("client CPU", 10, "client_cpu_share", ".1%")


def write_results(name: str, data) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def python_loop_us() -> float:
    """This interpreter's speed on plain Python: the best of seven runs of a 10,000-step loop,
    in µs. The product's figures follow it (a build without profile-guided optimisation, as
    pyenv makes by default, is up to twice as slow as Debian's or the python:3.11 image's);
    the bare views (bench/reference.py) much less."""
    statement = "s = 0\nfor k in range(10000): s += k"
    loop = subprocess.run(
        [str(PYTHON), "-m", "timeit", "-n", "300", "-r", "7", statement],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    number, unit = re.search(r"best of \d+: ([\d.]+) (\w+)", loop).groups()
    return round(float(number) * {"nsec": 0.001, "usec": 1, "msec": 1000}[unit], 1)


def machine() -> dict:
    """What the figures were measured on."""
    cpu = re.search(r"^model name\s*:\s*(.*)$", Path("/proc/cpuinfo").read_text(), re.M)
    memory = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    return {
        "cores": os.cpu_count(),
        "cpu": cpu.group(1).strip() if cpu else "unknown",
        "memory_gib": round(int(memory.group(1)) / 2**20),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "postgresql": psql("SHOW server_version"),
        "python": subprocess.run(
            [str(PYTHON), "-c", "import sys; print(sys.version.split()[0], sys._base_executable)"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip(),
        "python_loop_us": python_loop_us(),
    }
