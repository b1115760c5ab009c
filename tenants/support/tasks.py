"""Celery tasks of the support app: thin over the services."""

from __future__ import annotations

import smtplib

from django.db import OperationalError, connection
from django_tenants.utils import get_public_schema_name, schema_context

from goldenthread.platform.celery_app import app
from goldenthread.platform.core.licensing import ALWAYS


@app.task(
    name="goldenthread.tenants.support.tasks.close_ended_support_accesses",
    licensed_module=ALWAYS,
)
def close_ended_support_accesses() -> int | None:
    """Hourly, in each organisation's schema (queued by `core.tasks.dispatch_to_organisations`):
    deactivate the helpdesk visitors' accounts whose access was revoked or has run out, even
    if the visitor never came back to be refused (`services.access.ended_accesses_close`)."""
    from goldenthread.tenants.models import Organisation

    from .services.access import ended_accesses_close

    schema = connection.schema_name
    if schema == get_public_schema_name():
        return None
    with schema_context(get_public_schema_name()):
        organisation = Organisation.objects.get(schema_name=schema)
    return ended_accesses_close(organisation=organisation)


# A mail server or database hiccup is retried: each notice below is recorded and e-mailed in
# one transaction, and skips whoever it has already told, so a retry or a second delivery
# (the outbox's relay is at least once) e-mails nobody twice.
_RETRIED = (smtplib.SMTPException, ConnectionError, OperationalError)


@app.task(
    name="goldenthread.tenants.support.tasks.notify_break_glass_opened",
    autoretry_for=_RETRIED,
    retry_backoff=True,
    max_retries=5,
)
def notify_break_glass_opened(access_id: int) -> int:
    """Tell the organisation's administrators that emergency access is open (queued in the
    public schema, where the access lives, when the approval commits; the service switches
    to the organisation's schema itself). Returns how many were newly told."""
    from .services.access import notify_break_glass

    return notify_break_glass(access_id=access_id)


@app.task(
    name="goldenthread.tenants.support.tasks.notify_support_reply",
    autoretry_for=_RETRIED,
    retry_backoff=True,
    max_retries=5,
)
def notify_support_reply(reply_id: int, base_url: str = "") -> bool:
    """Tell a requester of the helpdesk's reply or new status (queued in the public schema,
    where requests live, when the answer commits). True when an e-mail was sent."""
    from .services.requests import notify_requester

    return notify_requester(reply_id=reply_id, base_url=base_url)
