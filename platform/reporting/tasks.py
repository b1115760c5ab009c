"""Celery tasks of reporting: thin over the services, run in the organisation's schema
(tenant-schemas-celery carries it)."""

from __future__ import annotations

from goldenthread.platform.celery_app import app


@app.task(
    name="goldenthread.platform.reporting.tasks.generate_pack",
    # A mail server or broker that does not answer (OSError covers SMTP and socket errors): the
    # task is idempotent, so a retry only does what is left.
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
)
def generate_pack(run_id: int) -> str:
    """Generate, freeze (and, when asked, send) the pack of one run; idempotent."""
    from .services.freezing import pack_run_execute

    run = pack_run_execute(run_id=run_id)
    return run.status if run is not None else "nothing to do"


@app.task(
    name="goldenthread.platform.reporting.tasks.run_schedules",
    licensed_module="performance",  # core.licensing: packs are of the performance module
)
def run_schedules() -> int:
    """Start the scheduled packs now due in this organisation (run per organisation by
    `core.tasks.dispatch_to_organisations` from beat); returns how many were started."""
    from .services.scheduling import run_due_schedules

    return len(run_due_schedules())
