"""Sending a Celery task that must not be lost while the broker is down (#16).

`queue_after_commit` is how application code queues a task that has no job row (an e-mail,
a notification, the console's "back up now", deletion's file purge): it writes the message to
the outbox (`publication.models.OutboxMessage`, one table in the public schema) in the
current transaction and sends it once that commits. If the broker cannot be reached then,
nothing is raised and the row stays; beat's relay (`publication.tasks.relay_outbox`, every
minute) sends it when the broker is back. A rolled-back transaction takes its message with it.

Outside a transaction (a view in autocommit) the row is written at once and sent straight
after, so the caller still never sees a broker error: the work is queued, not refused.

Delivery is at least once: a process that dies between the send and the deletion of the row
leaves the row for the relay, which sends it again. So a task queued here must be harmless
when it runs twice; an e-mail sent twice is accepted (docs/architecture.md, "Jobs survive a
broker that is down"). Jobs with a row and a poller use `core.jobs.queue` instead, whose
message lives until the job is claimed.
"""

from __future__ import annotations

from django.db import connection, transaction


def queue_after_commit(task, *args, schema_name: str | None = None):
    """Queue `task(*args)` through the outbox: sent when the current transaction commits, or
    by the relay later if the broker cannot be reached then. Never raises for a broker that
    is down. Returns the outbox message (its row is gone once it has been sent).

    The task runs in `schema_name` (the `_schema_name` header tenant-schemas-celery reads on
    the worker), by default the schema current now: captured here, because by the time the
    transaction commits the connection may be in another schema. Tasks that take the
    organisation as an argument and switch schemas themselves pass the public schema.
    The arguments must be JSON (they are stored in the row, and sent as JSON)."""
    from goldenthread.shared_indicators.publication.tasks import outbox_send, outbox_write

    message = outbox_write(task, schema_name or connection.schema_name, list(args))
    transaction.on_commit(lambda: outbox_send(message))
    return message
