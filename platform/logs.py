"""Structured logs: one JSON object per line, carrying the trace, the organisation and the
request id, so that a log line leads to its trace and a trace to its log lines.

`LOG_FORMAT=json` (the default in production) selects `JsonFormatter`; `text` (development,
tests) keeps a readable line. The request id is the caller's `X-Request-ID` when it is a
sensible token (a proxy or load balancer that set one keeps its correlation), otherwise a new
one; it is echoed on the response.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

from django.core.exceptions import ImproperlyConfigured
from opentelemetry import trace

FORMATS = ("json", "text")
REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits and a few separators, at most 128: anything else (a header meant to break a
# log parser or to flood it) is replaced by a fresh id rather than copied into every line.
_ACCEPTABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "goldenthread_request_id", default=None
)


def request_id_from(header: str | None) -> str:
    if header and _ACCEPTABLE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    """A log record as one JSON line: time (UTC, ISO 8601), level, logger, message,
    trace_id/span_id (hex, null outside a trace), organisation (schema name), request_id,
    exception (the formatted traceback) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        from goldenthread.platform import telemetry

        context = trace.get_current_span().get_span_context()
        organisation = getattr(record, "organisation", None) or telemetry.current_organisation.get()
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "trace_id": f"{context.trace_id:032x}" if context.is_valid else None,
            "span_id": f"{context.span_id:016x}" if context.is_valid else None,
            "organisation": organisation,
            "request_id": getattr(record, "request_id", None) or current_request_id.get(),
        }
        for name in ("method", "route", "status", "duration_ms"):
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, default=str, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def logging_config(log_format: str) -> dict:
    """The LOGGING dict for a format name; refuses a name it does not know."""
    name = (log_format or "").strip().lower()
    if name not in FORMATS:
        raise ImproperlyConfigured(
            f"LOG_FORMAT={log_format!r} is not supported: use one of {', '.join(FORMATS)}."
        )
    formatter = (
        {"()": "goldenthread.platform.logs.JsonFormatter"}
        if name == "json"
        else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "default"}},
        "root": {"handlers": ["console"], "level": "INFO"},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }


def _leave_logging_alone(**_kwargs) -> None:
    """Celery configures logging only when nobody answers `setup_logging`: answering it
    keeps Django's LOGGING (so a worker writes the same JSON lines, with the task's trace and
    organisation) instead of Celery's own format on the root logger."""


def keep_django_logging_in_celery() -> None:
    from celery.signals import setup_logging

    setup_logging.connect(_leave_logging_alone, weak=False, dispatch_uid="goldenthread_logging")
