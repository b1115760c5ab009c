"""Celery tasks for partnerships: thin wrappers over services. Partnerships live in the
public schema, so these tasks name any organisation schema they need explicitly."""

from __future__ import annotations

import smtplib

from django.db import OperationalError
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


@app.task(
    name="goldenthread.partnerships.tasks.send_light_partner_invitation",
    autoretry_for=(smtplib.SMTPException, ConnectionError, OperationalError),
    retry_backoff=True,
    max_retries=5,
)
def send_light_partner_invitation(invitation_id: int, base_url: str) -> bool:
    """E-mail a light partner's invitation link (queued in the public schema, where
    invitations live, when the invitation commits; `services.light_invitation_send`).
    Retried on a mail-server or database hiccup: nothing was sent then."""
    from .services.light_partners import light_invitation_send

    return light_invitation_send(invitation_id=invitation_id, base_url=base_url)
