"""Celery tasks of the publication pipeline: thin wrappers over the services, run in the
member's schema (tenant-schemas-celery reads the `_schema_name` header on the worker)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tenants.utils import get_public_schema_name
from opentelemetry import context as otel_context

from goldenthread.platform import metrics
from goldenthread.platform.celery_app import app
from goldenthread.tenants.models import Organisation

logger = logging.getLogger(__name__)

SCHEMA_HEADER = "_schema_name"


def _current_organisation() -> Organisation | None:
    """The organisation whose schema the task runs in; None in the public schema (a task
    queued without a schema has nothing to publish)."""
    schema = connection.schema_name
    if schema == get_public_schema_name():
        return None
    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Organisation) and tenant.schema_name == schema:
        return tenant
    return Organisation.objects.get(schema_name=schema)


@app.task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def publish_value_task(value_id: int) -> int | None:
    """Publish one value if it is (still) approved; returns the published row's id or None.

    Reads the value afresh, so a task that arrives after the value was reopened publishes
    nothing, and two tasks for the same value publish the same thing once."""
    from .domain.snapshots import snapshot_source
    from .services import publish_value

    organisation = _current_organisation()
    if organisation is None:
        logger.warning("publish_value_task(%s) ran without an organisation schema", value_id)
        return None
    # The member's side reads the value and builds the snapshot; publication stores it.
    snapshot = snapshot_source().approved_snapshot(value_id=value_id)
    if snapshot is None:
        return None
    row = publish_value(organisation=organisation, snapshot=snapshot)
    if row is not None:
        # Committed by now (publish_value is atomic and this task runs outside a
        # transaction): partners' reads see the row from this moment.
        metrics.record_publication_lag(
            seconds=(timezone.now() - snapshot.approved_at).total_seconds(),
            organisation=organisation.schema_name,
        )
    return row.pk if row is not None else None


@app.task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def publish_existing_task(indicator_codes: list[str]) -> int:
    """(Re)publish the organisation's approved values for those codes."""
    from .services import publish_existing_for

    organisation = _current_organisation()
    if organisation is None:
        logger.warning("publish_existing_task ran without an organisation schema")
        return 0
    return publish_existing_for(organisation=organisation, indicator_codes=indicator_codes)


def outbox_write(task, schema_name: str, args: list, *, job_key: str = ""):
    """Write a message to the outbox in the current transaction (`models.OutboxMessage`);
    the caller sends it once that commits (`outbox_send`), and if the broker is down then,
    the relay sends it later. Application code calls `core.outbox.queue_after_commit` (or
    `core.jobs.queue` for a job), which do both. `job_key` marks a job's message, kept until
    the job is claimed."""
    from .models import OutboxMessage

    # The schema is captured now and stored explicitly: by the time the outer transaction
    # commits, the connection may have moved to another schema.
    return OutboxMessage.objects.create(
        schema_name=schema_name, task_name=task.name, args=list(args), job_key=job_key
    )


def outbox_send(message) -> bool:
    """Send one outbox message to the broker; then delete its row, or for a job's message note
    when it was sent (the job's claim deletes it). False (row kept, error noted) when the
    broker cannot be reached. Never raises: the caller's work has committed, and the user
    must not see an error for it."""
    from .models import OutboxMessage

    task = app.tasks[message.task_name]
    # OpenTelemetry's Celery instrumentation makes its "publish" span current before sending
    # and only ends it once the message is sent; when sending fails, that span would stay
    # current in this thread (a web thread's next log lines, or a test's, carried its trace).
    # The context is put back as it was, sent or not.
    context_token = otel_context.attach(otel_context.get_current())
    try:
        task.apply_async(args=list(message.args), headers={SCHEMA_HEADER: message.schema_name})
    except Exception as error:  # kombu's OperationalError, a refused connection, a timeout
        logger.warning(
            "broker unavailable, %s stays in the outbox for the relay: %s", message, error
        )
        try:
            OutboxMessage.objects.filter(pk=message.pk).update(
                attempts=F("attempts") + 1, last_error=str(error)[:500]
            )
        except DatabaseError:
            logger.exception("could not note the failed send of outbox message %s", message.pk)
        return False
    finally:
        otel_context.detach(context_token)
    try:
        if message.job_key:
            OutboxMessage.objects.filter(pk=message.pk).update(
                sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
            )
        else:
            OutboxMessage.objects.filter(pk=message.pk).delete()
    except DatabaseError:  # sent; the relay will send it again, which is harmless
        logger.exception("could not note the sending of outbox message %s", message.pk)
    return True


_send = outbox_send  # the name the publication code and its tests have used


RELAY_BATCH = 200
RELAY_MIN_AGE_SECONDS = 10
# A job's message sent this long ago whose job has still not been claimed is sent again:
# longer than a job normally waits in the queue, so duplicates stay rare (and harmless).
JOB_RESEND_AFTER_SECONDS = 600


def relay_pending(
    *,
    min_age_seconds: float = RELAY_MIN_AGE_SECONDS,
    resend_after_seconds: float = JOB_RESEND_AFTER_SECONDS,
) -> int:
    """Send the outbox messages at least `min_age_seconds` old (younger ones are still being
    sent by the request that wrote them), oldest first, each locked so that two relays never
    send the same one; stops at the first broker failure. A job's message already sent is
    sent again only when its job has not started `resend_after_seconds` after that (the
    claim deletes the message, so a started job is never sent again). One query on the
    public schema, whatever the number of organisations. Returns how many were sent."""
    from .models import OutboxMessage

    now = timezone.now()
    cutoff = now - timedelta(seconds=min_age_seconds)
    resend_cutoff = now - timedelta(seconds=resend_after_seconds)
    sent = 0
    last_id = 0
    while True:
        with transaction.atomic():
            batch = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(created_at__lte=cutoff, id__gt=last_id)
                .filter(Q(sent_at__isnull=True) | Q(sent_at__lte=resend_cutoff))
                .order_by("id")[:RELAY_BATCH]
            )
            for message in batch:
                if not outbox_send(message):
                    return sent
                sent += 1
                last_id = message.pk
        if len(batch) < RELAY_BATCH:
            return sent


@app.task(ignore_result=True)
def relay_outbox(
    min_age_seconds: float = RELAY_MIN_AGE_SECONDS,
    resend_after_seconds: float = JOB_RESEND_AFTER_SECONDS,
) -> int:
    """Beat's relay (public schema): what the broker missed goes now, and jobs that have not
    started long after their message was sent are sent again."""
    sent = relay_pending(min_age_seconds=min_age_seconds, resend_after_seconds=resend_after_seconds)
    if sent:
        logger.info("relayed %d messages from the outbox", sent)
    return sent


def queue_publish_value(*, value_id: int) -> None:
    """Queue `publish_value_task` for a value of the current schema's organisation, once the
    current transaction commits (the worker must see the approval)."""
    from goldenthread.platform.core.outbox import queue_after_commit

    queue_after_commit(publish_value_task, value_id)


def queue_publish_existing(*, organisation: Organisation, indicator_codes: list[str]) -> None:
    """Queue `publish_existing_task` in that organisation's schema, on commit. Call it when
    an agreement becomes active or a consent is given."""
    from goldenthread.platform.core.outbox import queue_after_commit

    queue_after_commit(
        publish_existing_task, list(indicator_codes), schema_name=organisation.schema_name
    )
