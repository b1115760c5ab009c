"""Celery tasks for large imports: thin wrappers that run a job's preview or commit in the
organisation's schema (carried by tenant-schemas-celery) with progress reporting."""

from __future__ import annotations

from goldenthread.platform.celery_app import app

from ...models import ImportJob, ImportStatus
from .commit import run_commit
from .preview import run_preview
from .progress import COMMIT_PHASES, PREVIEW_PHASES, JobProgress


@app.task(name="goldenthread.platform.indicators.importing.tasks.import_preview_task")
def import_preview_task(job_id: int) -> str:
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.PREVIEWING:
        return "nothing to do"
    progress = JobProgress(job.pk, phases=PREVIEW_PHASES)
    try:
        run_preview(job=job, progress=progress)
    finally:
        progress.close()
    return job.status


@app.task(name="goldenthread.platform.indicators.importing.tasks.import_commit_task")
def import_commit_task(job_id: int) -> str:
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.COMMITTING:
        return "nothing to do"
    progress = JobProgress(job.pk, phases=COMMIT_PHASES)
    try:
        run_commit(job=job, progress=progress)
    finally:
        progress.close()
    return job.status
