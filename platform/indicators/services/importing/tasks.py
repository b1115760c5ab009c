"""Celery tasks of the import: thin wrappers that run a job's preview or commit in the
organisation's schema (carried by tenant-schemas-celery) with progress reporting. Every
uploaded file is read here, on the worker, never in the web request that received it."""

from __future__ import annotations

import logging

from goldenthread.platform.celery_app import app
from goldenthread.platform.core import jobs

from ...models import ImportJob
from .commit import fail_job, run_commit
from .jobs import COMMIT, PREVIEW
from .preview import run_preview
from .progress import COMMIT_PHASES, PREVIEW_PHASES, JobProgress

logger = logging.getLogger(__name__)


def _run(job_id: int, *, kind: jobs.JobKind, phases: dict, step) -> str:
    with jobs.claim(kind, job_id) as claimed:
        # A duplicate delivery (BUSY, NOT_WAITING) does nothing. A step left by a dead worker
        # (ORPHANED) runs again: the check writes only the job's results, and the commit's
        # data and "imported" are one transaction, so the dead worker wrote nothing.
        if claimed not in (jobs.Claim.CLAIMED, jobs.Claim.ORPHANED):
            return "nothing to do"
        return _step(job_id, phases=phases, step=step)


def _step(job_id: int, *, phases: dict, step) -> str:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    progress = JobProgress(job.pk, phases=phases)
    try:
        step(job=job, progress=progress)
    except Exception:
        # The page polls until the job stops running: a job left "checking" would spin forever.
        logger.exception("Import %s failed on the worker", job.pk)
        fail_job(
            job,
            "The file could not be processed because of an error on our side; it "
            "has been logged. Nothing was imported. Try again, or ask for help.",
        )
        raise
    finally:
        progress.close()
    return job.status


@app.task(name="goldenthread.platform.indicators.importing.tasks.import_preview_task")
def import_preview_task(job_id: int) -> str:
    return _run(job_id, kind=PREVIEW, phases=PREVIEW_PHASES, step=run_preview)


@app.task(name="goldenthread.platform.indicators.importing.tasks.import_commit_task")
def import_commit_task(job_id: int) -> str:
    return _run(job_id, kind=COMMIT, phases=COMMIT_PHASES, step=run_commit)
