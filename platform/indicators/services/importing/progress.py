"""Progress of a background import, written where the polling page can see it at once.

The commit runs in one long transaction, so progress written through the task's own
connection would stay invisible until the end. Progress goes through a second, autocommit
connection instead; it touches only the job's progress columns, and the commit updates the
job row only after its last progress report, so the two never wait on each other.
"""

from __future__ import annotations

import time

from django.db import DEFAULT_DB_ALIAS, connection, connections

from ...models import ImportJob

MIN_SECONDS_BETWEEN_WRITES = 0.3


PREVIEW_PHASES = {"Reading the file": (0, 10), "Checking rows": (10, 100)}
# Where each step of a commit sits on the bar; the job reaches 100 when it is committed.
COMMIT_PHASES = {
    "Checking rows again": (0, 40),
    "Saving new values": (40, 75),
    "Saving new targets": (40, 75),
    "Saving changed values": (75, 85),
    "Saving changed targets": (75, 85),
    "Recording the audit trail": (85, 99),
}


class JobProgress:
    """Call with (phase, done, total); `phases` places each phase on the 0-100 bar, and the
    bar never moves backwards."""

    def __init__(self, job_id: int, *, phases: dict[str, tuple[int, int]]) -> None:
        self.job_id = job_id
        self.schema_name = connection.schema_name
        self.phases = phases
        self._connection = None
        self._last_write = 0.0
        self._last_percent = -1

    def __call__(self, phase: str, done: int, total: int) -> None:
        low, high = self.phases.get(phase, (0, 100))
        percent = max(low + (high - low) * done // max(total, 1), self._last_percent)
        now = time.monotonic()
        finished = done >= total
        if not finished and now - self._last_write < MIN_SECONDS_BETWEEN_WRITES:
            return
        if percent == self._last_percent and not finished:
            return
        self._last_write, self._last_percent = now, percent
        self._write(phase, done, total, min(percent, 100))

    def _write(self, phase: str, done: int, total: int, percent: int) -> None:
        if self._connection is None:
            self._connection = connections.create_connection(DEFAULT_DB_ALIAS)
            self._connection.set_schema(self.schema_name)
        table = self._connection.ops.quote_name(ImportJob._meta.db_table)
        with self._connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET phase = %s, processed_rows = %s, progress = %s "  # noqa: S608
                "WHERE id = %s",
                [phase[:40], done, percent, self.job_id],
            )

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
