"""`dispatch_to_organisations`: one task per active organisation, each run by the real worker
in that organisation's schema; suspended organisations and the public schema are skipped."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from celery.signals import task_success
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.core.tasks import _offset_for, dispatch_to_organisations
from goldenthread.tenants.models import Organisation, OrganisationStatus
from goldenthread.tenants.services import organisation_suspend
from tests.factories import provision_organisation
from tests.fixtures import probe_tasks
from tests.fixtures.worker import wait_for

PROBE = "tests.probe.record_schema"
SWEEP = "goldenthread.platform.accounts.tasks.clear_expired_sessions"


@pytest.fixture(scope="module")
def suspended_organisation(session_organisations, django_db_blocker):
    """A committed, suspended organisation (unique slug: committed data outlives the run)."""
    with django_db_blocker.unblock():
        organisation = provision_organisation(
            slug=f"susp-{uuid.uuid4().hex[:8]}", name="Suspended Borough Council"
        )
        organisation_suspend(organisation=organisation, reason="Licence lapsed")
    return organisation


@pytest.fixture
def dispatch_counts():
    """What each dispatcher run returned, as the worker reported it (Celery's own signal)."""
    counts: list[int] = []

    def record(sender=None, result=None, **_kwargs):
        if sender is not None and sender.name == dispatch_to_organisations.name:
            counts.append(result)

    task_success.connect(record, weak=False)
    yield counts
    task_success.disconnect(record)


def _active_organisation_schemas() -> set[str]:
    return set(
        Organisation.objects.filter(status=OrganisationStatus.ACTIVE)
        .exclude(schema_name="public")
        .values_list("schema_name", flat=True)
    )


@pytest.mark.worker
def test_dispatch_runs_the_task_once_in_each_active_organisations_schema(
    celery_worker, session_organisations, suspended_organisation, django_db_blocker, dispatch_counts
):
    with django_db_blocker.unblock():
        expected = _active_organisation_schemas()
    assert {"org_alpha", "org_beta"} <= expected
    assert suspended_organisation.schema_name not in expected
    probe_tasks.clear()

    # When the dispatcher runs on the worker, as beat would start it (from the public schema)
    dispatch_to_organisations.delay(task_name=PROBE, spread_seconds=0)

    # Then the probe runs once per active organisation, each in its own schema
    wait_for(lambda: len(probe_tasks.recorded()) >= len(expected), what="every organisation")
    wait_for(lambda: dispatch_counts, what="the dispatcher's result")
    runs = probe_tasks.recorded()
    assert dispatch_counts == [len(expected)]
    assert sorted(run.connection_schema for run in runs) == sorted(expected)
    for run in runs:
        assert run.database_schema == run.connection_schema  # PostgreSQL agrees
        assert run.telemetry_organisation == run.connection_schema
    # Suspended organisations and the public schema got nothing
    assert suspended_organisation.schema_name not in {run.connection_schema for run in runs}
    assert "public" not in {run.connection_schema for run in runs}


def _session(schema_name: str, *, expires_in: timedelta) -> str:
    with schema_context(schema_name):
        store = SessionStore()
        store["marker"] = schema_name
        store.create()
        Session.objects.filter(session_key=store.session_key).update(
            expire_date=timezone.now() + expires_in
        )
        return store.session_key


def _session_exists(schema_name: str, key: str) -> bool:
    with schema_context(schema_name):
        return Session.objects.filter(session_key=key).exists()


@pytest.mark.worker
def test_the_session_sweep_clears_expired_sessions_in_every_active_organisation(
    celery_worker, session_organisations, suspended_organisation, django_db_blocker, dispatch_counts
):
    suspended = suspended_organisation.schema_name
    with django_db_blocker.unblock():
        # Given expired sessions in Alpha, Beta and the suspended organisation, and a live one
        expired = {
            s: _session(s, expires_in=-timedelta(hours=1))
            for s in ("org_alpha", "org_beta", suspended)
        }
        live = _session("org_alpha", expires_in=timedelta(days=1))

        # When the scheduled sweep is dispatched
        dispatch_to_organisations.delay(task_name=SWEEP, spread_seconds=0)

        # Then the expired sessions of the active organisations go, each from its own schema
        wait_for(
            lambda: not any(_session_exists(s, expired[s]) for s in ("org_alpha", "org_beta")),
            what="the sweep in Alpha and Beta",
        )
        wait_for(lambda: dispatch_counts, what="the dispatcher's result")
        assert dispatch_counts == [len(_active_organisation_schemas())]
        assert _session_exists("org_alpha", live)
        # and the suspended organisation is left alone
        assert _session_exists(suspended, expired[suspended])


def test_offsets_spread_organisations_over_the_window_and_are_stable():
    schemas = [f"org_{n}" for n in range(200)]
    offsets = [_offset_for(s, 600) for s in schemas]

    assert all(0 <= offset < 600 for offset in offsets)
    assert offsets == [_offset_for(s, 600) for s in schemas]  # same every run
    assert len(set(offsets)) > 150  # not a thundering herd
    assert _offset_for("org_alpha", 0) == 0
