"""Faults with real processes: a Celery worker in a process of its own, consuming from a
private redis-server, publishing into this run's PostgreSQL.

A worker process killed with SIGKILL in the middle of a publication (here: while it waits for
the store's table, which the test holds) must not lose the approval: the message was not yet
acknowledged (late acks), the worker's main process sees its pool process die and puts the
message back (`task_reject_on_worker_lost`), the new pool process publishes it, and the value
is in the store exactly once (the task is idempotent).
"""

from __future__ import annotations

import time
import uuid

import psycopg
import pytest

from goldenthread.shared_indicators.publication.models import PublishedValue
from tests import support
from tests.fixtures.processes import app_broker, private_redis, worker_process
from tests.fixtures.worker import wait_for

from .helpers import approved_value, committed, local_indicator, provision_committed_member

pytestmark = [pytest.mark.worker, pytest.mark.django_db]


@pytest.fixture(scope="module")
def fault_member(django_db_setup, django_db_blocker):
    return provision_committed_member(django_db_blocker, prefix="flt", name="Fault")


def test_a_worker_killed_mid_publication_publishes_the_value_exactly_once_after_restart(
    fault_member,
):
    member = fault_member
    code = f"FAULT-{uuid.uuid4().hex[:6]}"
    pi = committed(lambda: local_indicator(member, code))
    with (
        private_redis() as redis,
        app_broker(redis.url),
        worker_process(
            broker_url=redis.url, environment=support.subprocess_environment()
        ) as worker,
    ):
        with (
            psycopg.connect(support.test_database_conninfo()) as holder,
            psycopg.connect(support.test_database_conninfo(), autocommit=True) as watcher,
        ):
            # The store's table, held: the worker's publication stops at its row lock.
            holder.execute("LOCK TABLE publication_publishedvalue IN EXCLUSIVE MODE")
            row = committed(lambda: approved_value(member, pi, "2024/25 Q1", "42"))
            wait_for(
                lambda: support.session_blocked_by(watcher, holder.info.backend_pid),
                timeout=30,
                what="the worker's publication to wait for the store",
            )
            killed = worker.kill_pool_child()
            holder.rollback()

        stored = wait_for(
            lambda: PublishedValue.objects.filter(
                indicator_code=code, source_value_id=row.pk, is_current=True
            ).first(),
            timeout=60,
            what="the value to be published after the pool process was killed",
        )
        time.sleep(1)  # a second, duplicate delivery would publish within this
        output = worker.output()

    assert (stored.value, stored.revision) == (42, 1)
    assert PublishedValue.objects.filter(indicator_code=code).count() == 1
    assert f"pid:{killed}" in output or "WorkerLostError" in output
    assert output.count("publish_value_task[") >= 2  # delivered again after the kill


def test_an_approval_while_the_broker_is_down_commits_and_is_published_when_it_returns(
    fault_member,
):
    """The approval commits (the approver sees success) with its publication in the outbox;
    when the broker is back, the relay (beat's task, on the worker) sends it and the worker
    publishes the value."""
    from goldenthread.platform.indicators.models import IndicatorValue
    from goldenthread.shared_indicators.publication.models import OutboxMessage
    from goldenthread.shared_indicators.publication.tasks import publish_value_task, relay_outbox

    member = fault_member
    code = f"FAULT-{uuid.uuid4().hex[:6]}"
    pi = committed(lambda: local_indicator(member, code))
    environment = support.subprocess_environment()
    with private_redis() as redis, app_broker(redis.url):
        redis.stop()  # the broker is down
        started = time.monotonic()
        row = committed(lambda: approved_value(member, pi, "2024/25 Q2", "17"))
        assert time.monotonic() - started < 15  # the approver is not kept waiting long

        def committed_status():
            with member.schema():
                return IndicatorValue.objects.get(pk=row.pk).workflow_status

        assert committed(committed_status) == "approved"
        # (The approval's notification e-mails wait beside it, through the same outbox.)
        [waiting] = OutboxMessage.objects.filter(
            schema_name=member.organisation.schema_name,
            task_name=publish_value_task.name,
            args=[row.pk],
        )
        assert waiting.attempts == 1 and waiting.last_error

        redis.start()  # the broker is back, on the same address
        with worker_process(broker_url=redis.url, environment=environment):
            # What beat sends every minute (without the age that spares the sender's own turn).
            relay_outbox.apply_async(kwargs={"min_age_seconds": 0})
            stored = wait_for(
                lambda: PublishedValue.objects.filter(
                    indicator_code=code, source_value_id=row.pk, is_current=True
                ).first(),
                timeout=60,
                what="the value to be published once the broker returned",
            )
    assert (stored.value, stored.revision) == (17, 1)
    assert not OutboxMessage.objects.filter(pk=waiting.pk).exists()
