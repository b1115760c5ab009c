"""Platform-wide task plumbing."""

from __future__ import annotations

import zlib

from django_tenants.utils import get_public_schema_name, schema_context

from goldenthread.platform.celery_app import app


def _offset_for(schema_name: str, spread_seconds: int) -> int:
    # Stable per organisation, so each one runs at the same point of the window every time.
    return zlib.crc32(schema_name.encode()) % max(spread_seconds, 1)


@app.task
def dispatch_to_organisations(task_name: str, spread_seconds: int = 600) -> int:
    """Queue `task_name` once for every active organisation that holds the task's licensed
    module (`core.licensing`), in that organisation's schema, spread over `spread_seconds` so
    that hundreds of organisations do not start together. A task that declares no module is
    refused (ImproperlyConfigured) rather than run everywhere."""
    from goldenthread.tenants.models import Organisation, OrganisationStatus

    from .licensing import ALWAYS, module_of_task

    task = app.tasks[task_name]
    module = module_of_task(task)
    organisations = Organisation.objects.filter(status=OrganisationStatus.ACTIVE).exclude(
        schema_name=get_public_schema_name()
    )
    if module != ALWAYS:
        # One query for all organisations: JSON containment on the licensed list.
        organisations = organisations.filter(licensed_modules__contains=[module])
    schemas = organisations.values_list("schema_name", flat=True)
    count = 0
    for schema_name in schemas:
        # Straight to the broker, not through the outbox (`core.outbox`): this runs on the
        # worker from beat, and a broker lost mid-way fails the rest of the fan-out, which
        # beat runs again at its next turn (the tasks fanned out are periodic sweeps).
        with schema_context(schema_name):
            task.apply_async(countdown=_offset_for(schema_name, spread_seconds))
        count += 1
    return count
