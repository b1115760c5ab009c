"""The sign-in record's retention: events older than the retention period are deleted, in the
schema the work runs in only, in batches; the nightly task reaches every active
organisation's schema (through the dispatcher) and the public one, on the real worker."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import AuthenticationEvent
from goldenthread.platform.accounts.services.authentication_events import (
    authentication_events_delete_older_than,
)
from goldenthread.platform.accounts.tasks import delete_old_authentication_events
from goldenthread.platform.core.tasks import dispatch_to_organisations
from tests.fixtures.worker import wait_for

TASK = "goldenthread.platform.accounts.tasks.delete_old_authentication_events"


def event(schema: str, *, age: timedelta, email: str) -> int:
    with schema_context(schema):
        return AuthenticationEvent.objects.create(
            kind="sign_in_failed", email=email, created_at=timezone.now() - age
        ).pk


def exists(schema: str, pk: int) -> bool:
    with schema_context(schema):
        return AuthenticationEvent.objects.filter(pk=pk).exists()


def test_only_events_older_than_the_period_go_and_only_in_this_schema(org_a, org_b):
    old = [
        event(org_a.schema_name, age=timedelta(days=30, hours=h), email="a@x") for h in (1, 2, 3)
    ]
    kept = event(org_a.schema_name, age=timedelta(days=29, hours=23), email="b@x")
    elsewhere = event(org_b.schema_name, age=timedelta(days=300), email="c@x")
    with schema_context(org_a.schema_name):
        assert authentication_events_delete_older_than(days=30, batch=2) == 3
    assert not any(exists(org_a.schema_name, pk) for pk in old)
    assert exists(org_a.schema_name, kept)
    assert exists(org_b.schema_name, elsewhere)


def test_a_period_under_a_day_is_refused(org_a):
    kept = event(org_a.schema_name, age=timedelta(days=3), email="a@x")
    with schema_context(org_a.schema_name), pytest.raises(ValueError, match="at least one day"):
        authentication_events_delete_older_than(days=0)
    assert exists(org_a.schema_name, kept)


@pytest.mark.worker
def test_the_nightly_task_clears_every_organisation_and_the_public_schema(
    celery_worker, session_organisations, django_db_blocker, settings
):
    period = settings.AUTHENTICATION_EVENT_RETENTION_DAYS
    schemas = ("org_alpha", "org_beta", "public")
    tag = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        # Given, in each schema, an event just past the retention period and one just inside
        old = {
            s: event(s, age=timedelta(days=period, hours=1), email=f"old-{tag}@x") for s in schemas
        }
        recent = {
            s: event(s, age=timedelta(days=period - 1), email=f"new-{tag}@x") for s in schemas
        }
        try:
            # When beat starts the fan-out and the public schema's own run
            dispatch_to_organisations.delay(task_name=TASK, spread_seconds=0)
            with schema_context("public"):
                delete_old_authentication_events.delay()

            # Then the old events go from every schema, each by a task run in that schema
            wait_for(
                lambda: not any(exists(s, old[s]) for s in schemas),
                what="the old events to be deleted in Alpha, Beta and public",
            )
            # and the recent ones stay
            assert all(exists(s, recent[s]) for s in schemas)
        finally:
            for schema in schemas:
                with schema_context(schema):
                    AuthenticationEvent.objects.filter(email__endswith=f"-{tag}@x").delete()
