"""The test harness itself: the live server and the Celery worker reach the database from
their own threads, while a test that did not ask for `db` still cannot, even after they
started (so a forgotten `db` fails loudly instead of reading whatever is committed)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from goldenthread.tenants.models import Organisation
from tests.fixtures import probe_tasks
from tests.fixtures.worker import wait_for


def test_the_tests_thread_stays_blocked_while_the_servers_use_the_database(live_url, celery_worker):
    # The live server answers a request that reads the database, in its own thread ...
    health_url = f"{live_url()}/healthz"  # our own live server, plain http
    with urllib.request.urlopen(health_url, timeout=10) as response:  # noqa: S310
        health = json.load(response)
    assert health["checks"]["database"]["status"] == "ok"
    # ... and the worker runs a task that queries it, in its own thread,
    probe_tasks.clear()
    probe_tasks.record_schema.delay()
    [run] = wait_for(probe_tasks.recorded, what="the probe task")
    assert run.database_schema == "public"
    # while this test, which asked for neither `db` nor an unblock, is refused.
    with pytest.raises(RuntimeError, match="Database access not allowed"):
        Organisation.objects.count()
