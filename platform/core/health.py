"""Readiness checks behind `/healthz`: can this process reach its database and its broker?

The endpoint is unauthenticated and served on every host, so its answer says only which
dependency failed and the kind of failure. The exception itself, which may name hosts, users
or (for a broker URL with a password) secrets, goes to the log, never into the response.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 2


def _timed(name: str, check: Callable[[], None]) -> dict:
    started = time.perf_counter()
    try:
        check()
    except Exception as exc:  # noqa: BLE001 - a health check reports every failure
        logger.warning("Health check %s failed: %s", name, exc, exc_info=True)
        return {"status": "error", "error": f"{name} unreachable ({type(exc).__name__})"}
    return {"status": "ok", "milliseconds": round((time.perf_counter() - started) * 1000, 1)}


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker() -> None:
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=TIMEOUT_SECONDS) as conn:
        # One attempt, no back-off: a load balancer polls this and wants a quick answer.
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=TIMEOUT_SECONDS)


def check_health() -> dict:
    """`{"status": "ok"|"error", "checks": {"database": {...}, "broker": {...}}}`."""
    checks = {"database": _timed("database", _database), "broker": _timed("broker", _broker)}
    overall = "ok" if all(c["status"] == "ok" for c in checks.values()) else "error"
    return {"status": overall, "checks": checks}
