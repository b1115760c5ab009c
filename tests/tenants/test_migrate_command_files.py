"""`goldenthread migrate`, the command as an operator runs it, with a new migration FILE on
disk: it reaches every organisation schema (the first for real, the rest by replaying its
statements), exits non-zero naming a schema it could not migrate while the others keep their
progress, and a second run applies the migration to that schema only.

The migration file is written to a temporary copy of the reporting app's migrations package
(a tenant-only app), which a settings module of the test's own points MIGRATION_MODULES at;
the source tree is never touched. The command runs in a subprocess against the test database,
so what is checked is its real exit status and output, and the organisations it migrates are
committed ones of this test's own (plus the session's Alpha and Beta, which every run of the
command migrates). Everything the migration created is removed afterwards, in every schema.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from goldenthread.platform.devtools.database import with_database_name
from goldenthread.platform.reporting import migrations as reporting_migrations
from goldenthread.tenants.models import Domain, Organisation, PlatformAuditEvent
from goldenthread.tenants.template_schema import template_schema_name
from tests.factories import provision_organisation

PROBE_TABLE = "reporting_fleet_probe"
PROBE_COLUMN = "fleet_probe"
PROBE_MIGRATION = "9001_fleet_probe"
SUMMARY = re.compile(r"(\d+) of (\d+) organisation schemas are up to date; migrating (\d+)\.")
DONE = re.compile(r"Migrated (\d+) of (\d+) organisation schemas .*\((\d+) by replaying")


@pytest.fixture
def migration_file(tmp_path):
    """A copy of reporting's migrations plus one new file, and a settings module using it.
    Returns (migration name, environment for the command)."""
    package = f"gt_test_reporting_{uuid.uuid4().hex[:8]}"
    target = tmp_path / package
    shutil.copytree(
        Path(reporting_migrations.__file__).parent,
        target,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    leaf = sorted(p.stem for p in target.glob("0*.py"))[-1]
    name = PROBE_MIGRATION
    (target / f"{name}.py").write_text(
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = [('reporting', '{leaf}')]\n"
        "    operations = [\n"
        "        migrations.RunSQL(\n"
        f"            'CREATE TABLE {PROBE_TABLE} (id bigint PRIMARY KEY, note text)',\n"
        f"            'DROP TABLE {PROBE_TABLE}',\n"
        "        ),\n"
        "        migrations.AddField(\n"
        f"            'reportdefinition', '{PROBE_COLUMN}',\n"
        "            models.IntegerField(null=True, db_index=True),\n"
        "        ),\n"
        "    ]\n"
    )
    settings_module = f"gt_test_settings_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{settings_module}.py").write_text(
        "from goldenthread.platform.settings.test import *  # noqa: F403\n\n"
        f"MIGRATION_MODULES = {{'reporting': '{package}'}}\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])),
        # The test database, not the one DATABASE_URL names.
        "DATABASE_URL": with_database_name(
            os.environ["DATABASE_URL"], connection.settings_dict["NAME"]
        ),
    }
    return name, env


@pytest.fixture
def organisations(django_db_setup, django_db_blocker):
    """Three committed organisations of this test's own; afterwards they are removed and the
    probe migration is undone in every schema that has a migration history (public, the
    template, the session's organisations)."""
    made: list[Organisation] = []
    with django_db_blocker.unblock():
        tag = uuid.uuid4().hex[:6]
        for n in range(1, 4):
            made.append(provision_organisation(slug=f"fm-{tag}-{n}", name=f"Fleet file {n}"))
        yield made
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            for organisation in made:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{organisation.schema_name}" CASCADE')
            cursor.execute(
                "SELECT table_schema FROM information_schema.tables "
                "WHERE table_name = 'django_migrations'"
            )
            for (schema,) in cursor.fetchall():
                cursor.execute(f'DROP TABLE IF EXISTS "{schema}".{PROBE_TABLE}')
                cursor.execute(
                    f'ALTER TABLE IF EXISTS "{schema}".reporting_reportdefinition '
                    f"DROP COLUMN IF EXISTS {PROBE_COLUMN}"
                )
                cursor.execute(
                    f'DELETE FROM "{schema}".django_migrations '  # noqa: S608
                    "WHERE app = 'reporting' AND name = %s",
                    [PROBE_MIGRATION],
                )
        for organisation in made:
            PlatformAuditEvent.objects.filter(organisation=organisation).delete()
            Domain.objects.filter(tenant=organisation).delete()
            organisation.delete()


def run_migrate(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "goldenthread.platform.cli", "migrate", "--jobs", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def history(schema: str, name: str) -> list[int]:
    """The ids of the probe's history rows in a schema (empty when it is not applied)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT id FROM "{schema}".django_migrations '  # noqa: S608
            "WHERE app = 'reporting' AND name = %s",
            [name],
        )
        return [row[0] for row in cursor.fetchall()]


def probe_shape(schema: str) -> tuple[set[str], bool]:
    """(the probe table's columns, whether the report table has the indexed probe column)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s",
            [schema, PROBE_TABLE],
        )
        table = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = %s "
            "AND tablename = 'reporting_reportdefinition' AND indexdef LIKE %s",
            [schema, f"%({PROBE_COLUMN})%"],
        )
        indexed = cursor.fetchone()[0] == 1
    return table, indexed


def test_a_migration_file_reaches_every_organisation_a_broken_one_is_named_and_resumed(
    migration_file, organisations
):
    name, env = migration_file
    broken = organisations[1].schema_name
    # Given one organisation already has a table of the name the migration creates
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TABLE "{broken}".{PROBE_TABLE} (id int, squatter text)')
    everyone = list(
        Organisation.objects.exclude(schema_name="public").values_list("schema_name", flat=True)
    )
    assert len(everyone) >= 5  # Alpha, Beta and this test's three

    # When an operator runs the command
    first = run_migrate(env)

    # Then it exits non-zero, naming the broken schema and why
    assert first.returncode == 1, first.stdout + first.stderr
    assert f"{broken} FAILED" in first.stderr
    assert "1 organisation schema(s) failed to migrate" in first.stderr
    assert f"{broken}: " in first.stderr and "already exists" in first.stderr
    up_to_date, total, migrating = map(int, SUMMARY.search(first.stdout).groups())
    assert (up_to_date, total, migrating) == (0, len(everyone), len(everyone))
    migrated, pending, replayed = map(int, DONE.search(first.stdout).groups())
    assert (migrated, pending) == (len(everyone) - 1, len(everyone))
    # one schema was migrated for real, the others by replaying its statements
    assert replayed == len(everyone) - 2
    # and every other organisation has the table, the indexed column and the history row
    others = [schema for schema in everyone if schema != broken]
    for schema in others:
        assert probe_shape(schema) == ({"id", "note"}, True), schema
        assert len(history(schema, name)) == 1, schema
    # and so does the template, so organisations provisioned from now on have it too
    assert probe_shape(template_schema_name()) == ({"id", "note"}, True)
    # while the broken one was left exactly as it was: its own table, no column, no history
    assert probe_shape(broken) == ({"id", "squatter"}, False)
    assert history(broken, name) == []
    before = {schema: history(schema, name) for schema in others}

    # When the cause is removed and the command runs again
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{broken}".{PROBE_TABLE}')
    second = run_migrate(env)

    # Then it succeeds, migrating the one schema that was left and nothing else
    assert second.returncode == 0, second.stdout + second.stderr
    assert SUMMARY.search(second.stdout).groups() == (
        str(len(everyone) - 1),
        str(len(everyone)),
        "1",
    )
    assert DONE.search(second.stdout).groups()[:2] == ("1", "1")
    assert probe_shape(broken) == ({"id", "note"}, True)
    assert len(history(broken, name)) == 1
    assert {schema: history(schema, name) for schema in others} == before
