"""Thin Celery wrappers over planning services. Each runs in the organisation's schema that
`core.tasks.dispatch_to_organisations` queued it for."""

from __future__ import annotations

from datetime import date

from goldenthread.platform.celery_app import app

from .services.digest import overdue_digest_send


@app.task(licensed_module="planning")  # core.licensing: only organisations with planning
def send_overdue_digest(today: str | None = None) -> dict:
    """Checked daily; sends the managers' digest when the organisation's interval has passed."""
    return overdue_digest_send(today=date.fromisoformat(today) if today else None).as_dict()
