"""Logs as JSON lines, one object per record, for the log collectors of a site with several app
servers and workers: each line says when, how bad, which logger, what happened, and which
request it belongs to, so one registration can be followed from the load balancer through the
app server to the worker that mailed its tickets.

A small formatter of our own rather than a library (python-json-logger): it is forty lines, it
adds no dependency to every process, and it writes only the fields listed here. A library that
dumps every `extra` would also dump what other code attaches to its records (Django puts the
whole request on its error records), and with it a person's data.
"""

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

from django.core.exceptions import ImproperlyConfigured

from sportevents.env import env_bool, env_str

FORMATS = ("json", "text")


def configured_format() -> str:
    """LOG_FORMAT: json (one object per line) in production, plain text with DEBUG. Read by the
    settings and by deploy/gunicorn.conf.py, which logs before the app is loaded."""
    value = env_str("LOG_FORMAT", "text" if env_bool("DEBUG", False) else "json").strip().lower()
    if value not in FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be json or text; got {value!r}.")
    return value


# The request (or, in a worker, the request that queued the task) the current code serves.
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


def bind_request_id(request_id: str | None):
    """Mark what this thread logs from now on with `request_id`; returns the token that
    `unbind_request_id` takes to restore what was there before."""
    return _request_id.set(request_id)


def unbind_request_id(token) -> None:
    _request_id.reset(token)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, pid, request_id when there
    is one, and the access fields when the record has them. Nothing else from `extra`."""

    # Set by the access log (sportevents.request_log) through `extra`.
    ACCESS_FIELDS = ("method", "path", "status", "duration_ms", "user_id")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            entry["request_id"] = request_id
        for field in self.ACCESS_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        # Django's own request records (4xx warnings, 5xx errors) carry the status this way.
        if "status" not in entry and isinstance(getattr(record, "status_code", None), int):
            entry["status"] = record.status_code
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
