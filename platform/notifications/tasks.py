"""Celery tasks of notifications: thin wrappers over `services.email`, run in the
organisation's schema they were queued for."""

from __future__ import annotations

import smtplib

from django.db import OperationalError

from goldenthread.platform.celery_app import app


@app.task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, OperationalError),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification if it still waits (queued on commit by `services.notify`).
    Retried on a mail-server or database hiccup; the claim inside makes a retry or a
    redelivery send nothing twice."""
    from .services.email import notification_email_send

    return notification_email_send(notification_id=notification_id)


@app.task(licensed_module="always")  # every organisation has notifications
def send_daily_digest(today: str | None = None) -> dict:
    """This organisation's daily digests (run per organisation by `dispatch_to_organisations`
    from beat)."""
    from datetime import date

    from .services.email import daily_digest_send

    return daily_digest_send(today=date.fromisoformat(today) if today else None).as_dict()
