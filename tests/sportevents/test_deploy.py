"""The files in deploy/ that this machine can check without running containers: gunicorn's
configuration as gunicorn reads it, and the promises the process files make (migrations once,
beat once, the load balancer probing /readyz). deploy/test-cluster.sh runs the real processes."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.sportevents.test_settings import PRODUCTION, manage

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
GUNICORN = Path(sys.executable).parent / "gunicorn"


def gunicorn_config(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "--print-config", "sportevents.wsgi"],
        cwd=ROOT,
        env={**PRODUCTION, **env},
        capture_output=True,
        text=True,
    )


def settings_of(result: subprocess.CompletedProcess) -> dict[str, str]:
    assert result.returncode == 0, result.stderr
    return {
        name.strip(): value.strip()
        for name, _, value in (line.partition("=") for line in result.stdout.splitlines())
    }


def test_gunicorn_takes_its_settings_from_the_environment():
    config = settings_of(
        gunicorn_config(PORT="8123", HOST="127.0.0.1", WEB_CONCURRENCY="3", GUNICORN_TIMEOUT="20")
    )
    assert config["bind"] == "['127.0.0.1:8123']"
    assert config["workers"] == "3"
    assert config["timeout"] == "20"
    assert config["preload_app"] == "True"
    assert config["max_requests"] == "1000"
    assert config["max_requests_jitter"] == "100"
    assert config["forwarded_allow_ips"] == "['127.0.0.1', '::1']"
    # The app writes the access log (with request and user ids); gunicorn's own stays off.
    assert config["accesslog"] == "None"
    assert config["control_socket_disable"] == "True"


def test_gunicorn_workers_default_to_two_per_usable_cpu_plus_one():
    config = settings_of(gunicorn_config())
    assert config["workers"] == str(2 * len(os.sched_getaffinity(0)) + 1)


def test_gunicorn_refuses_a_bad_value_with_its_name():
    result = gunicorn_config(GUNICORN_TIMEOUT="soon")
    assert result.returncode != 0
    assert "GUNICORN_TIMEOUT must be a whole number" in result.stderr


def test_production_serves_hashed_compressed_static_files_through_whitenoise():
    code = (
        "from django.conf import settings as s;"
        "print(s.STORAGES['staticfiles']['BACKEND'], s.MIDDLEWARE.index("
        "'whitenoise.middleware.WhiteNoiseMiddleware') - s.MIDDLEWARE.index("
        "'django.middleware.security.SecurityMiddleware'))"
    )
    result = manage("shell", "-c", code, env=PRODUCTION)
    assert result.stdout.split()[-2:] == [
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "1",  # right after SecurityMiddleware, as whitenoise asks
    ], result.stderr


def test_migrations_run_once_per_release_and_beat_runs_once():
    procfile = dict(
        line.split(":", 1)
        for line in (DEPLOY / "Procfile").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert procfile["release"].strip() == "python manage.py migrate --noinput"
    assert "migrate" not in procfile["web"] + procfile["worker"]
    assert " beat " in procfile["beat"]

    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    assert compose["beat"]["deploy"]["replicas"] == 1
    assert compose["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert compose[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    # Only the one-shot unit migrates; the beat unit is not a template (one per machine at most).
    units = {path.name: path.read_text() for path in (DEPLOY / "systemd").iterdir()}
    assert [name for name, text in units.items() if "migrate" in text.split("ExecStart=")[-1]] == [
        "sportevents-migrate.service"
    ]
    assert "sportevents-beat.service" in units


def test_the_load_balancer_routes_on_readyz_and_docker_restarts_on_healthz():
    haproxy = (DEPLOY / "haproxy" / "haproxy.cfg").read_text()
    assert "http-check send meth GET uri /readyz" in haproxy
    assert "http-check expect status 200" in haproxy
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    assert "/healthz" in " ".join(compose["web"]["healthcheck"]["test"])
