"""Readiness checks behind `/healthz` and `/readyz`: can this process reach its database and its
broker?

The endpoint is unauthenticated and served on every host, so its answer says only which
dependency failed and the kind of failure. The exception itself, which may name hosts, users
or (for a broker URL with a password) secrets, goes to the log, never into the response.
"""

from __future__ import annotations

import functools
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


REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
# The name the health check's connections carry on the broker (`CLIENT LIST`), so an operator
# can tell them from the workers'.
HEALTH_CLIENT_NAME = "goldenthread-health"


@functools.cache
def _redis_client(url: str):
    """One client per process and broker URL: its pool keeps the connection open between
    probes (a load balancer polls every few seconds; a new connection each time costs a TCP
    handshake and, with TLS, much more). redis-py pools are thread-safe and start afresh in a
    forked child."""
    import redis

    return redis.Redis.from_url(
        url,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
        max_connections=4,
        client_name=HEALTH_CLIENT_NAME,
    )


def _broker() -> None:
    url = settings.CELERY_BROKER_URL
    if url.startswith(REDIS_SCHEMES):
        # A PING on a pooled connection: a dead connection is dropped by the pool and the
        # next probe reconnects, so a broker restart shows once, then recovers.
        _redis_client(url).ping()
        return
    from kombu import Connection

    with Connection(url, connect_timeout=TIMEOUT_SECONDS) as conn:
        # One attempt, no back-off: a load balancer polls this and wants a quick answer.
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=TIMEOUT_SECONDS)


def check_health() -> dict:
    """`{"status": "ok"|"error", "checks": {"database": {...}, "broker": {...}}}`."""
    checks = {"database": _timed("database", _database), "broker": _timed("broker", _broker)}
    overall = "ok" if all(c["status"] == "ok" for c in checks.values()) else "error"
    return {"status": overall, "checks": checks}
