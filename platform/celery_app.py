"""The one Celery app. Tasks carry their organisation's schema in a message header
(tenant-schemas-celery) and run in that schema on the worker."""

from __future__ import annotations

import os

from celery.signals import task_postrun, task_prerun
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.platform.settings.development")

app = CeleryApp("goldenthread")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Scheduled work fans out to every active organisation through one dispatcher task, which
# spreads the per-organisation tasks over a window instead of firing them all at once.
app.conf.beat_schedule = {
    "clear-expired-sessions": {
        "task": "goldenthread.platform.core.tasks.dispatch_to_organisations",
        "schedule": 60 * 60 * 6,
        "kwargs": {
            "task_name": "goldenthread.platform.accounts.tasks.clear_expired_sessions",
            "spread_seconds": 600,
        },
    },
    # Public-schema work (agreements live there), so a plain entry rather than a fan-out.
    "expire-partnership-agreements": {
        "task": "goldenthread.partnerships.tasks.expire_agreements",
        "schedule": 60 * 60,
    },
}


@task_prerun.connect
def _tag_task_with_organisation(task=None, **_kwargs) -> None:
    from django.db import connection

    from goldenthread.platform import telemetry

    # Runs after tenant-schemas-celery switched the schema (it connected first).
    task._organisation_token = telemetry.set_current_organisation(connection.schema_name)


@task_postrun.connect
def _untag_task(task=None, **_kwargs) -> None:
    from goldenthread.platform import telemetry

    token = getattr(task, "_organisation_token", None)
    if token is not None:
        telemetry.current_organisation.reset(token)
        task._organisation_token = None
