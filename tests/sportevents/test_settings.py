import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "PATH": os.environ["PATH"],
    "DJANGO_SETTINGS_MODULE": "sportevents.settings",
    "SECRET_KEY": "x" * 20 + "production-like-secret-key-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "events.example.org",
    "DATABASE_URL": "sqlite:////tmp/sportevents-deploy-check.sqlite3",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_check_deploy_is_clean_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    # What gunicorn does: load the WSGI application.
    result = subprocess.run(
        [sys.executable, "-c", "import sportevents.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr


def test_manage_py_on_an_unconfigured_checkout_runs_in_development_mode():
    result = manage("check", env={"PATH": os.environ["PATH"]})
    assert result.returncode == 0, result.stderr


def test_debug_is_off_unless_asked():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        env={**env, "DEBUG": "1"},
    )
    assert result.stdout.strip().endswith("True")
    result = manage(
        "shell", "-c", "from django.conf import settings; print(settings.DEBUG)", env=PRODUCTION
    )
    assert result.stdout.strip().endswith("False")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be one of"),
        ("SECURE_HSTS_SECONDS", "a year", "SECURE_HSTS_SECONDS must be a whole number"),
        ("SECURE_HSTS_SECONDS", "-5", "must be at least 0"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(name, value, message):
    result = manage("check", env={**PRODUCTION, name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_embedded_defaults_use_sqlite_eager_celery_and_console_email():
    env = {"PATH": os.environ["PATH"], "DEBUG": "1"}
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND,"
        " s.USE_TZ, s.TIME_ZONE)"
    )
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-5:] == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
        "True",
        "UTC",
    ]
