"""A database connection is retired after the request, or the Celery task, in which it has
served DATABASE_SCHEMAS_PER_CONNECTION organisation schemas, so a PostgreSQL backend never
caches the catalogue of a whole large estate — and never in the middle of a request or task.

Requests are served in a thread of their own (as a web server's are), with its own
connection outside the test's transaction, to the committed organisations Alpha and Beta.
Tasks run on the run's real Celery worker (a thread with its own connection, consuming from
the real broker). Backend process ids tell connections apart: a retired connection's backend
has ended.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.http import JsonResponse
from django.test import Client, override_settings
from django.urls import path
from django_tenants.utils import schema_context

from tests.fixtures import probe_tasks
from tests.fixtures.threads import allow_database_in_this_thread
from tests.fixtures.worker import _close_worker_connections, finished_tasks, wait_for


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def schema_probe(request):
    """The backend serving this request, read at its start and at its end, with a query in
    each schema named in ?visit= (as a cross-organisation read would) in between."""
    first = backend_pid()
    user_counts = {}
    for schema in filter(None, request.GET.get("visit", "").split(",")):
        with schema_context(schema), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM accounts_user")
            user_counts[schema] = cursor.fetchone()[0]
    return JsonResponse({"pids": [first, backend_pid()], "user_counts": user_counts})


urlpatterns = [path("schema-probe/", schema_probe)]


class Server:
    """Sends requests from one long-lived thread, as one web server thread would."""

    def __init__(self, django_db_blocker):
        self.blocker = django_db_blocker

    def send(self, *requests: tuple[str, str]) -> list[dict]:
        answers: list[dict] = []
        failures: list[BaseException] = []

        def serve() -> None:
            from django.db import connections

            allow_database_in_this_thread(self.blocker)
            try:
                for host, query in requests:
                    response = Client(HTTP_HOST=host).get(f"/schema-probe/{query}")
                    assert response.status_code == 200, response.content[:300]
                    body = response.json()
                    body["open_after"] = connection.connection is not None
                    answers.append(body)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
                failures.append(exc)
            finally:
                connections.close_all()

        thread = threading.Thread(target=serve)
        thread.start()
        thread.join()
        if failures:
            raise failures[0]
        return answers


@pytest.fixture
def server(django_db_blocker):
    with override_settings(ROOT_URLCONF=__name__):
        yield Server(django_db_blocker)


@pytest.fixture
def hosts(org_a, org_b):
    return org_a.get_primary_domain().domain, org_b.get_primary_domain().domain


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 1


@override_settings(DATABASE_SCHEMAS_PER_CONNECTION=2)
def test_a_connection_is_replaced_after_the_request_that_reaches_the_schema_limit(server, hosts):
    alpha, beta = hosts
    first, again, second, after = server.send((alpha, ""), (alpha, ""), (beta, ""), (alpha, ""))

    # Alpha twice is one schema: the same backend, kept open
    assert first["pids"][0] == again["pids"][0]
    assert first["open_after"] and again["open_after"]
    # Beta is the second schema: served by the same backend, which is closed afterwards
    assert second["pids"] == [first["pids"][0]] * 2
    assert not second["open_after"]
    # and the next request gets a new backend, which has served one schema so far
    assert after["pids"][0] != first["pids"][0]
    assert after["open_after"]


@override_settings(DATABASE_SCHEMAS_PER_CONNECTION=2)
def test_a_request_that_passes_the_limit_finishes_on_its_own_connection(
    server, hosts, org_a, org_b
):
    alpha, _beta = hosts
    # One request to Alpha that also reads Beta's schema: the limit is reached half-way
    (crossing, after) = server.send(
        (alpha, f"?visit={org_b.schema_name},{org_a.schema_name}"), (alpha, "")
    )

    # Every query of that request ran on one backend, and each schema answered
    start, end = crossing["pids"]
    assert start == end
    assert set(crossing["user_counts"]) == {org_a.schema_name, org_b.schema_name}
    # The connection was retired only once the request had finished
    assert not crossing["open_after"]
    assert after["pids"][0] != start
    assert not backend_alive(start)


@pytest.mark.parametrize("limit", [0, 3])
def test_below_the_limit_or_without_one_the_connection_is_kept(server, hosts, limit):
    alpha, beta = hosts
    with override_settings(DATABASE_SCHEMAS_PER_CONNECTION=limit):
        answers = server.send((alpha, ""), (beta, ""), (alpha, ""), (beta, ""))

    assert len({answer["pids"][0] for answer in answers}) == 1
    assert all(answer["open_after"] for answer in answers)


# --- Celery workers --------------------------------------------------------------------------
#
# Celery's Django fixup closes every connection before and after each task unless Celery's own
# CELERY_DB_REUSE_MAX is set (Celery 5.6+ no longer follows CONN_MAX_AGE there): by default a
# worker's backend lives for one task, and the schema limit is what bounds it once connections
# are reused across tasks. The tests below make the run's worker reuse them as
# CELERY_DB_REUSE_MAX would, except the first, which pins the default.


class Worker:
    """Runs `tests.probe.visit_schemas` on the run's worker, one task at a time."""

    def run(self, visit: list[str], *, in_schema: str | None = None) -> dict:
        with finished_tasks() as finished:
            if in_schema:
                with schema_context(in_schema):
                    sent = probe_tasks.visit_schemas.delay(visit)
            else:
                sent = probe_tasks.visit_schemas.delay(visit)
            wait_for(lambda: sent.id in finished, what="the probe task")
        state, value = finished[sent.id]
        assert state == "SUCCESS", value
        return value


@pytest.fixture
def without_the_harness_close():
    """Without the test harness's own close of the connections after every task (which would
    hide what the schema limit does); put back afterwards."""
    from celery.signals import task_postrun

    task_postrun.disconnect(dispatch_uid="test_worker_close")
    try:
        yield
    finally:
        task_postrun.connect(
            _close_worker_connections, weak=False, dispatch_uid="test_worker_close"
        )


def celery_django_worker_fixup():
    from goldenthread.platform.celery_app import app

    installed = [f._worker_fixup for f in app._fixups if getattr(f, "_worker_fixup", None)]
    assert len(installed) == 1, "the worker should run with Celery's Django fixup"
    return installed[0]


@pytest.fixture
def worker(celery_worker, without_the_harness_close):
    """The run's worker as it runs in production (Celery's fixup closing every connection
    around each task); one last task leaves its connection closed, as the harness expects."""
    yield Worker()
    Worker().run([])


@pytest.fixture
def reusing_worker(worker):
    """The run's worker reusing its connections across tasks, as with CELERY_DB_REUSE_MAX."""
    fixup = celery_django_worker_fixup()
    saved = fixup.db_reuse_max, fixup._db_recycles
    fixup.db_reuse_max, fixup._db_recycles = 1_000_000, 0
    try:
        yield worker
    finally:
        fixup.db_reuse_max, fixup._db_recycles = saved


def backends_alive(django_db_blocker, *pids: int) -> set[int]:
    """Which of `pids` still have a backend, read outside any transaction (pg_stat_activity
    is a snapshot for the length of one)."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE pid = ANY(%s)", [list(pids)])
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.worker
@override_settings(DATABASE_SCHEMAS_PER_CONNECTION=0)
def test_by_default_a_worker_opens_a_new_backend_for_every_task(worker, django_db_blocker):
    """Celery's Django fixup, not the schema limit (off here): if this starts failing, Celery
    reuses connections across tasks again and the tests below are what bound a backend."""
    first, second = worker.run([]), worker.run([])

    assert first["pids"][0] != second["pids"][0]
    assert backends_alive(django_db_blocker, first["pids"][0]) == set()


@pytest.mark.worker
@override_settings(DATABASE_SCHEMAS_PER_CONNECTION=2)
def test_a_task_that_reaches_the_schema_limit_leaves_the_next_task_a_new_backend(
    reusing_worker, session_organisations, django_db_blocker
):
    alpha, beta = (session_organisations[slug].schema_name for slug in ("alpha", "beta"))
    # A task in the public schema that loops over two organisations (and Alpha again)
    looping = reusing_worker.run([alpha, beta, alpha])
    after = reusing_worker.run([])

    # It finished on the backend it started on, and ran where it was sent
    assert looping["pids"][0] == looping["pids"][1]
    assert looping["schema"] == "public"
    # Two schemas reach the limit: the next task is served by a new backend, the old one ended
    assert after["pids"][0] != looping["pids"][0]
    assert backends_alive(django_db_blocker, looping["pids"][0]) == set()


@pytest.mark.worker
@override_settings(DATABASE_SCHEMAS_PER_CONNECTION=2)
def test_the_organisation_a_task_runs_in_counts_towards_the_limit(
    reusing_worker, session_organisations
):
    alpha, beta = (session_organisations[slug].schema_name for slug in ("alpha", "beta"))
    own = reusing_worker.run([], in_schema=alpha)
    again = reusing_worker.run([], in_schema=alpha)
    crossing = reusing_worker.run([beta], in_schema=alpha)
    after = reusing_worker.run([], in_schema=beta)

    # Alpha's tasks share one backend (one schema); reading Beta from Alpha's task is the
    # second schema, so the task after it has a new backend — and runs in its own organisation
    assert own["schema"] == again["schema"] == crossing["schema"] == alpha
    assert own["pids"][0] == again["pids"][0] == crossing["pids"][1]
    assert after["pids"][0] != crossing["pids"][1]
    assert after["schema"] == beta


@pytest.mark.worker
@pytest.mark.parametrize("limit", [0, 3])
def test_below_the_limit_or_without_one_a_reusing_worker_keeps_its_connection(
    reusing_worker, session_organisations, django_db_blocker, limit
):
    alpha, beta = (session_organisations[slug].schema_name for slug in ("alpha", "beta"))
    with override_settings(DATABASE_SCHEMAS_PER_CONNECTION=limit):
        runs = [
            reusing_worker.run([alpha, beta]),
            reusing_worker.run([beta]),
            reusing_worker.run([alpha]),
        ]

    pids = {pid for run in runs for pid in run["pids"]}
    assert len(pids) == 1
    assert backends_alive(django_db_blocker, *pids) == pids


@override_settings(DATABASE_SCHEMAS_PER_CONNECTION=1)
def test_a_task_run_eagerly_leaves_its_callers_connection_alone(
    session_organisations, django_db_blocker, without_the_harness_close
):
    """`apply()` runs the task in the caller's thread, perhaps in the middle of a request: the
    caller's connection must survive it even past the limit (its own end decides)."""
    alpha, beta = (session_organisations[slug].schema_name for slug in ("alpha", "beta"))
    with django_db_blocker.unblock():
        try:
            # A fresh connection: the test thread's own has served earlier tests' schemas.
            connection.close()
            ran = probe_tasks.visit_schemas.apply(args=[[alpha, beta]]).get()
            assert connection.schemas_served == {alpha, beta}
            assert connection.connection is not None
            assert backend_pid() == ran["pids"][1]
        finally:
            connection.close()
