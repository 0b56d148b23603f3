"""Environment for the test run, loaded as a pytest plugin before Django reads its settings.

Tests run with DEBUG off, as production does; only what a test client cannot do (HTTPS) is relaxed.
Values already in the environment (DATABASE_URL, REDIS_URL from .ci/run) are kept.
"""

import os
import re

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("API_THROTTLE_ANON", "100000/min")
os.environ.setdefault("API_THROTTLE_USER", "100000/min")
os.environ.setdefault("API_THROTTLE_REGISTRATION", "100000/min")
os.environ.setdefault("API_THROTTLE_CHECKIN", "100000/min")
os.environ.setdefault("API_THROTTLE_LOGIN", "100000/min")
os.environ.setdefault("API_THROTTLE_PASSWORD_RESET", "100000/min")
os.environ.setdefault("API_THROTTLE_DATA_REQUEST", "100000/min")
# Tasks run in process; the one test that proves the Redis path starts a real worker itself.
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
# Playwright's sync API runs an event loop in the test thread; the ORM calls there are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Payments on, with Stripe's API at a closed local port: a test that forgets the fake Stripe
# server (tests/payments/fake_stripe.py) fails instead of reaching the internet.
os.environ.setdefault("STRIPE_SECRET_KEY", "sk_test_sportevents")
os.environ.setdefault("STRIPE_PUBLISHABLE_KEY", "pk_test_sportevents")
os.environ.setdefault("STRIPE_WEBHOOK_SECRET", "whsec_test_sportevents")
os.environ.setdefault("STRIPE_API_BASE", "http://127.0.0.1:9")

# Parallel runs (pytest-xdist): each worker process has its own test database (pytest-django adds
# the worker's name) and its own Redis database, since tests empty the cache they use.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and os.environ.get("REDIS_URL"):
    _url = os.environ["REDIS_URL"]
    _match = re.search(r"/(\d+)$", _url)
    _base = int(_match.group(1)) if _match else 0
    _db = (_base + int(_worker[2:])) % 16
    os.environ["REDIS_URL"] = (_url[: _match.start()] if _match else _url.rstrip("/")) + f"/{_db}"
