"""`goldenthread migrate` skips organisation schemas that are up to date and migrates the
ones that are not."""

from __future__ import annotations

import re
from io import StringIO

from django.core.management import call_command
from django.db import connection

from goldenthread.tenants.services import organisation_create

SUMMARY = re.compile(r"(\d+) of (\d+) organisation schemas are up to date; migrating (\d+)\.")


def provision_gamma():
    return organisation_create(
        name="Gamma Unitary",
        slug="gamma",
        type="unitary",
        admin_email="admin@gamma.example",
        admin_name="Gina Admin",
    ).organisation


def migration_history(schema: str) -> list[tuple[int, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT id, app, name FROM "{schema}".django_migrations ORDER BY id')  # noqa: S608
        return cursor.fetchall()


def table_exists(schema: str, table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = %s",
            [schema, table],
        )
        return cursor.fetchone() is not None


def migrate() -> tuple[int, int, int]:
    out = StringIO()
    call_command("migrate", stdout=out)
    connection.set_schema_to_public()
    up_to_date, total, migrating = map(int, SUMMARY.search(out.getvalue()).groups())
    return up_to_date, total, migrating


def test_up_to_date_schemas_are_skipped_and_left_unchanged(org_a):
    gamma = provision_gamma()
    history_before = migration_history(gamma.schema_name)
    template_before = migration_history("org_template")

    up_to_date, total, migrating = migrate()

    assert total >= 3  # Alpha, Beta and Gamma at least
    assert (up_to_date, migrating) == (total, 0)
    assert migration_history(gamma.schema_name) == history_before
    assert migration_history("org_template") == template_before


def test_a_schema_that_lacks_a_migration_is_migrated(org_a):
    # Given Gamma's schema lacks the sessions migration (table and history row)
    gamma = provision_gamma()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TABLE "{gamma.schema_name}".django_session')
        cursor.execute(
            f'DELETE FROM "{gamma.schema_name}".django_migrations '  # noqa: S608
            "WHERE app = 'sessions' AND name = '0001_initial'"
        )
    alpha_before = migration_history(org_a.schema_name)

    # When migrate runs
    up_to_date, total, migrating = migrate()

    # Then only Gamma was migrated, and it has the migration and its table back
    assert (up_to_date, migrating) == (total - 1, 1)
    assert ("sessions", "0001_initial") in {
        (app, name) for _, app, name in migration_history(gamma.schema_name)
    }
    assert table_exists(gamma.schema_name, "django_session")
    assert migration_history(org_a.schema_name) == alpha_before
    # and a second run finds everything up to date
    up_to_date, total, migrating = migrate()
    assert (up_to_date, migrating) == (total, 0)
