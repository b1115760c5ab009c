"""Background jobs that survive a broker that is down when they are queued (#16).

A job with a row and a poller (an import's check or commit, a user import's check, a report
pack run, an organisation export, a restore) is queued through `queue`: in the transaction
that saves the row, a message is written to the outbox (`publication.models.OutboxMessage`,
one table in the public schema, the one publication uses) with the job's key, and sent once
that transaction commits. If the broker cannot be reached then, nothing is raised (the upload
or request has committed and the user is answered as usual) and the job's phase says
"Waiting for the queue"; beat's relay (`publication.tasks.relay_outbox`, every minute) sends
the message when the broker is back. The message stays until a worker claims the job, so a
job still not started long after its message was sent (a message the broker lost) is sent
again by the relay; once claimed, it is never sent again.

The task claims its job with `claim`: a PostgreSQL advisory lock on the job (held while the
task works on it; a delivery that finds it taken waits up to BUSY_WAIT_SECONDS) and one
compare-and-set UPDATE from the kind's waiting state to its running state, in the job's
organisation schema, which also deletes the job's outbox message. So a
duplicate delivery does nothing: while the first runs, the lock is taken (`BUSY`); after it,
the job is no longer waiting (`NOT_WAITING`). A job found running while nobody holds its lock
was left by a worker that died (late acknowledgement puts the message back): `ORPHANED`, and
each kind says what that means (run again when the work is one transaction or only writes
the job's own results; a restore is marked interrupted instead).
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction
from django.db.models import Model, Q
from django_tenants.utils import get_public_schema_name, schema_context

logger = logging.getLogger(__name__)

# Shown as the job's phase when its message could not be sent (ImportJob.phase holds 40).
WAITING_FOR_QUEUE = "Waiting for the queue (starts by itself)"
# The first key of the two-key advisory locks taken on jobs ("JOB"); the ranking locks use
# the one-key form, a separate key space.
JOB_LOCK_CLASS = 0x4A4F42


@dataclass(frozen=True)
class JobKind:
    """One kind of job: its model, which rows are waiting for a worker (`waiting`), what the
    claim writes to start one (`start`), and which rows are being run (`running`). `public`:
    the rows live in the public schema (the archive's runs), not the organisation's."""

    model: type[Model]
    waiting: Q
    start: dict
    running: Q
    public: bool = False
    phase_field: str = "phase"

    def key(self, pk: int) -> str:
        return f"{self.model._meta.label_lower}:{pk}"

    def schema_name(self) -> str:
        return get_public_schema_name() if self.public else connection.schema_name


class Claim(enum.Enum):
    CLAIMED = "claimed"  # it was waiting; this delivery runs it
    ORPHANED = "orphaned"  # it was running, but its runner is gone (its worker died)
    BUSY = "busy"  # another delivery is running it now
    NOT_WAITING = "not waiting"  # finished, failed, gone, or not yet asked for


def queue(kind: JobKind, task, pk: int) -> None:
    """Queue `task(pk)` for the job through the outbox, in the current transaction: sent when
    it commits, and by the relay later if the broker cannot be reached then. Never raises
    for a broker that is down."""
    from goldenthread.shared_indicators.publication.tasks import outbox_send, outbox_write

    schema_name = kind.schema_name()
    message = outbox_write(task, schema_name, [pk], job_key=kind.key(pk))

    def send() -> None:
        if outbox_send(message):
            return
        try:
            with schema_context(schema_name):
                kind.model.objects.filter(kind.waiting, pk=pk).update(
                    **{kind.phase_field: WAITING_FOR_QUEUE}
                )
        except DatabaseError:
            logger.exception("could not note that %s waits for the queue", kind.key(pk))

    transaction.on_commit(send)


# A delivery that finds the job's lock taken tries again for this long before it gives up:
# the holder may be the session of a worker just killed, which PostgreSQL ends within
# CLIENT_CHECK_SECONDS once it notices the lost client (below).
BUSY_WAIT_SECONDS = 10.0
CLIENT_CHECK_SECONDS = 2


def _try_lock(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, hashtext(%s))", [JOB_LOCK_CLASS, name])
        return bool(cursor.fetchone()[0])


@contextmanager
def _lock(name: str) -> Iterator[bool]:
    """A session-level advisory lock on `name`, tried for up to BUSY_WAIT_SECONDS; released
    on the way out, or by PostgreSQL when the session ends (a worker that dies).

    A killed worker's session can outlive it while it waits inside a statement (for a row
    lock, say): PostgreSQL notices a lost client only when it next talks to it. So the
    holder asks to be checked every CLIENT_CHECK_SECONDS while its statements run
    (`client_connection_check_interval`, PostgreSQL 14+), and a redelivery waits a little."""
    deadline = time.monotonic() + BUSY_WAIT_SECONDS
    held = _try_lock(name)
    while not held and time.monotonic() < deadline:
        time.sleep(0.5)
        held = _try_lock(name)
    if held and connection.pg_version >= 140000:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('client_connection_check_interval', %s, false)",
                [f"{CLIENT_CHECK_SECONDS}s"],
            )
    try:
        yield held
    finally:
        if held:
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_unlock(%s, hashtext(%s))", [JOB_LOCK_CLASS, name]
                    )
            except DatabaseError:  # the session is gone, and its locks with it
                logger.warning("could not release the lock of job %s", name)


@contextmanager
def claim(kind: JobKind, pk: int) -> Iterator[Claim]:
    """Claim the job for this delivery, for the duration of the block (see the module's
    docstring). Run the job's work only for `CLAIMED` (and `ORPHANED`, where the kind allows
    it); the job's outbox message is deleted whatever the outcome but `BUSY` (whoever runs
    the job deleted it)."""
    from goldenthread.shared_indicators.publication.models import OutboxMessage

    schema_name = kind.schema_name()
    key = kind.key(pk)
    with _lock(f"{schema_name}:{key}") as held:
        if not held:
            yield Claim.BUSY
            return
        with transaction.atomic():
            if kind.model.objects.filter(kind.waiting, pk=pk).update(**kind.start):
                outcome = Claim.CLAIMED
            elif kind.model.objects.filter(kind.running, pk=pk).exists():
                outcome = Claim.ORPHANED
            else:
                outcome = Claim.NOT_WAITING
            OutboxMessage.objects.filter(schema_name=schema_name, job_key=key).delete()
        if outcome is not Claim.CLAIMED:
            logger.info("%s in %s: %s", key, schema_name, outcome.value)
        yield outcome


def waiting_message_exists(kind: JobKind, pk: int) -> bool:
    """True while the job's message is in the outbox (not yet claimed)."""
    from goldenthread.shared_indicators.publication.models import OutboxMessage

    return OutboxMessage.objects.filter(
        schema_name=kind.schema_name(), job_key=kind.key(pk)
    ).exists()
