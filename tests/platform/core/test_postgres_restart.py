"""PostgreSQL restarted while a write request is in flight (issue #16, item 5), with real
processes: a private PostgreSQL cluster (`tests/fixtures/private_postgres.py`: the shared
server is never restarted), gunicorn serving the platform against it with production's
settings file, and `pg_ctl restart -m fast` while the request is in the middle of its
transaction.

The request is a REST update of an indicator: it updates the indicator's row, then writes
its audit entry. The test holds the audit table's lock from another connection, so the
request has written the first and waits for the second when the server restarts. The client
must get the API's one error body with 503 and `Retry-After` (no SQL, no stack trace), the
indicator must be as it was (PostgreSQL rolled the half-done transaction back), and the next
requests must succeed on connections opened again after the restart (CONN_MAX_AGE keeps each
thread's connection between requests; CONN_HEALTH_CHECKS finds the dead ones).

`test_unavailable.py` covers the other interfaces (pages, GraphQL) with one backend
terminated on the shared server; this is the whole server going away and coming back.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from psycopg import sql

from tests import support
from tests.fixtures.private_postgres import private_cluster, unavailable_reason, wait_until
from tests.fixtures.processes import REPO, gunicorn_with_shipped_settings

pytestmark = [
    pytest.mark.private_postgres,
    pytest.mark.skipif(
        unavailable_reason() is not None,
        reason=f"no private PostgreSQL: {unavailable_reason()} (.ci/run installs it)",
    ),
]

LEAKS = ("terminating connection", "SELECT", "UPDATE", "INSERT", "pid", "psycopg", "Traceback")
GUNICORN_THREADS = 4


@pytest.fixture(scope="module")
def site() -> Iterator[dict]:
    """The private cluster with a migrated database, one organisation and gunicorn serving
    it (the shared `gunicorn_with_shipped_settings`: one worker, GUNICORN_THREADS threads).
    Yields the organisation's facts (host, schema, key, indicator) with the cluster, the port
    and the server (for its log)."""
    with private_cluster() as cluster:
        cluster.create_database("gt_restart")
        environment = {
            **os.environ,
            "DATABASE_URL": cluster.url("gt_restart"),
            "DJANGO_SETTINGS_MODULE": "goldenthread.platform.settings.test",
            "OTEL_TRACES_EXPORTER": "none",
            "OTEL_METRICS_EXPORTER": "none",
        }
        prepared = subprocess.run(
            [sys.executable, "-m", "tests.fixtures.restart_site"],
            cwd=REPO,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert prepared.returncode == 0, prepared.stderr[-3000:]
        facts = json.loads(prepared.stdout.strip().splitlines()[-1])
        settings = {
            "DATABASE_URL": environment["DATABASE_URL"],
            "GUNICORN_WORKERS": "1",
            "GUNICORN_THREADS": str(GUNICORN_THREADS),
        }
        app = "goldenthread.platform.wsgi:application"
        with gunicorn_with_shipped_settings(app, settings=settings) as server:
            server.wait_until_live()
            yield {**facts, "cluster": cluster, "port": server.port, "server": server}


def send(site: dict, method: str, path: str, body: dict | None = None):
    """One request on a fresh HTTP connection; returns (status, headers, text)."""
    connection = http.client.HTTPConnection("127.0.0.1", site["port"], timeout=90)
    connection.request(
        method,
        path,
        body=json.dumps(body) if body is not None else None,
        headers={
            "Host": site["host"],
            "Authorization": f"Bearer {site['key']}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return response.status, dict(response.getheaders()), text


def stored(site: dict) -> tuple[str, int]:
    """The indicator's title and its number of audit entries, read directly."""
    with psycopg.connect(site["cluster"].conninfo("gt_restart")) as reader:
        schema = sql.Identifier(site["schema"])
        title = reader.execute(
            sql.SQL("SELECT title FROM {}.indicators_indicator WHERE id = %s").format(schema),
            [site["indicator"]],
        ).fetchone()[0]
        audits = reader.execute(
            sql.SQL("SELECT count(*) FROM {}.indicators_auditentry WHERE indicator_id = %s").format(
                schema
            ),
            [site["indicator"]],
        ).fetchone()[0]
    return title, audits


def test_postgres_restarted_mid_write_answers_503_writes_nothing_and_the_next_request_works(
    site,
):
    path = f"/api/v1/indicators/{site['indicator']}/"
    # Every gunicorn thread opens its persistent connection before the restart, so the
    # requests afterwards start on connections the restart killed.
    with ThreadPoolExecutor(GUNICORN_THREADS * 2) as pool:
        warm = list(pool.map(lambda _: send(site, "GET", path)[0], range(GUNICORN_THREADS * 2)))
    assert warm == [200] * (GUNICORN_THREADS * 2)
    title_before, audits_before = stored(site)

    cluster = site["cluster"]
    outcome: dict = {}

    def patch() -> None:
        try:
            outcome["response"] = send(site, "PATCH", path, {"title": "Half-written title"})
        except BaseException as exc:  # reported by the test, not lost in the thread
            outcome["error"] = exc

    holder = psycopg.connect(cluster.conninfo("gt_restart"))
    watcher = psycopg.connect(cluster.conninfo("gt_restart"), autocommit=True)
    try:
        holder.execute(
            f'LOCK TABLE "{site["schema"]}".indicators_auditentry IN ACCESS EXCLUSIVE MODE'
        )
        request = threading.Thread(target=patch)
        request.start()
        victim = wait_until(
            lambda: support.session_blocked_by(watcher, holder.info.backend_pid),
            timeout=30,
            what="the request to wait for the audit table",
        )
        # The request is mid-transaction: it has already written the indicator's row.
        [[writes_indicator]] = watcher.execute(
            "SELECT count(*) FROM pg_locks WHERE pid = %s AND mode = 'RowExclusiveLock' "
            "AND relation = %s::regclass",
            [victim, f'"{site["schema"]}".indicators_indicator'],
        ).fetchall()
        assert writes_indicator == 1
        server_before = cluster.postmaster_pid()
        cluster.restart("fast")
        assert cluster.postmaster_pid() != server_before  # a new server, not the same one
        request.join(timeout=90)
    finally:
        for connection in (holder, watcher):
            with contextlib.suppress(psycopg.Error):
                connection.close()
    assert not request.is_alive(), "the request never answered"
    if "error" in outcome:
        raise outcome["error"]

    status, headers, text = outcome["response"]
    assert status == 503, text[:500]
    assert headers["Retry-After"] == "5"
    body = json.loads(text)
    assert body["code"] == "unavailable"
    assert body["extra"]["retry_after"] == 5
    assert "nothing was saved" in body["message"]
    for leak in LEAKS:
        assert leak not in text, f"{leak!r} reached the client: {text[:300]}"
    # The operators have the exception and the trace id in the server's log.
    log = site["server"].log_text()
    assert "database unavailable (OperationalError) on PATCH" in log
    # Which words PostgreSQL's ending reached the request with depends on the moment: the
    # backend's own "terminating connection" (admin_shutdown), the socket closed under it, or,
    # for a statement that came as the server stopped, "the database system is shutting down".
    assert any(
        words in log
        for words in (
            "admin_shutdown",
            "terminating connection",
            "server closed the connection unexpectedly",
            "the database system is shutting down",
        )
    ), log[-2000:]

    # Nothing half-written: the indicator's update was rolled back with its audit entry.
    assert stored(site) == (title_before, audits_before)

    # The next requests work: each thread finds its connection dead and opens another.
    with ThreadPoolExecutor(GUNICORN_THREADS * 2) as pool:
        after = list(pool.map(lambda _: send(site, "GET", path)[0], range(GUNICORN_THREADS * 2)))
    assert after == [200] * (GUNICORN_THREADS * 2)
    status, _, text = send(site, "PATCH", path, {"title": "Written after the restart"})
    assert status == 200, text[:500]
    assert stored(site) == ("Written after the restart", audits_before + 1)
