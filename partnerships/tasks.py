"""Celery tasks for partnerships: thin wrappers over services. Partnerships live in the
public schema, so these tasks name any organisation schema they need explicitly."""

from __future__ import annotations

from django_tenants.utils import schema_context

from goldenthread.platform.celery_app import app


@app.task
def expire_agreements() -> dict[str, int]:
    """Daily: expire versions past their end date; start publication under those whose
    start date has come."""
    from .services import agreement_expire_due

    with schema_context("public"):
        return agreement_expire_due()


@app.task
def send_submission_reminder(reminder_id: int) -> bool:
    """E-mail a member that its figure for a period is awaited (`services.reminder_send`:
    at most once per reminder)."""
    from .services import reminder_send

    return reminder_send(reminder_id=reminder_id)
