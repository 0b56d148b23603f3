"""gunicorn for one sportevents app server: `gunicorn -c deploy/gunicorn.conf.py sportevents.wsgi`.

Every value comes from the environment (the same file the app reads, see .env.example), so the
Procfile, the systemd units and the container run the same command:

    HOST, PORT            where to listen (0.0.0.0:8000); the systemd unit sets PORT per instance
    WEB_CONCURRENCY       worker processes (2 per CPU this process may use, plus 1)
    GUNICORN_TIMEOUT      seconds a request may take before its worker is replaced (30)
    GUNICORN_MAX_REQUESTS a worker is replaced after about this many requests (1000; 0: never)
    FORWARDED_ALLOW_IPS   addresses of the load balancers whose X-Forwarded-* headers count
                          (127.0.0.1,::1; '*' only where nothing else can reach the port)
    LOG_LEVEL             as for the app

Run from the project's folder (gunicorn imports sportevents.wsgi from the working directory).
"""

import os

from sportevents.env import env_int, env_str
from sportevents.logs import configured_format

bind = [f"{env_str('HOST', '0.0.0.0')}:{env_int('PORT', 8000, minimum=1)}"]

# Sync workers: a request is a few milliseconds of Python and a few queries; two per core keep
# the CPU busy while others wait on PostgreSQL. sched_getaffinity counts the CPUs this process
# may use (a container's cpuset), not the whole machine's.
workers = env_int("WEB_CONCURRENCY", 2 * len(os.sched_getaffinity(0)) + 1, minimum=1)
worker_class = "sync"

# The slowest answers (the whole public calendar feed, a PDF report) take about a second; a
# worker silent for this long is stuck and gets replaced.
timeout = env_int("GUNICORN_TIMEOUT", 30, minimum=1)
# On restart or deploy, requests in flight get this long to finish.
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30, minimum=1)
# Behind a load balancer that keeps connections open (HAProxy, nginx with keepalive).
keepalive = 5

# Workers are replaced now and then, each at a different moment (the jitter), so slow memory
# growth never builds up and they never all restart at once.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 1000, minimum=0)
max_requests_jitter = max(1, max_requests // 10) if max_requests else 0

# The app is imported once, before the workers are forked: they share its memory, a broken
# release fails at start rather than in every worker, and no connection is opened before the
# fork (Django, redis-py and psycopg connect on first use). A code change needs a restart
# (systemctl restart, or USR2 for a new master), not HUP.
preload_app = True


def when_ready(server):
    """After the app is loaded, before the workers are forked: load the URLconf and with it
    every view module, so that no worker's first request waits for those imports."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the import is the point)


# The load balancer terminates TLS and says so in X-Forwarded-Proto; the app trusts that header
# (SECURE_PROXY_SSL_HEADER) only because only the load balancer can reach this port.
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No control socket: several instances on one machine (sportevents-web@8001, @8002) would all
# claim the same default path, and nothing here uses it.
control_socket_disable = True

# The heartbeat files of the workers in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Logs: gunicorn's own (start, stop, worker timeouts) as JSON lines on stdout like the app's.
# The access log is the app's (sportevents.request_log): one JSON record per request with the
# request id and user id, which gunicorn cannot know; so gunicorn's own access log stays off.
accesslog = None
loglevel = env_str("LOG_LEVEL", "INFO").lower()
_json_stdout = {
    "class": "logging.StreamHandler",
    "formatter": "json",
    "stream": "ext://sys.stdout",
}
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "sportevents.logs.JsonFormatter"}},
    "handlers": {"console": _json_stdout, "error_console": _json_stdout},
    "root": {"level": loglevel.upper(), "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": [], "propagate": True},
        # Off (see above): a logging configuration would switch gunicorn's access log on.
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
}
if configured_format() == "text":
    logconfig_dict = {}  # gunicorn's own plain format, as the app's with DEBUG
