"""Background jobs survive a broker that is down when they are queued (#16, `core.jobs`).

Real processes, as the publication fault tests: a private redis-server that the test stops and
starts (`tests.fixtures.processes`), the test process's Celery app pointed at it, and a
`celery worker` process of its own consuming from it, against this run's PostgreSQL with
committed data in two organisations of their own.
"""

from __future__ import annotations

import re
import time
import uuid

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import UserImport
from goldenthread.platform.core import jobs
from goldenthread.platform.indicators.models import ImportJob, IndicatorValue
from goldenthread.shared_indicators.publication.models import OutboxMessage
from tests import support
from tests.factories import StaffedOrganisation, provision_staffed_organisation
from tests.fixtures.outbox import relay_now
from tests.fixtures.processes import app_broker, private_redis, worker_process
from tests.fixtures.worker import wait_for
from tests.platform.core.tabular_files import (
    PI_IMPORT,
    USER_HEADER,
    USER_IMPORTS,
    VALUE_HEADER,
    XLSX,
    xlsx_bytes,
)

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("committed_data")]

SCHEMA_HEADER = "_schema_name"


@pytest.fixture(scope="module")
def councils(session_organisations, django_db_blocker):
    """Two committed organisations, each with an officer, an administrator and a PI."""
    return tuple(
        provision_staffed_organisation(
            django_db_blocker,
            prefix=f"obx{letter}",
            name=f"Outbox {letter}",
            indicator_code="OB 1",
            indicator_title="Queued",
        )
        for letter in "ab"
    )


def _values_file(value: int = 12, period: str = "2023/24 Q1") -> SimpleUploadedFile:
    data = xlsx_bytes([VALUE_HEADER, ["OB 1", period, value]])
    return SimpleUploadedFile("values.xlsx", data, XLSX)


def _job(council: StaffedOrganisation, pk: int) -> ImportJob:
    with schema_context(council.schema_name):
        return ImportJob.objects.defer("content").get(pk=pk)


def _values(council: StaffedOrganisation) -> list:
    with schema_context(council.schema_name):
        return list(
            IndicatorValue.objects.filter(indicator__code="OB 1").values_list("value", flat=True)
        )


def _message(schema: str, key: str) -> OutboxMessage | None:
    with schema_context("public"):
        return OutboxMessage.objects.filter(schema_name=schema, job_key=key).first()


def _upload(client, file: SimpleUploadedFile | None = None) -> int:
    started = time.monotonic()
    response = client.post(PI_IMPORT, {"kind": "values", "file": file or _values_file()})
    # The upload is accepted (not a 500), and the uploader is not kept waiting long.
    assert response.status_code == 302, response.content[:500]
    assert time.monotonic() - started < 15
    return int(re.fullmatch(rf"{PI_IMPORT}(\d+)/", response["Location"])[1])


def _finished(worker, task_id: str) -> str:
    """The worker's log line for the task's end ("succeeded …: <result>")."""
    found = re.search(rf"\[{task_id}\] (succeeded|raised)[^\n]*", worker.output())
    return found[0] if found else ""


def _deliver(worker, task, pk: int, schema: str) -> str:
    """Send `task(pk)` to the worker in `schema`, as a duplicate delivery would be, and wait
    for its end."""
    sent = task.apply_async(args=[pk], headers={SCHEMA_HEADER: schema})
    return wait_for(lambda: _finished(worker, sent.id), timeout=60, what=f"{task.name} to finish")


def test_an_upload_while_the_broker_is_down_waits_and_is_imported_once_when_it_returns(
    councils, client_for
):
    from goldenthread.platform.indicators.services.importing.jobs import COMMIT, PREVIEW
    from goldenthread.platform.indicators.services.importing.tasks import (
        import_commit_task,
        import_preview_task,
    )

    council, _ = councils
    environment = support.subprocess_environment()
    with private_redis() as redis, app_broker(redis.url):
        client = client_for(council.organisation, user=council.officer)
        redis.stop()  # the broker is down
        # When the officer uploads a file
        pk = _upload(client)
        # Then the file is kept, waiting for the queue, and the page says so
        job = _job(council, pk)
        assert (job.status, job.started_at) == ("previewing", None)
        assert job.phase == jobs.WAITING_FOR_QUEUE
        page = client.get(f"{PI_IMPORT}{pk}/")
        assert page.status_code == 200 and "Waiting for the queue" in page.content.decode()
        status = client.get(f"{PI_IMPORT}{pk}/status.json").json()
        assert status["running"] is True and status["phase"] == jobs.WAITING_FOR_QUEUE
        message = _message(council.schema_name, PREVIEW.key(pk))
        assert message.attempts == 1 and message.last_error and message.sent_at is None

        # When the broker is back and the relay runs
        redis.start()
        with worker_process(broker_url=redis.url, environment=environment) as worker:
            assert relay_now() >= 1
            # Then the worker checks the file, and its message is gone (claimed)
            job = wait_for(
                lambda: (j := _job(council, pk)).status != "previewing" and j,
                timeout=60,
                what="the worker's check of the file",
            )
            assert job.status == "previewed" and job.can_commit, (
                job.message,
                job.problems,
                worker.output()[-4000:],
            )
            assert job.started_at is not None
            assert _message(council.schema_name, PREVIEW.key(pk)) is None
            # And a duplicate delivery of the check does nothing
            assert "'nothing to do'" in _deliver(
                worker, import_preview_task, pk, council.schema_name
            )
            assert _job(council, pk).previewed_at == job.previewed_at
        redis.stop()  # down again, as the officer confirms

        # When the officer confirms while the broker is down
        confirmed = client.post(f"{PI_IMPORT}{pk}/commit/")
        assert confirmed.status_code == 302, confirmed.content[:500]
        job = _job(council, pk)
        assert (job.status, job.started_at, job.phase) == (
            "committing",
            None,
            jobs.WAITING_FOR_QUEUE,
        )
        # And confirms again (another tab): refused, nothing more is queued
        again = client.post(f"{PI_IMPORT}{pk}/commit/", follow=True)
        assert "cannot be imported" in again.content.decode()
        with schema_context("public"):
            assert (
                OutboxMessage.objects.filter(
                    schema_name=council.schema_name, job_key=COMMIT.key(pk)
                ).count()
                == 1
            )
        assert _values(council) == []

        redis.start()
        with worker_process(broker_url=redis.url, environment=environment) as worker:
            relay_now()
            # Then the import is written once the broker is back
            done = wait_for(
                lambda: (j := _job(council, pk)).status in ("committed", "failed") and j,
                timeout=60,
                what="the worker's import",
            )
            assert (done.status, done.message) == ("committed", "")
            # And a duplicate delivery of the commit (and of the check) does nothing
            assert "'nothing to do'" in _deliver(
                worker, import_commit_task, pk, council.schema_name
            )
            assert "'nothing to do'" in _deliver(
                worker, import_preview_task, pk, council.schema_name
            )
    assert _values(council) == [12]
    after = _job(council, pk)
    assert (after.status, after.committed_at, after.counts) == (
        "committed",
        done.committed_at,
        done.counts,
    )
    assert _message(council.schema_name, COMMIT.key(pk)) is None


def test_a_user_import_sent_to_rest_while_the_broker_is_down_is_accepted_and_checked_later(
    councils, client_for
):
    from goldenthread.platform.accounts.services.importing import CHECK

    council, _ = councils
    tag = uuid.uuid4().hex[:6]
    data = xlsx_bytes([USER_HEADER, ["Queued Person", f"queued-{tag}@outbox.example", "verifier"]])
    with private_redis() as redis, app_broker(redis.url):
        client = client_for(council.organisation, user=council.administrator)
        redis.stop()
        # When an administrator sends a file to the REST import while the broker is down
        sent = client.post(USER_IMPORTS, {"file": SimpleUploadedFile("u.xlsx", data, XLSX)})
        # Then it is accepted (202, where to ask), waiting for the queue
        assert sent.status_code == 202, sent.content
        body = sent.json()
        assert body["status"] == "checking" and sent["Retry-After"] == "1"
        location = sent["Location"]
        asked = client.get(location)
        assert asked.json()["phase"] == jobs.WAITING_FOR_QUEUE and asked["Retry-After"] == "1"
        assert _message(council.schema_name, CHECK.key(body["id"])).attempts == 1

        redis.start()
        with worker_process(broker_url=redis.url, environment=support.subprocess_environment()):
            relay_now()
            checked = wait_for(
                lambda: (b := client.get(location).json())["status"] != "checking" and b,
                timeout=60,
                what="the worker's check of the user import",
            )
    assert checked["can_commit"] is True and checked["phase"] == ""
    assert [row["email"] for row in checked["rows"]] == [f"queued-{tag}@outbox.example"]
    assert _message(council.schema_name, CHECK.key(body["id"])) is None
    with schema_context(council.schema_name):
        assert UserImport.objects.get(pk=body["id"]).started_at is not None


def test_a_delivery_for_one_organisation_leaves_another_organisations_job_of_the_same_id(
    councils, client_for
):
    """Job ids repeat across organisations (one sequence per schema): the claim and the
    message are per schema, so A's job being run touches nothing of B's job with its id."""
    from goldenthread.platform.indicators.services.importing.jobs import PREVIEW
    from goldenthread.platform.indicators.services.importing.tasks import import_preview_task

    first, second = councils
    with private_redis() as redis, app_broker(redis.url):
        redis.stop()
        pk = _upload(client_for(first.organisation, user=first.officer))
        with schema_context(second.schema_name), connection.cursor() as cursor:
            # is_called false: the next id B's sequence gives is exactly `pk`
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('indicators_importjob', 'id'), %s, false)",
                [pk],
            )
        assert _upload(client_for(second.organisation, user=second.officer)) == pk
        redis.start()
        with worker_process(
            broker_url=redis.url, environment=support.subprocess_environment()
        ) as worker:
            # When only A's check is delivered (not the relay)
            assert "previewed" in _deliver(worker, import_preview_task, pk, first.schema_name)
            # Then B's job of the same id is still waiting, its message still in the outbox
            waiting = _job(second, pk)
            assert (waiting.status, waiting.started_at, waiting.phase) == (
                "previewing",
                None,
                jobs.WAITING_FOR_QUEUE,
            )
            assert _message(second.schema_name, PREVIEW.key(pk)) is not None
            assert _message(first.schema_name, PREVIEW.key(pk)) is None
            # And the relay then sends B's, in B's schema
            relay_now()
            wait_for(
                lambda: _job(second, pk).status == "previewed",
                timeout=60,
                what="B's check, sent by the relay",
            )
    assert _message(second.schema_name, PREVIEW.key(pk)) is None


def test_a_running_job_is_not_sent_again_and_a_duplicate_while_it_runs_does_nothing(
    councils, client_for
):
    from goldenthread.platform.indicators.services.importing.jobs import COMMIT
    from goldenthread.platform.indicators.services.importing.tasks import import_commit_task
    from goldenthread.shared_indicators.publication.tasks import relay_pending

    _, council = councils
    environment = support.subprocess_environment()
    with (
        private_redis() as redis,
        app_broker(redis.url),
        worker_process(broker_url=redis.url, environment=environment) as worker,
    ):
        client = client_for(council.organisation, user=council.officer)
        pk = _upload(client)
        wait_for(lambda: _job(council, pk).status == "previewed", timeout=60, what="the check")
        with psycopg.connect(support.test_database_conninfo()) as holder:
            # The values table, held: the worker's commit stops at its locks
            holder.execute(
                f'LOCK TABLE "{council.schema_name}".indicators_indicatorvalue IN EXCLUSIVE MODE'
            )
            client.post(f"{PI_IMPORT}{pk}/commit/")
            wait_for(
                lambda: _job(council, pk).started_at is not None,
                timeout=60,
                what="the worker to claim the commit",
            )
            # Then the running job's message is gone, so even a relay that re-sends every
            # job not yet started sends nothing for it
            assert _message(council.schema_name, COMMIT.key(pk)) is None
            with schema_context("public"):
                relay_pending(min_age_seconds=0, resend_after_seconds=0)
            # And a duplicate delivered while it runs (here, run in this process) does nothing
            with schema_context(council.schema_name):
                assert import_commit_task.apply(args=[pk]).get() == "nothing to do"
            assert _job(council, pk).status == "committing"
            holder.rollback()
        done = wait_for(
            lambda: (j := _job(council, pk)).status in ("committed", "failed") and j,
            timeout=60,
            what="the import",
        )
        time.sleep(1)  # a second run would fail on the unique values, or write twice
        received = worker.output().count("import_commit_task[")
    assert (done.status, done.message) == ("committed", "")
    assert _values(council) == [12]
    # Received once and finished once: two log lines for the one delivery
    assert received == 2, worker.output()[-3000:]


def test_the_relay_sends_a_job_again_only_when_it_has_not_started_after_the_grace(
    councils,
):
    """No worker: the message sits in the broker, as one the broker lost would never run."""
    from goldenthread.platform.indicators.services.importing.jobs import PREVIEW
    from goldenthread.platform.indicators.services.importing.preview import import_start
    from goldenthread.shared_indicators.publication.tasks import relay_pending

    council, _ = councils
    with private_redis() as redis, app_broker(redis.url):
        with schema_context(council.schema_name):
            job = import_start(
                actor=council.officer,
                kind="values",
                file_name="v.xlsx",
                content=_values_file().read(),
            )
        key = PREVIEW.key(job.pk)
        sent = _message(council.schema_name, key)
        assert sent.sent_at is not None and sent.attempts == 1 and sent.last_error == ""
        with schema_context("public"):
            relay_pending(min_age_seconds=0)  # within the grace: not sent again
            assert _message(council.schema_name, key).attempts == 1
            relay_pending(min_age_seconds=0, resend_after_seconds=0)  # past it: sent again
            assert _message(council.schema_name, key).attempts == 2
        # Once a worker claims it (here, in this process), it is never sent again
        with schema_context(council.schema_name):
            with jobs.claim(PREVIEW, job.pk) as claimed:
                assert claimed is jobs.Claim.CLAIMED
                with jobs.claim(PREVIEW, job.pk) as duplicate:
                    assert duplicate is not jobs.Claim.CLAIMED
        assert _message(council.schema_name, key) is None
        with schema_context(council.schema_name):
            with jobs.claim(PREVIEW, job.pk) as after:
                # Left "previewing" with a claim and nobody holding it: a dead worker's
                assert after is jobs.Claim.ORPHANED
            ImportJob.objects.filter(pk=job.pk).delete()


def test_a_pack_frozen_while_the_broker_is_down_is_made_once_when_it_returns(councils, client_for):
    """A run in the organisation's schema, asked for over REST."""
    from goldenthread.platform.reporting.models import FrozenPack, PackRun
    from goldenthread.platform.reporting.services import definition_create
    from goldenthread.platform.reporting.services.freezing import RUN
    from goldenthread.platform.reporting.tasks import generate_pack

    _, council = councils
    with schema_context(council.schema_name):
        definition = definition_create(
            user=council.officer,
            data={
                "title": f"Queued pack {uuid.uuid4().hex[:4]}",
                "layout": "committee",
                "scope": "all",
                "sections": [{"kind": "pis", "title": "Indicators", "narrative": ""}],
            },
        )
    api = "/api/v1/reporting/"
    with private_redis() as redis, app_broker(redis.url):
        client = client_for(council.organisation, user=council.officer)
        redis.stop()
        # When the officer asks for a frozen pack while the broker is down
        answer = client.post(
            f"{api}definitions/{definition.pk}/freeze/",
            {"period": "2023/24 Q1", "committee": "Cabinet", "meeting_date": "2023-09-01"},
            content_type="application/json",
        )
        # Then it is accepted, and the run waits for the queue
        assert answer.status_code == 202, answer.content
        run_id = answer.json()["id"]
        run = client.get(f"{api}runs/{run_id}/").json()
        assert (run["status"], run["phase"]) == ("queued", jobs.WAITING_FOR_QUEUE), run
        assert _message(council.schema_name, RUN.key(run_id)).attempts == 1

        redis.start()
        with worker_process(
            broker_url=redis.url, environment=support.subprocess_environment()
        ) as worker:
            relay_now()
            done = wait_for(
                lambda: (
                    (r := client.get(f"{api}runs/{run_id}/").json())["status"] in ("done", "failed")
                    and r
                ),
                timeout=120,
                what="the pack run",
            )
            assert done["status"] == "done", done
            # And a duplicate delivery makes no second pack
            assert "'done'" in _deliver(worker, generate_pack, run_id, council.schema_name)
    with schema_context(council.schema_name):
        assert FrozenPack.objects.filter(definition_id=definition.pk).count() == 1
        assert PackRun.objects.get(pk=run_id).frozen_pack_id == done["frozen_pack"]
    assert _message(council.schema_name, RUN.key(run_id)) is None


def test_a_worker_killed_mid_commit_is_delivered_again_and_imports_once(councils, client_for):
    """The killed worker's session holds the job's lock while it waits for the values table;
    it is ended within seconds (the client check), so the redelivery finds the job orphaned
    and runs the commit, which the dead worker had not written."""
    council, _ = councils
    period = "2023/24 Q3"
    environment = support.subprocess_environment()
    with (
        private_redis() as redis,
        app_broker(redis.url),
        worker_process(broker_url=redis.url, environment=environment) as worker,
    ):
        client = client_for(council.organisation, user=council.officer)
        pk = _upload(client, _values_file(34, period))
        wait_for(lambda: _job(council, pk).status == "previewed", timeout=60, what="the check")
        with (
            psycopg.connect(support.test_database_conninfo()) as holder,
            psycopg.connect(support.test_database_conninfo(), autocommit=True) as watcher,
        ):
            holder.execute(
                f'LOCK TABLE "{council.schema_name}".indicators_indicatorvalue IN EXCLUSIVE MODE'
            )
            client.post(f"{PI_IMPORT}{pk}/commit/")
            holder_pid = holder.info.backend_pid
            first = wait_for(
                lambda: support.session_blocked_by(watcher, holder_pid),
                timeout=60,
                what="the worker's commit to wait for the values table",
            )
            worker.kill_pool_child()
            # Delivered again to the new pool process, which runs the commit again: it waits
            # for the table too, from another session
            second = wait_for(
                lambda: (
                    (pid := support.session_blocked_by(watcher, holder_pid)) not in (None, first)
                    and pid
                ),
                timeout=60,
                what="the redelivered commit to wait for the values table",
            )
            assert second != first
            holder.rollback()
        done = wait_for(
            lambda: (j := _job(council, pk)).status in ("committed", "failed") and j,
            timeout=60,
            what="the import after the kill",
        )
        output = worker.output()
    assert (done.status, done.message) == ("committed", ""), done.message
    with schema_context(council.schema_name):
        assert list(
            IndicatorValue.objects.filter(indicator__code="OB 1", period_code=period).values_list(
                "value", flat=True
            )
        ) == [34]
    assert output.count("import_commit_task[") >= 3  # received, delivered again, finished
