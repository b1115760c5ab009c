"""The import's two steps as `core.jobs` kinds: each waits for a worker with its status set
and no `started_at`, and a worker's claim sets `started_at` in one UPDATE."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.functions import Now

from goldenthread.platform.core.jobs import JobKind

from ...models import ImportJob, ImportStatus

PREVIEW = JobKind(
    model=ImportJob,
    waiting=Q(status=ImportStatus.PREVIEWING, started_at__isnull=True),
    start={"started_at": Now(), "phase": "Reading the file"},
    running=Q(status=ImportStatus.PREVIEWING, started_at__isnull=False),
)
# The commit writes the data and the job's "imported" in one transaction, so a commit left by a
# worker that died wrote nothing, and running it again is safe.
COMMIT = JobKind(
    model=ImportJob,
    waiting=Q(status=ImportStatus.COMMITTING, started_at__isnull=True),
    start={"started_at": Now(), "phase": "Checking rows again"},
    running=Q(status=ImportStatus.COMMITTING, started_at__isnull=False),
)
