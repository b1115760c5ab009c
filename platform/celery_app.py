"""The one Celery app. Tasks carry their organisation's schema in a message header
(tenant-schemas-celery) and run in that schema on the worker."""

from __future__ import annotations

import contextvars
import os

from celery.schedules import crontab
from celery.signals import task_postrun, task_prerun
from tenant_schemas_celery.app import CeleryApp, get_schema_name_from_task, switch_schema

from goldenthread.tenants.connection_lifetime import retire_after_task

_SWITCH_SCHEMA_UID = "tenant_schemas_switch_schema"  # as tenant-schemas-celery connects it

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.platform.settings.development")

app = CeleryApp("goldenthread")
# `CELERY_*` settings (the broker URL) are read by namespace; the `CELERY` dict built by
# `settings.integrations.celery_settings()` holds the rest of the worker policy (acks late,
# prefetch of one, JSON only, no results) and is not seen by the namespace lookup, so it is
# applied explicitly. Without it the worker would prefetch four messages and ack them early.
app.config_from_object("django.conf:settings", namespace="CELERY")


def _apply_worker_policy() -> None:
    from django.conf import settings

    policy = {k: v for k, v in getattr(settings, "CELERY", {}).items() if k != "beat_schedule"}
    app.conf.update(policy)


_apply_worker_policy()
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
    # The sign-in record's retention: each organisation's schema, then the public schema's
    # (helpdesk staff), which the fan-out skips; a plain entry runs in the public schema.
    "delete-old-authentication-events": {
        "task": "goldenthread.platform.core.tasks.dispatch_to_organisations",
        "schedule": crontab(hour=3, minute=30),
        "kwargs": {
            "task_name": "goldenthread.platform.accounts.tasks.delete_old_authentication_events",
            "spread_seconds": 3600,
        },
    },
    "delete-old-authentication-events-public": {
        "task": "goldenthread.platform.accounts.tasks.delete_old_authentication_events",
        "schedule": crontab(hour=3, minute=30),
    },
    # Publication messages the broker missed (it was down when a value was approved) are sent
    # from the outbox in the public schema (`publication.models.OutboxMessage`).
    "publication-outbox-relay": {
        "task": "goldenthread.shared_indicators.publication.tasks.relay_outbox",
        "schedule": 60,
    },
    # Organisations whose deletion's grace period has ended (public schema, plain entry).
    "purge-deleted-organisations": {
        "task": "goldenthread.tenants.deletion.tasks.purge_due_organisations",
        "schedule": crontab(hour=2, minute=15),
    },
    # The catalogue provisioning and fleet migrations churn, vacuumed past an absolute bound
    # of dead rows that autovacuum's 20% of a million-row pg_class never reaches in time.
    "vacuum-churned-catalogue": {
        "task": "goldenthread.tenants.tasks.vacuum_catalogue",
        "schedule": 60 * 10,
    },
    # Public-schema work (agreements live there), so a plain entry rather than a fan-out.
    "expire-partnership-agreements": {
        "task": "goldenthread.partnerships.tasks.expire_agreements",
        "schedule": 60 * 60,
    },
    # Per-organisation backups (pg_dump of each schema) with retention, spread over 2 hours.
    # Helpdesk visitors' accounts of ended support accesses deactivated (tenants.support).
    "close-ended-support-accesses": {
        "task": "goldenthread.platform.core.tasks.dispatch_to_organisations",
        "schedule": 60 * 60,
        "kwargs": {
            "task_name": "goldenthread.tenants.support.tasks.close_ended_support_accesses",
            "spread_seconds": 600,
        },
    },
    "archive-backups": {
        "task": "goldenthread.platform.core.tasks.dispatch_to_organisations",
        "schedule": crontab(hour=1, minute=15),
        "kwargs": {
            "task_name": "goldenthread.tenants.archive.tasks.backup_this_organisation",
            "spread_seconds": 7200,
        },
    },
    "planning-overdue-digest": {
        "task": "goldenthread.platform.core.tasks.dispatch_to_organisations",
        "schedule": 60 * 60 * 24,
        "kwargs": {
            "task_name": "goldenthread.platform.planning.tasks.send_overdue_digest",
            "spread_seconds": 3600,
        },
    },
    # Scheduled committee packs: each organisation's due schedules, each run at most once
    # per quarter (a unique row), so running this hourly only catches up sooner after a stop.
    "reporting-schedules": {
        "task": "goldenthread.platform.core.tasks.dispatch_to_organisations",
        "schedule": crontab(minute=15),
        "kwargs": {
            "task_name": "goldenthread.platform.reporting.tasks.run_schedules",
            "spread_seconds": 1800,
        },
    },
    "indicator-reminders": {
        "task": "goldenthread.platform.core.tasks.dispatch_to_organisations",
        "schedule": crontab(hour=7, minute=0),
        "kwargs": {
            "task_name": "goldenthread.platform.indicators.tasks.send_reminders",
            "spread_seconds": 1800,
        },
    },
    # After the reminders, so that a reminder of the day chosen for the digest is in it.
    "notifications-daily-digest": {
        "task": "goldenthread.platform.core.tasks.dispatch_to_organisations",
        "schedule": crontab(hour=8, minute=0),
        "kwargs": {
            "task_name": "goldenthread.platform.notifications.tasks.send_daily_digest",
            "spread_seconds": 1800,
        },
    },
}


# Context tokens of the tasks running in this process, to undo the tagging when each ends.
_organisation_tokens: dict[str, contextvars.Token] = {}


def _tag_task_with_organisation(task_id=None, task=None, **_kwargs) -> None:
    """Make the task's organisation the one its spans carry, from the schema named in the
    message, before anything (the tenant lookup included) runs a query for it."""
    from django_tenants.utils import get_public_schema_name

    from goldenthread.platform import telemetry

    schema_name = get_schema_name_from_task(task, None) or get_public_schema_name()
    _organisation_tokens[task_id] = telemetry.set_current_organisation(schema_name)


# Receivers run in the order they were connected, and tenant-schemas-celery connected its
# schema switch when it was imported. Put the tagging first, then the switch back after it,
# so the switch's own tenant lookup is tagged too, whatever the import order was.
task_prerun.disconnect(dispatch_uid=_SWITCH_SCHEMA_UID)
task_prerun.connect(_tag_task_with_organisation, weak=False, dispatch_uid="goldenthread_tag_task")
task_prerun.connect(switch_schema, weak=False, dispatch_uid=_SWITCH_SCHEMA_UID)


@task_postrun.connect(weak=False, dispatch_uid="goldenthread_untag_task")
def _untag_task(task_id=None, **_kwargs) -> None:
    from goldenthread.platform import telemetry

    token = _organisation_tokens.pop(task_id, None)
    if token is not None:
        telemetry.current_organisation.reset(token)


# A worker's connection is retired after the task in which it has served
# DATABASE_SCHEMAS_PER_CONNECTION organisation schemas, as a web thread's is after a request
# (tenants/connection_lifetime.py decides for both). Connected after tenant-schemas-celery's
# own task_postrun receiver, which puts the connection back in the public schema first.
task_postrun.connect(retire_after_task, weak=False, dispatch_uid="goldenthread_retire_connections")
