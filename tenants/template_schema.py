"""The template schema new organisations are cloned from.

`goldenthread migrate` brings it up to date alongside every organisation; provisioning copies
it (tables, identity sequences, constraints and indexes by name, and rows such as the migration
history and content types) with `schema_copy.copy_schema`, so a new organisation needs no
migrations replayed.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_exists

from goldenthread.platform.core.errors import DomainError

from .schema_copy import copy_schema


def template_schema_name() -> str:
    return settings.TENANT_BASE_SCHEMA


def _tenant_app_labels() -> set[str]:
    from django.apps import apps

    labels = set()
    for app_name in settings.TENANT_APPS:
        for config in apps.get_app_configs():
            if config.name == app_name:
                labels.add(config.label)
    return labels


@lru_cache(maxsize=1)
def tenant_migration_nodes() -> frozenset[tuple[str, str]]:
    """Every migration of the apps that live in organisation schemas (read once per process)."""
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    labels = _tenant_app_labels()
    return frozenset(node for node in loader.graph.nodes if node[0] in labels)


# How many schemas' histories one statement reads. Reading a table takes a lock on it (and
# on the index the plan uses) until the transaction ends, so one statement over every schema
# took two locks per organisation: 4,002 at 2,000 organisations against the 6,400 lock slots
# of a default server (max_locks_per_transaction 64 x max_connections 100). Batches keep the
# count bounded whatever the size of the estate; run outside a transaction (as
# `goldenthread migrate` does) each batch releases its locks when it ends.
HISTORY_BATCH = 200


def applied_migrations_by_schema(
    schemas: list[str], *, batch: int = HISTORY_BATCH
) -> dict[str, set[tuple[str, str]]]:
    """The migration history of each named schema, `batch` schemas per query."""
    applied: dict[str, set[tuple[str, str]]] = {schema: set() for schema in schemas}
    existing = _schemas_with_migration_table(schemas)
    with connection.cursor() as cursor:
        for start in range(0, len(existing), batch):
            chunk = existing[start : start + batch]
            # Schema names come from the catalogue (below) and are quoted as identifiers.
            union = " UNION ALL ".join(
                f"SELECT %s, app, name FROM {connection.ops.quote_name(schema)}.django_migrations"  # noqa: S608
                for schema in chunk
            )
            cursor.execute(union, chunk)
            for schema, app, name in cursor.fetchall():
                applied[schema].add((app, name))
    return applied


def _schemas_with_migration_table(schemas: list[str]) -> list[str]:
    """Which schemas have a django_migrations table, each answered by an index lookup
    (`to_regclass` searches pg_class by name and namespace) rather than a scan of a catalogue
    that holds about 250 relations per organisation."""
    if not schemas:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.name FROM unnest(%s::text[]) WITH ORDINALITY AS s(name, position) "
            "WHERE to_regclass(format('%%I.django_migrations', s.name)) IS NOT NULL "
            "ORDER BY s.position",
            [list(schemas)],
        )
        return [row[0] for row in cursor.fetchall()]


def schemas_needing_migrations(schemas: list[str]) -> list[str]:
    """The schemas among `schemas` whose migration history lacks a migration on disk."""
    nodes = tenant_migration_nodes()
    applied = applied_migrations_by_schema(schemas)
    return [schema for schema in schemas if not nodes <= applied.get(schema, set())]


def migrate_schema(schema_name: str, *, verbosity: int = 0) -> None:
    call_command(
        "migrate_schemas",
        tenant=True,
        schema_name=schema_name,
        interactive=False,
        verbosity=verbosity,
    )


def ensure_template_schema(*, verbosity: int = 0) -> bool:
    """Create the template schema if missing and bring it up to date. Returns True if it
    had to change."""
    name = template_schema_name()
    if not schema_exists(name):
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {connection.ops.quote_name(name)}")
        migrate_schema(name, verbosity=verbosity)
        connection.set_schema_to_public()
        return True
    if schemas_needing_migrations([name]):
        migrate_schema(name, verbosity=verbosity)
        connection.set_schema_to_public()
        return True
    return False


def clone_template_into(schema_name: str) -> None:
    """Create `schema_name` as a copy of the template schema, structure and rows."""
    if schema_exists(schema_name):
        raise DomainError(f"The schema {schema_name} already exists.")
    if not schema_exists(template_schema_name()) or schemas_needing_migrations(
        [template_schema_name()]
    ):
        # Should not happen after `goldenthread migrate`; heal rather than clone a stale copy.
        ensure_template_schema()
    connection.set_schema_to_public()
    copy_schema(template_schema_name(), schema_name)
    connection.set_schema_to_public()
