"""A loop over many organisations inside one request, task or command retires its connection
between organisations once it has served DATABASE_SCHEMAS_PER_CONNECTION schemas
(`connection_lifetime.between_organisations`), never inside a transaction, and its results are
unchanged.

The organisations are real copies of the template schema, committed (a loop outside any
transaction is what is tested, so the test's statements commit as they go), each given a small
table holding as many rows as its number, and dropped afterwards. Backend process ids tell
connections apart.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django_tenants.utils import schema_context

from goldenthread.tenants import usage
from goldenthread.tenants.connection_lifetime import between_organisations
from goldenthread.tenants.models import Organisation
from goldenthread.tenants.schema_copy import copy_schema
from goldenthread.tenants.template_schema import template_schema_name


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 1


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """The test's own statements commit as they go, as a task's or a command's do."""
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


@pytest.fixture
def estate(committed):
    """Five organisation-shaped schemas; schema number n holds n rows in `loop_probe`."""
    prefix = f"loop_{uuid.uuid4().hex[:8]}"
    schemas = [f"{prefix}_{n}" for n in range(1, 6)]
    for n, schema in enumerate(schemas, start=1):
        copy_schema(template_schema_name(), schema)
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE TABLE "{schema}".loop_probe (n int)')
            cursor.execute(f'INSERT INTO "{schema}".loop_probe SELECT generate_series(1, %s)', [n])
    connection.close()  # every test starts on a new backend that has served nothing
    yield schemas
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        for schema in schemas:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def loop_over(schemas: list[str]) -> list[dict]:
    """What a sweep does: a read in each organisation in turn, `between_organisations` after
    each. Notes, for each, the answer, the backend and how many schemas it has served."""
    seen = []
    for schema in schemas:
        with schema_context(schema), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM loop_probe")
            seen.append(
                {
                    "rows": cursor.fetchone()[0],
                    "pid": backend_pid(),
                    "served": len(connection.schemas_served),
                }
            )
        between_organisations()
    return seen


@override_settings(DATABASE_SCHEMAS_PER_CONNECTION=3)
def test_a_loop_over_more_organisations_than_the_limit_changes_backend_on_the_way(estate):
    seen = loop_over(estate)

    # Each organisation answered with its own rows
    assert [s["rows"] for s in seen] == [1, 2, 3, 4, 5]
    # No backend served more than the limit at any point
    assert max(s["served"] for s in seen) == 3
    # The first three on one backend, retired after the third; the rest on a new one
    pids = [s["pid"] for s in seen]
    assert len(set(pids[:3])) == 1
    assert pids[3] == pids[4] != pids[0]
    assert not backend_alive(pids[0])
    assert [s["served"] for s in seen] == [1, 2, 3, 1, 2]


@override_settings(DATABASE_SCHEMAS_PER_CONNECTION=3)
def test_inside_a_transaction_the_loop_keeps_its_connection(estate):
    with transaction.atomic():
        seen = loop_over(estate)
        # Still open, and still in the transaction: nothing was closed half-way
        assert connection.connection is not None and connection.in_atomic_block

    assert [s["rows"] for s in seen] == [1, 2, 3, 4, 5]
    assert len({s["pid"] for s in seen}) == 1
    assert seen[-1]["served"] == 5
    # Once the transaction has ended, the next call between organisations retires it
    between_organisations()
    assert connection.connection is None
    assert backend_pid() != seen[0]["pid"]


@override_settings(DATABASE_SCHEMAS_PER_CONNECTION=3)
def test_a_loop_holding_a_session_lock_keeps_its_connection(estate):
    """A job's claim is a session-level advisory lock (`core.jobs`): closing the connection
    mid-loop would let a second delivery run the same job."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(4242, 4242)")
    try:
        seen = loop_over(estate)
        assert len({s["pid"] for s in seen}) == 1
        assert seen[-1]["served"] == 5
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(4242, 4242)")
    # Released: the next call retires it
    between_organisations()
    assert connection.connection is None


@override_settings(DATABASE_SCHEMAS_PER_CONNECTION=0)
def test_without_a_limit_the_loop_keeps_its_connection(estate):
    seen = loop_over(estate)
    assert len({s["pid"] for s in seen}) == 1
    assert connection.connection is not None


def test_the_usage_figures_retire_the_connection_that_read_the_whole_estate(estate):
    """The helpdesk's usage figures read every organisation's schema in each of their
    statements: the connection that did is retired as soon as they are computed, and the
    figures are the same as without a limit."""
    organisations = [
        Organisation(schema_name=schema, name=schema, slug=schema) for schema in estate
    ]
    with override_settings(DATABASE_SCHEMAS_PER_CONNECTION=0):
        unlimited = usage.usage_for(organisations)
    connection.close()

    with override_settings(DATABASE_SCHEMAS_PER_CONNECTION=3):
        before = backend_pid()
        limited = usage.usage_for(organisations)
        after = backend_pid()

    assert after != before
    assert not backend_alive(before)
    assert len(connection.schemas_served) < 3
    assert [
        (r.organisation.schema_name, r.users, r.indicators, r.database_bytes) for r in limited
    ] == [(r.organisation.schema_name, r.users, r.indicators, r.database_bytes) for r in unlimited]
