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
(`platform/celery_app.py`).

A single request, task or command that loops over many organisations (the deletion's notices
to partners, the fleet migration, the usage figures) would still keep every schema it touched
in one backend's cache until it ended: `between_organisations` is called inside such loops,
after each organisation, and retires the connection there once it has reached the limit. It
acts only when no transaction is open on the connection: a loop inside `transaction.atomic()`
must stay on one connection (closing it would abort the transaction), and outside one there
is nothing pending on it — no uncommitted rows and no change generation waiting to be stamped
(`tenants.database.changes` stamps in `_commit`, or straight after an autocommit statement),
so the next query simply opens a new backend.

Behind pgbouncer this closes only the client side: the server connection goes back to the
pool with its cache, and pgbouncer's `server_lifetime` is what ends it (infra/README.md).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)


def _holds_session_locks(connection) -> bool:
    # A session-level advisory lock (a job's claim, `core.jobs`) ends with the session.
    if connection.connection is None:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks"
            " WHERE pid = pg_backend_pid() AND locktype = 'advisory')"
        )
        return bool(cursor.fetchone()[0])


def retire_connections_past_schema_limit(*, mid_work: bool = False) -> None:
    """Close each connection of this thread that has served at least the configured number of
    organisation schemas (0 switches the limit off): a closed connection's next query opens a
    new backend. Between units of work (after a request, after a task) by default; with
    `mid_work`, inside one, which also leaves a connection holding an advisory lock."""
    limit = settings.DATABASE_SCHEMAS_PER_CONNECTION
    if not limit:
        return
    for connection in connections.all(initialized_only=True):
        served = getattr(connection, "schemas_served", ())
        if len(served) < limit:
            continue
        # Inside a transaction (an atomic block, or autocommit switched off) the connection
        # still has work to finish; the end of the request or task will retire it.
        if connection.in_atomic_block or (
            connection.connection is not None and not connection.get_autocommit()
        ):
            continue
        if mid_work and _holds_session_locks(connection):
            continue
        logger.debug(
            "retiring database connection %s after %d organisation schemas",
            connection.alias,
            len(served),
        )
        connection.close()


def between_organisations() -> None:
    """Call between two organisations inside a loop over many (after one organisation's work,
    outside its `schema_context`): retires this thread's connections that have served the
    configured number of schemas, so a loop over the estate holds at most that many schemas'
    catalogue in any one backend. Does nothing while a transaction or atomic block is open:
    the loop carries on on the same connection, and the end of the request or task retires
    it. Nor while the session holds an advisory lock (one query to find out, made only once
    the limit is reached): the loop keeps the connection, the end of its unit of work retires
    it. Not for a loop that holds other session state it still needs on the connection (a
    temporary table, a `SET` of its own): closing would drop it."""
    retire_connections_past_schema_limit(mid_work=True)


def note_schemas_read(schema_names) -> None:
    """Count schemas that a statement read by qualified names (`org_x.table`) on the default
    connection as served by it, as `set_tenant` counts a schema it selects."""
    count = getattr(connections["default"], "count_schemas", None)
    if count is not None:
        count(schema_names)


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
