"""Retire a database connection after the request, or the Celery task, in which it has served
DATABASE_SCHEMAS_PER_CONNECTION organisation schemas.

Why: the backend behind a connection caches the catalogue of every schema the connection has
touched, for as long as it lives; spread over thousands of organisations, one backend would
grow to tens of MiB. Closing it at the end of a request or task (never during one) and letting
the next one open a fresh connection bounds each backend to about that many schemas' catalogue
cache. The cost is one connection set-up per that many requests when traffic is spread widely;
traffic to a few organisations never reaches the limit. `CONN_MAX_AGE` still applies on top.

Web threads and worker processes take the same decision, here, from the same count (the
backend `goldenthread.tenants.database`): `retire_after_request` is connected to Django's
`request_finished` (`tenants/apps.py`), `retire_after_task` to Celery's `task_postrun`
(`platform/celery_app.py`). A worker task that loops over organisations (the fan-out's tasks,
publication to many organisations, sweepers) would otherwise keep every schema it touched in
its backend's cache until `CONN_MAX_AGE` ended the connection.

Behind pgbouncer this closes only the client side: the server connection goes back to the
pool with its cache, and pgbouncer's `server_lifetime` is what ends it (infra/README.md).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)


def retire_connections_past_schema_limit() -> None:
    """Close each connection of this thread that has served at least the configured number of
    organisation schemas (0 switches the limit off). Call it only between units of work (after
    a request, after a task): a closed connection's next query opens a new backend."""
    limit = settings.DATABASE_SCHEMAS_PER_CONNECTION
    if not limit:
        return
    for connection in connections.all(initialized_only=True):
        served = getattr(connection, "schemas_served", ())
        # Inside a transaction the connection still has work to finish; the end of the next
        # request or task will retire it.
        if len(served) >= limit and not connection.in_atomic_block:
            logger.debug(
                "retiring database connection %s after %d organisation schemas",
                connection.alias,
                len(served),
            )
            connection.close()


def retire_after_request(**_signal) -> None:
    """request_finished receiver: the response has been sent, the thread's connections are
    free until its next request."""
    retire_connections_past_schema_limit()


def retire_after_task(task=None, **_signal) -> None:
    """task_postrun receiver: the task has finished on this worker. A task run eagerly
    (`apply()`, or `task_always_eager`) has run in its caller's thread, perhaps in the middle
    of a request, on the caller's connection: that one is left to the caller's own end."""
    if task is not None and task.request.is_eager:
        return
    retire_connections_past_schema_limit()
