"""A new migration applied across many organisation schemas (`tenants.fleet_migrate`): every
schema ends up migrated, a schema that fails is named without costing the others their
progress, and a second run finishes only what is left.

The schemas are real copies of the template, committed (the replay runs on several
connections at once), and dropped afterwards. The new migration is added to the migration
graph the command loads, as a new file on disk would be, so the session's organisations and
the migration files are left alone.
"""

from __future__ import annotations

import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, migrations, models
from django.test.utils import CaptureQueriesContext

from goldenthread.tenants.fleet_migrate import load_migrations, migrate_fleet
from goldenthread.tenants.schema_copy import copy_schema
from goldenthread.tenants.template_schema import (
    applied_migrations_by_schema,
    template_schema_name,
)

PROBE = ("accounts", "9999_fleet_probe")


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """The test's own statements commit as they go, like the command's."""
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


@pytest.fixture
def fleet(committed):
    """Five organisation-shaped schemas copied from the template, dropped afterwards."""
    prefix = f"fleet_{uuid.uuid4().hex[:8]}"
    schemas = [f"{prefix}_{n}" for n in range(1, 6)]
    for schema in schemas:
        copy_schema(template_schema_name(), schema)
    yield schemas
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        for schema in schemas:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def loader_with(*operations, atomic: bool = True):
    """The project's migration graph plus one new accounts migration."""
    loader = load_migrations()
    app, name = PROBE
    (leaf,) = [key for key in loader.graph.leaf_nodes() if key[0] == app]
    migration = type(
        "Migration",
        (migrations.Migration,),
        {"dependencies": [leaf], "operations": list(operations), "atomic": atomic},
    )(name, app)
    loader.graph.add_node(PROBE, migration)
    loader.graph.add_dependency(migration, PROBE, leaf)
    return loader


def add_note_field():
    return migrations.AddField(
        model_name="user",
        name="fleet_note",
        field=models.CharField(max_length=40, default="none", db_index=True),
    )


def columns(schema: str, table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(%s) "
            "AND attnum > 0 AND NOT attisdropped",
            [f'"{schema}".{table}'],
        )
        return {row[0] for row in cursor.fetchall()}


def index_names(schema: str, table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = %s AND tablename = %s",
            [schema, table],
        )
        return {row[0] for row in cursor.fetchall()}


def has_probe(schema: str) -> bool:
    return PROBE in applied_migrations_by_schema([schema])[schema]


def test_a_new_migration_reaches_every_schema_and_a_failing_one_is_named(fleet):
    # Given the third schema already has a column the migration adds
    broken = fleet[2]
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{broken}".accounts_user ADD COLUMN fleet_note text')
    seen: list[tuple[str, str | None]] = []

    # When the migration is applied to the five schemas on two connections
    result = migrate_fleet(
        fleet,
        jobs=2,
        loader=loader_with(add_note_field()),
        progress=lambda schema, error: seen.append((schema, error)),
    )

    # Then the other four have the column, its index (under the same name as the pilot's)
    # and the history row; the broken one is named with the reason and left as it was
    assert sorted(result.migrated) == sorted(s for s in fleet if s != broken)
    assert list(result.failed) == [broken]
    assert "fleet_note" in result.failed[broken]
    # the pilot was migrated for real, the others by replaying its statements
    assert result.replayed == 3
    pilot_indexes = index_names(fleet[0], "accounts_user")
    for schema in result.migrated:
        assert "fleet_note" in columns(schema, "accounts_user")
        assert index_names(schema, "accounts_user") == pilot_indexes
        assert has_probe(schema)
    assert any("fleet_note" in name for name in pilot_indexes)
    assert not has_probe(broken)
    # and progress was reported once per schema, the failure with its error
    assert sorted(schema for schema, _ in seen) == sorted(fleet)
    assert [schema for schema, error in seen if error] == [broken]
    # and the replayed schemas are usable: the default applies to new rows
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM "{fleet[4]}".accounts_user WHERE fleet_note <> %s',  # noqa: S608
            ["none"],
        )
        assert cursor.fetchone() == (0,)

    # When the cause is fixed and it runs again, only the broken schema is left to do
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{broken}".accounts_user DROP COLUMN fleet_note')
    again = migrate_fleet(fleet, jobs=2, loader=loader_with(add_note_field()))
    assert (again.up_to_date, again.migrated, again.failed) == (4, [broken], {})
    assert has_probe(broken) and "fleet_note" in columns(broken, "accounts_user")


def test_a_failing_pilot_hands_over_to_the_next_schema(fleet):
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE "{fleet[0]}".accounts_user ADD COLUMN fleet_note text')

    result = migrate_fleet(fleet, jobs=3, loader=loader_with(add_note_field()))

    assert list(result.failed) == [fleet[0]]
    assert sorted(result.migrated) == sorted(fleet[1:])
    assert result.replayed == 3  # fleet[1] was the pilot, three replayed


def test_a_data_migration_runs_in_each_schema_with_that_schema_s_data(fleet):
    # A RunPython cannot be replayed as recorded SQL: it must run against each schema's rows.
    def stamp(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("INSERT INTO fleet_stamp (schema) VALUES (current_schema())")

    loader = loader_with(
        migrations.RunSQL("CREATE TABLE fleet_stamp (schema text)", "DROP TABLE fleet_stamp"),
        migrations.RunPython(stamp, migrations.RunPython.noop),
    )

    result = migrate_fleet(fleet, jobs=2, loader=loader)

    assert (sorted(result.migrated), result.failed, result.replayed) == (sorted(fleet), {}, 0)
    for schema in fleet:
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT schema FROM "{schema}".fleet_stamp')  # noqa: S608
            assert cursor.fetchall() == [(schema,)]
        assert has_probe(schema)


def test_a_failure_rolls_back_that_schema_whole(fleet):
    # Two statements, the second fails in one schema: the first must not stay behind there.
    target = fleet[1]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TABLE "{target}".fleet_second (id int)')
    loader = loader_with(
        migrations.RunSQL("CREATE TABLE fleet_first (id int)", "DROP TABLE fleet_first"),
        migrations.RunSQL("CREATE TABLE fleet_second (id int)", "DROP TABLE fleet_second"),
    )

    result = migrate_fleet(fleet, jobs=2, loader=loader)

    assert list(result.failed) == [target]
    assert "fleet_second" in result.failed[target]
    assert "fleet_first" not in {row for row in _tables(target)}
    assert all("fleet_first" in _tables(schema) for schema in result.migrated)


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_depend d JOIN pg_class c ON c.oid = d.objid "
            "WHERE d.refobjid = to_regnamespace(%s) AND d.classid = 'pg_class'::regclass "
            "AND d.refclassid = 'pg_namespace'::regclass",
            [schema],
        )
        return {row[0] for row in cursor.fetchall()}


def test_histories_are_read_in_bounded_batches(fleet):
    # The no-op check must not lock two relations per schema in one statement.
    with CaptureQueriesContext(connection) as queries:
        batched = applied_migrations_by_schema(fleet, batch=2)
    reads = [q["sql"] for q in queries.captured_queries if "app, name FROM" in q["sql"]]
    assert [sql.count(".django_migrations") for sql in reads] == [2, 2, 1]
    assert batched == applied_migrations_by_schema(fleet)
    assert all(batched[schema] for schema in fleet)
    # A schema without a history (or at all) reads as empty rather than failing.
    assert applied_migrations_by_schema(["fleet_no_such_schema"]) == {"fleet_no_such_schema": set()}


def test_the_command_refuses_a_pool_of_no_connections(committed):
    with pytest.raises(CommandError, match="--jobs must be at least 1"):
        call_command("migrate", jobs=0, verbosity=0)
