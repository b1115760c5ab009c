"""Celery tasks of the performance core (found by the app's autodiscovery): reminders, and
the background import tasks, which live with the rest of the import code."""

from __future__ import annotations

from goldenthread.platform.celery_app import app

from .services.importing.tasks import import_commit_task, import_preview_task

__all__ = ["import_commit_task", "import_preview_task", "send_reminders"]


@app.task(licensed_module="performance")  # core.licensing
def send_reminders() -> int:
    """Send this organisation's due reminders and escalations (run per organisation by
    `dispatch_to_organisations` from beat); returns how many e-mails went out."""
    from .services.reminders import send_due_reminders

    return send_due_reminders()
