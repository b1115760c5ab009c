"""Restores asked for in the console (pages and REST), carried out by a worker.

The request checks everything it can answer at once — the typed confirmation, a backup whose
file is kept, a database version the in-place restore can take — then records a `RestoreRun`
and queues it after commit; a refusal queues nothing. The worker claims the run, checks
again (time has passed), restores through `services.backups` (which takes the safety backup
first and writes the audit entries), and keeps the run's phase and progress up to date for
the page and the API to show. One restore of an organisation at a time (a database
constraint): a second request while one is queued or running is refused.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from goldenthread.platform.core import jobs
from goldenthread.platform.core.errors import DomainError

from ..errors import ArchiveRefused
from ..models import OrganisationBackup, RestoreKind, RestoreRun, RunStatus
from .backups import (
    backup_restore_copy,
    backup_restore_in_place,
    restorable_as_copy,
    restorable_in_place,
)

logger = logging.getLogger(__name__)

UNEXPECTED = "The restore failed unexpectedly; the worker's log has the details."
INTERRUPTED = (
    "The worker stopped during this restore. Each restore is one transaction, so the "
    "organisation is either as it was or wholly restored: look at its data (and the audit "
    "log) before asking again."
)


def restore_request(
    *, backup: OrganisationBackup, actor: str, kind: str, confirmation: str = ""
) -> RestoreRun:
    """Check and queue a restore of `backup` (`kind`: in place, which needs the organisation's
    slug typed as `confirmation`, or as a copy). Refusals raise `ArchiveRefused`."""
    from ..tasks import restore_backup

    if kind == RestoreKind.IN_PLACE:
        restorable_in_place(backup=backup, confirmation=confirmation)
    else:
        restorable_as_copy(backup=backup)
    if backup.organisation is None:
        raise ArchiveRefused("This backup's organisation no longer exists.")
    try:
        with transaction.atomic():
            run = RestoreRun.objects.create(
                organisation=backup.organisation,
                backup=backup,
                kind=kind,
                requested_by=actor,
                phase="Waiting for the worker",
            )
            # Through the outbox, in the run's transaction: a broker down now delays the
            # restore, it does not lose it.
            jobs.queue(RESTORE, restore_backup, run.pk)
    except IntegrityError:
        raise ArchiveRefused(
            f"A restore of {backup.organisation.name} is already under way; wait for it to "
            "finish (this page shows it)."
        ) from None
    return run


# A restore as a `core.jobs` kind (public schema).
RESTORE = jobs.JobKind(
    model=RestoreRun,
    waiting=Q(status=RunStatus.QUEUED),
    start={"status": RunStatus.RUNNING, "phase": "Starting", "progress": 1},
    running=Q(status=RunStatus.RUNNING),
    public=True,
)


def _interrupted(run_id: int) -> None:
    """A run found running while no worker holds it was interrupted: its worker died and
    the broker delivered the message again (late acknowledgement,
    `task_reject_on_worker_lost`). It is not run a second time on its own — marked failed
    instead, which also frees the organisation for the next restore (one at a time)."""
    RestoreRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED,
        phase="Interrupted",
        error=INTERRUPTED,
        finished_at=timezone.now(),
    )


def _finish(run: RestoreRun, *, status: str, phase: str, error: str = "", **result) -> None:
    RestoreRun.objects.filter(pk=run.pk).update(
        status=status,
        phase=phase,
        error=error,
        progress=100 if status == RunStatus.DONE else run.progress,
        finished_at=timezone.now(),
        **result,
    )


def restore_run_execute(*, run_id: int) -> RestoreRun | None:
    """The worker's side: restore as the run says, recording progress, result or failure.
    The run is claimed (`core.jobs`): a duplicate delivery, while it runs or after, does
    nothing."""
    with jobs.claim(RESTORE, run_id) as claimed:
        if claimed is jobs.Claim.ORPHANED:
            _interrupted(run_id)
        if claimed is not jobs.Claim.CLAIMED:
            logger.warning("restore run %s is not waiting to start; nothing done", run_id)
            return None
        return _restore(RestoreRun.objects.select_related("backup__organisation").get(pk=run_id))


def _restore(run: RestoreRun) -> RestoreRun:
    run_id = run.pk

    def on_phase(phase: str, progress: int) -> None:
        run.phase, run.progress = phase, progress
        RestoreRun.objects.filter(pk=run.pk).update(phase=phase, progress=progress)

    try:
        if run.kind == RestoreKind.IN_PLACE:
            # The request checked what was typed; the organisation's slug cannot change.
            safety = backup_restore_in_place(
                backup=run.backup,
                actor=run.requested_by,
                confirmation=run.backup.organisation.slug,
                on_phase=on_phase,
            )
            _finish(run, status=RunStatus.DONE, phase="Restored", safety_backup=safety)
        else:
            copy = backup_restore_copy(backup=run.backup, actor=run.requested_by, on_phase=on_phase)
            _finish(run, status=RunStatus.DONE, phase=f"Restored as {copy.schema_name}", copy=copy)
    except DomainError as exc:
        _finish(run, status=RunStatus.FAILED, phase="Not restored", error=exc.message)
    except Exception:
        logger.exception("restore run %s failed", run_id)
        _finish(run, status=RunStatus.FAILED, phase="Not restored", error=UNEXPECTED)
        raise
    run.refresh_from_db()
    return run
