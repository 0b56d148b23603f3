"""Health checks for load balancers and process managers.

`/healthz`: the process is up and answers (liveness). Touches nothing else.
`/readyz`: the process can serve, its database and Redis answer (readiness). 200 with
`{"database": "ok", "redis": "ok"}`, or 503 naming the part that failed; never a 500.

Answered by a middleware near the top, before Django looks at the Host header, redirects plain
HTTP to HTTPS, reads a session or a language, or checks CSRF: a load balancer probes each app
server by its own address (not a name in ALLOWED_HOSTS), over plain HTTP, without cookies, every
few seconds. Nothing here is secret: the answers say only whether the parts are reachable.
"""

import logging
from functools import cache

import redis
from django.conf import settings
from django.db import connections
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse

logger = logging.getLogger(__name__)

# A probe answers within a load balancer's usual timeout (2 to 5 s) even when a part hangs.
REDIS_TIMEOUT_SECONDS = 1
OK = "ok"
UNAVAILABLE = "unavailable"
NOT_CONFIGURED = "not configured"


def database_status() -> str:
    """One cheap query on the default database. A connection that cannot be opened in time
    (DATABASE_CONNECT_TIMEOUT) or that the server dropped is reported, not raised: Django closes
    the broken connection when the request ends and the next probe opens a new one."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver's error: the answer is 503, never 500
        logger.warning(
            "Readiness: the database is unreachable (%s: %s)", type(error).__name__, error
        )
        return UNAVAILABLE
    return OK


@cache
def _redis_client(url: str) -> redis.Redis:
    # One client (and connection pool) per process and address, made on first use: after
    # gunicorn forks, so no connection is shared between workers.
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
    )


def redis_status() -> str:
    """PING the Redis at REDIS_URL (cache, rate limits and the task queue), if one is set."""
    if not settings.REDIS_URL:
        return NOT_CONFIGURED
    try:
        _redis_client(settings.REDIS_URL).ping()
    except Exception as error:  # connection refused, timeout, authentication, bad address...
        logger.warning("Readiness: Redis is unreachable (%s: %s)", type(error).__name__, error)
        return UNAVAILABLE
    return OK


def healthz(request) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


def readyz(request) -> JsonResponse:
    parts = {"database": database_status(), "redis": redis_status()}
    ready = UNAVAILABLE not in parts.values()
    return JsonResponse(parts, status=200 if ready else 503)


PROBES = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    """Answers the probe paths itself; every other request goes on down the stack."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = HttpResponseNotAllowed(["GET", "HEAD"])
        else:
            response = probe(request)
        response["Cache-Control"] = "no-store"
        return response
