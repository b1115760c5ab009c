"""The catalogue that provisioning and migrations churn is vacuumed once its dead rows pass an
absolute bound (`tenants.catalogue_upkeep`), by beat's task and at the end of `goldenthread
migrate`; a role that may not vacuum it is told so by name, and nothing is vacuumed inside a
transaction.

VACUUM cannot run in the test's transaction, so the work runs on connections of its own
(`run_in_own_connection`), committed, as a worker's or a command's would.
"""

from __future__ import annotations

import re
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from goldenthread.platform.core.errors import DomainError
from goldenthread.tenants.catalogue_upkeep import vacuum_churned_catalogue
from goldenthread.tenants.tasks import vacuum_catalogue
from tests.fixtures.threads import run_in_own_connection
from tests.fixtures.worker import finished_tasks, wait_for

CHURNED_TABLES = 30


@pytest.fixture
def own_connection(django_db_blocker):
    def run(work):
        return run_in_own_connection(django_db_blocker, work)

    return run


def _churn_pg_class() -> None:
    """Leave dead rows in pg_class (tables created and dropped, each committed) and have the
    statistics flushed now rather than within the second: the flush happens when the backend
    next waits for a command, which the closing SELECT makes it do."""
    suffix = uuid.uuid4().hex[:8]
    with connection.cursor() as cursor:
        for number in range(CHURNED_TABLES):
            name = f"public.gt_upkeep_{suffix}_{number}"
            cursor.execute(f"CREATE TABLE {name} (id integer PRIMARY KEY)")
            cursor.execute(f"DROP TABLE {name}")
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT 1")


def _pg_class_statistics() -> tuple[int, object]:
    """pg_class's dead rows and last manual vacuum, as the statistics views show them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT n_dead_tup, last_vacuum FROM pg_stat_sys_tables "
            "WHERE schemaname = 'pg_catalog' AND relname = 'pg_class'"
        )
        return cursor.fetchone()


def _churned_statistics() -> tuple[int, object]:
    _churn_pg_class()
    return _pg_class_statistics()


def test_a_catalogue_table_past_the_bound_is_vacuumed(own_connection):
    # Given pg_class holds more dead rows than the bound
    dead, last_vacuum = own_connection(_churned_statistics)
    assert dead >= CHURNED_TABLES

    # When the upkeep runs
    upkeep = own_connection(lambda: vacuum_churned_catalogue(bound=dead - 1))

    # Then it vacuumed pg_class, saying how many dead rows it found, and they are gone
    assert "pg_class" in upkeep.vacuumed
    assert upkeep.over_bound["pg_class"] >= dead
    assert f"pg_class ({upkeep.over_bound['pg_class']:,} dead rows)" in upkeep.summary()
    # (The dead rows counted afterwards are not asserted: whatever else runs on this database
    # meanwhile, a worker finishing an earlier test's task, may leave new ones.)
    last_vacuum_after = own_connection(_pg_class_statistics)[1]
    assert last_vacuum_after is not None and last_vacuum_after != last_vacuum


def test_a_catalogue_table_within_the_bound_is_left_alone(own_connection):
    dead, last_vacuum = own_connection(_churned_statistics)

    upkeep = own_connection(lambda: vacuum_churned_catalogue(bound=dead + 10**9))

    assert upkeep.over_bound == {}
    assert upkeep.vacuumed == []
    assert upkeep.summary() == "catalogue: nothing to vacuum"
    assert own_connection(_pg_class_statistics)[1] == last_vacuum


def test_a_role_that_does_not_own_the_database_is_told_so_and_nothing_is_vacuumed(
    own_connection, caplog
):
    # Given a role that does not own the database (roles belong to the whole cluster, so the
    # name is this test's own)
    role = f"gt_upkeep_visitor_{uuid.uuid4().hex[:8]}"
    dead, last_vacuum = own_connection(_churned_statistics)

    def as_the_visitor():
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE ROLE {role} NOLOGIN")
            cursor.execute(f"SET ROLE {role}")
        try:
            return vacuum_churned_catalogue(bound=dead - 1)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET ROLE")
                cursor.execute(f"DROP ROLE {role}")

    # When the upkeep runs as that role
    upkeep = own_connection(as_the_visitor)

    # Then it names the role and what to do, and vacuums nothing (PostgreSQL would only warn)
    assert upkeep.vacuumed == []
    assert "pg_class" in upkeep.over_bound
    assert f"the database role {role} does not own the database" in upkeep.refused
    assert "make the application's role the database's owner" in upkeep.refused
    assert upkeep.refused in caplog.text
    assert own_connection(_pg_class_statistics)[1] == last_vacuum


def test_inside_a_transaction_it_is_refused_by_name(db):
    assert connection.in_atomic_block
    with pytest.raises(DomainError, match="cannot be vacuumed inside a transaction"):
        vacuum_churned_catalogue(bound=0)


def test_goldenthread_migrate_vacuums_the_catalogue_at_its_end(own_connection):
    dead, last_vacuum = own_connection(_churned_statistics)
    output = StringIO()

    def migrate():
        with override_settings(CATALOGUE_VACUUM_DEAD_ROWS=dead - 1):
            call_command("migrate", stdout=output)

    own_connection(migrate)

    vacuumed = re.search(r"^catalogue: vacuumed (.*)$", output.getvalue(), re.MULTILINE)
    assert vacuumed and "pg_class (" in vacuumed.group(1)
    assert own_connection(_pg_class_statistics)[1] != last_vacuum


def test_a_failing_upkeep_does_not_fail_goldenthread_migrate(own_connection):
    # Given the upkeep's own statement fails (a bound PostgreSQL cannot read as a number)
    output, errors = StringIO(), StringIO()

    def migrate():
        with override_settings(CATALOGUE_VACUUM_DEAD_ROWS="not a number"):
            call_command("migrate", stdout=output, stderr=errors)

    # When migrate runs, it still succeeds, and says the upkeep was skipped and why
    own_connection(migrate)

    assert "catalogue upkeep skipped:" in errors.getvalue()
    assert "not a number" in errors.getvalue()
    assert "organisation schemas are up to date" in output.getvalue()


def test_beat_runs_the_upkeep_every_ten_minutes_on_the_worker(own_connection, celery_worker):
    from goldenthread.platform.celery_app import app

    entry = app.conf.beat_schedule["vacuum-churned-catalogue"]
    assert entry["task"] == vacuum_catalogue.name
    assert entry["schedule"] == 600

    dead, _ = own_connection(_churned_statistics)
    with override_settings(CATALOGUE_VACUUM_DEAD_ROWS=dead - 1), finished_tasks() as finished:
        sent = vacuum_catalogue.delay()
        state, vacuumed = wait_for(lambda: finished.get(sent.id), timeout=60, what="the upkeep")

    assert state == "SUCCESS"
    assert "pg_class" in vacuumed
