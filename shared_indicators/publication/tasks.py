"""Celery tasks of the publication pipeline: thin wrappers over the services, run in the
member's schema (tenant-schemas-celery reads the `_schema_name` header on the worker)."""

from __future__ import annotations

import logging

from django.db import OperationalError, connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

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


def _send_on_commit(task, schema_name: str, *args) -> None:
    # The schema is captured now and sent explicitly: by the time the outer transaction
    # commits, the connection may have moved to another schema.
    transaction.on_commit(lambda: task.apply_async(args=args, headers={SCHEMA_HEADER: schema_name}))


def queue_publish_value(*, value_id: int) -> None:
    """Queue `publish_value_task` for a value of the current schema's organisation, once the
    current transaction commits (the worker must see the approval)."""
    _send_on_commit(publish_value_task, connection.schema_name, value_id)


def queue_publish_existing(*, organisation: Organisation, indicator_codes: list[str]) -> None:
    """Queue `publish_existing_task` in that organisation's schema, on commit. Call it when
    an agreement becomes active or a consent is given."""
    _send_on_commit(publish_existing_task, organisation.schema_name, list(indicator_codes))
