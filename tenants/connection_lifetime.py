"""Retire a database connection after the request in which it has served
DATABASE_SCHEMAS_PER_CONNECTION organisation schemas.

Why: the backend behind a connection caches the catalogue of every schema the connection has
touched, for as long as it lives; spread over thousands of organisations, one backend would
grow to tens of MiB. Closing it at the end of a request (never during one) and letting the next
request open a fresh one bounds each backend to about that many schemas' catalogue cache. The
cost is one connection set-up per that many requests when traffic is spread widely; traffic to
a few organisations never reaches the limit. `CONN_MAX_AGE` still applies on top.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)


def retire_connections_past_schema_limit(**_signal) -> None:
    """request_finished receiver: close each connection of this thread that has served at
    least the configured number of organisation schemas (0 switches the limit off)."""
    limit = settings.DATABASE_SCHEMAS_PER_CONNECTION
    if not limit:
        return
    for connection in connections.all(initialized_only=True):
        served = getattr(connection, "schemas_served", ())
        # Inside a transaction the connection still has work to finish; the next request's
        # end will retire it.
        if len(served) >= limit and not connection.in_atomic_block:
            logger.debug(
                "retiring database connection %s after %d organisation schemas",
                connection.alias,
                len(served),
            )
            connection.close()
