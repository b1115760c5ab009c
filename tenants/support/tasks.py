"""Celery tasks of the support app: thin over the services."""

from __future__ import annotations

from django.db import connection
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
