"""A database that goes away in the middle of a request (PostgreSQL restarting, a deadlock
broken by aborting us) is answered with 503 and `Retry-After`, logged with the trace id, and
shows the client nothing of the SQL or the server's process ids; nothing is half-written.

The fault is real: the request's own PostgreSQL backend is terminated while the request waits
for it, which is what every client sees when the server restarts (`57P01 admin_shutdown`). Only
that one backend of this run's test database is terminated; the shared server keeps running.
That covers each interface (pages, REST, GraphQL) in this process; the whole server restarted
under gunicorn, and the connections re-established afterwards, is `test_postgres_restart.py`.
"""

from __future__ import annotations

import json
import logging
import threading
import time

import psycopg
import pytest
from django.test import Client
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.services import api_credential_issue
from goldenthread.platform.indicators.models import AuditEntry, Indicator
from goldenthread.shared_indicators.models import CatalogueIndicator
from tests import support
from tests.conftest import host_of
from tests.factories import IndicatorFactory
from tests.fixtures.threads import allow_database_in_this_thread

LEAKS = ("terminating connection", "SELECT", "FROM", "pid", "Process", "psycopg", "Traceback")


def terminated_mid_request(table: str, send, blocker):
    """Hold an exclusive lock on `table`, run `send()` in a thread, and terminate the backend
    that waits for the lock (the request's). Returns the response `send` got."""
    outcome: dict = {}

    def run() -> None:
        allow_database_in_this_thread(blocker)
        try:
            outcome["response"] = send()
        except BaseException as exc:  # reported by the test, not lost in the thread
            outcome["error"] = exc
        finally:
            from django.db import connections

            connections.close_all()

    # The watcher is a second connection in autocommit: a transaction sees one snapshot of
    # pg_stat_activity, so the holder itself would never see the request arrive.
    with (
        psycopg.connect(support.test_database_conninfo()) as holder,
        psycopg.connect(support.test_database_conninfo(), autocommit=True) as watcher,
    ):
        holder.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 20
        victim = None
        while victim is None and time.monotonic() < deadline:
            victim = support.session_blocked_by(watcher, holder.info.backend_pid)
            if victim is None:
                time.sleep(0.02)
        if victim is None:
            thread.join(timeout=5)
            got = outcome.get("response")
            pytest.fail(
                f"the request never waited for {table}; it answered "
                f"{getattr(got, 'status_code', None)}: {getattr(got, 'content', b'')[:300]!r} "
                f"{outcome.get('error')!r}"
            )
        watcher.execute("SELECT pg_terminate_backend(%s)", [victim])
        thread.join(timeout=20)
        holder.rollback()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["response"]


def assert_clean_503(response, caplog) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    for leak in LEAKS:
        assert leak not in body, f"{leak!r} reached the client: {body[:300]}"
    records = [r for r in caplog.records if r.name == "goldenthread.unavailable"]
    assert records, "the fault was not logged"
    assert records[-1].exc_info is not None  # the operators get the exception
    assert "trace_id=" in records[-1].getMessage()


@pytest.fixture
def alpha(session_organisations):
    return session_organisations["alpha"]


@pytest.fixture
def host(alpha, django_db_blocker):
    with django_db_blocker.unblock():
        return host_of(alpha)


@pytest.fixture
def committed_user(alpha, make_user, django_db_blocker):
    """A user of Alpha with an API key, committed (the request threads read committed data)."""

    def make(roles):
        with django_db_blocker.unblock():
            member = make_user(alpha, roles=roles)
            with schema_context(alpha.schema_name):
                _, key = api_credential_issue(user=member.user, name="fault test")
        return member, key

    return make


def test_a_page_whose_database_connection_dies_answers_503_and_the_next_one_works(
    alpha, host, committed_user, django_db_blocker, caplog
):
    caplog.set_level(logging.ERROR, logger="goldenthread.unavailable")
    member, _ = committed_user(["councillor"])
    table = f'"{alpha.schema_name}".{Indicator._meta.db_table}'
    client = Client(HTTP_HOST=host, raise_request_exception=False)
    with django_db_blocker.unblock(), schema_context(alpha.schema_name):
        client.force_login(member.user)

    response = terminated_mid_request(table, lambda: client.get("/indicators/"), django_db_blocker)
    assert_clean_503(response, caplog)
    assert "try again" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    # PostgreSQL is back (it never left): the next request reconnects and succeeds.
    with django_db_blocker.unblock():
        assert client.get("/indicators/").status_code == 200


def test_a_rest_request_whose_database_connection_dies_answers_503_json(
    alpha, host, committed_user, django_db_blocker, caplog
):
    caplog.set_level(logging.ERROR, logger="goldenthread.unavailable")
    _, key = committed_user(["councillor"])
    table = f'"{alpha.schema_name}".{Indicator._meta.db_table}'

    def send():
        return Client(HTTP_HOST=host, raise_request_exception=False).get(
            "/api/v1/indicators/", HTTP_AUTHORIZATION=f"Bearer {key}"
        )

    response = terminated_mid_request(table, send, django_db_blocker)
    assert_clean_503(response, caplog)
    body = response.json()
    assert body["code"] == "unavailable"
    assert body["extra"]["retry_after"] == 5


def test_a_graphql_query_whose_database_connection_dies_answers_503_not_the_sql(
    alpha, host, committed_user, django_db_blocker, caplog
):
    caplog.set_level(logging.ERROR, logger="goldenthread.unavailable")
    _, key = committed_user(["councillor"])
    query = "query { catalogueIndicators(first: 5) { code title } }"

    def send():
        return Client(HTTP_HOST=host, raise_request_exception=False).post(
            "/graphql/",
            data=json.dumps({"query": query}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    response = terminated_mid_request(CatalogueIndicator._meta.db_table, send, django_db_blocker)
    assert_clean_503(response, caplog)
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAVAILABLE"
    assert error["extensions"]["retryAfter"] == 5


def test_a_write_cut_off_by_the_fault_leaves_nothing_half_written(
    alpha, host, committed_user, django_db_blocker, caplog
):
    """The REST update writes the indicator, then its audit entry; the connection dies while
    the audit entry waits, so PostgreSQL rolls the indicator's change back too."""
    caplog.set_level(logging.ERROR, logger="goldenthread.unavailable")
    _, key = committed_user(["performance_officer"])
    with django_db_blocker.unblock(), schema_context(alpha.schema_name):
        indicator = IndicatorFactory(title="Household waste recycled")
    table = f'"{alpha.schema_name}".{AuditEntry._meta.db_table}'

    def send():
        return Client(HTTP_HOST=host, raise_request_exception=False).patch(
            f"/api/v1/indicators/{indicator.pk}/",
            data=json.dumps({"title": "Half-written title"}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    response = terminated_mid_request(table, send, django_db_blocker)
    assert_clean_503(response, caplog)
    with django_db_blocker.unblock(), schema_context(alpha.schema_name):
        indicator.refresh_from_db()
        assert indicator.title == "Household waste recycled"
        assert not AuditEntry.objects.filter(indicator=indicator).exists()
