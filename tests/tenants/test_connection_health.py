"""Django's connection health check (CONN_HEALTH_CHECKS) without a `SELECT 1` on every
request: a quiet socket is trusted, one the server has spoken on (it ended the session) is
checked, and a dead connection is replaced before the request's first query."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import connection

from tests import support
from tests.fixtures.threads import run_in_own_connection


@pytest.fixture
def own_connection(django_db_blocker):
    def run(work):
        return run_in_own_connection(django_db_blocker, work)

    return run


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _other_session() -> psycopg.Connection:
    """A session of its own on the test database, outside Django, to watch a backend."""
    return psycopg.connect(support.test_database_conninfo(), autocommit=True)


def _last_statement_of(pid: int) -> str:
    """What the backend last ran."""
    with _other_session() as other:
        row = other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    return row[0] if row else ""


def _terminate(pid: int) -> None:
    with _other_session() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            gone = other.execute(
                "SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = %s", [pid]
            ).fetchone()[0]
            if gone:
                return
            time.sleep(0.05)
    raise AssertionError(f"backend {pid} did not end")


def test_a_healthy_idle_connection_is_usable_without_a_statement(own_connection):
    def work():
        pid = _backend_pid()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 'health-marker'")
        usable = connection.is_usable()
        return usable, _last_statement_of(pid)

    usable, last = own_connection(work)
    assert usable
    assert last == "SELECT 'health-marker'"  # is_usable sent nothing


def test_a_connection_the_server_ended_is_unusable_and_replaced_before_the_next_query(
    own_connection,
):
    def work():
        pid = _backend_pid()
        _terminate(pid)
        usable = connection.is_usable()
        # What a request's first query does: the health check closes the dead connection,
        # and the query runs on a new one instead of failing.
        connection.health_check_done = False
        connection.close_if_health_check_failed()
        return usable, pid, _backend_pid()

    usable, old, new = own_connection(work)
    assert not usable
    assert new != old
