"""The schema stays ready for Citus schema-based sharding (docs/architecture.md, "The
distributed path").

Under schema-based sharding each organisation schema becomes a distributed schema (all its
tables on one node, colocated) and the public tables organisation schemas point at become
reference tables (a copy on every node). Citus then refuses:

- a foreign key from a distributed schema's table to a table of another distributed schema,
  or to a public table that is not a reference table;
- a foreign key from a public (reference or local) table into a distributed schema;
- a foreign key from a reference table to a table that is not itself a reference table;
- rules (other than a view's own), and partitioned tables nested more than one level;
- and the template copy already refuses views, triggers, functions and loose sequences in an
  organisation schema (`tenants/schema_copy.py`), which keeps out what Citus would have to
  propagate object by object.

These are checked both on the models (before any migration exists) and on the catalogue of a
real organisation schema and of the template (what the migrations actually made).
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection

from goldenthread.tenants.template_schema import template_schema_name

pytestmark = pytest.mark.django_db

# The public tables that would become Citus reference tables: those an organisation schema
# points at, and whatever they point at in turn. A new entry here is a design decision (the
# table is copied to every node, and writing to it takes a lock on every node): add it to the
# list in docs/architecture.md too.
REFERENCE_TABLES = {
    # indicators_indicator.catalogue_indicator: an organisation's PI adopts a catalogue entry.
    "shared_indicators_catalogueindicator",
}


def _labels(app_names: list[str]) -> set[str]:
    return {config.label for config in apps.get_app_configs() if config.name in app_names}


TENANT_ONLY = _labels(settings.TENANT_APPS) - _labels(settings.SHARED_APPS)
SHARED_ONLY = _labels(settings.SHARED_APPS) - _labels(settings.TENANT_APPS)


def _relations(model):
    for field in model._meta.get_fields(include_hidden=True):
        if field.is_relation and field.concrete and field.related_model is not None:
            yield field
        # Many-to-many tables hold foreign keys to both ends.
    for field in model._meta.local_many_to_many:
        yield field


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _foreign_keys_from(schema: str) -> list[tuple[str, str, str, str]]:
    """(table, constraint, referenced schema, referenced table) for the schema's foreign keys."""
    return _rows(
        "SELECT c.relname, con.conname, rn.nspname, rc.relname FROM pg_constraint con "
        "JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_class rc ON rc.oid = con.confrelid "
        "JOIN pg_namespace rn ON rn.oid = rc.relnamespace "
        "WHERE con.contype = 'f' AND n.nspname = %s ORDER BY 1, 2",
        [schema],
    )


def test_models_of_organisation_apps_point_only_at_their_schema_or_reference_tables():
    problems = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in TENANT_ONLY:
            continue
        for field in _relations(model):
            target = field.related_model
            if target._meta.app_label in SHARED_ONLY and target._meta.db_table not in (
                REFERENCE_TABLES
            ):
                problems.append(f"{model._meta.label}.{field.name} -> {target._meta.db_table}")
    assert problems == []


def test_public_models_never_point_into_organisation_schemas():
    problems = [
        f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}"
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in SHARED_ONLY
        for field in _relations(model)
        if field.related_model._meta.app_label in TENANT_ONLY
    ]
    assert problems == []


@pytest.mark.parametrize("which", ["organisation", "template"])
def test_an_organisation_schema_s_foreign_keys_stay_in_it_or_reach_reference_tables(org_a, which):
    schema = org_a.schema_name if which == "organisation" else template_schema_name()
    keys = _foreign_keys_from(schema)
    assert len(keys) > 50  # guard against checking an empty schema
    outside = {
        (table, name, target_schema, target)
        for table, name, target_schema, target in keys
        if target_schema != schema
    }
    # Never another organisation's schema, and in public only the reference tables.
    assert {target_schema for *_, target_schema, _ in outside} <= {"public"}
    assert {target for *_, target in outside} == REFERENCE_TABLES


def test_reference_tables_are_closed_and_nothing_public_points_into_an_organisation(org_a):
    public_keys = _foreign_keys_from("public")
    # A reference table may only point at reference tables.
    assert {
        (table, target_schema, target)
        for table, _, target_schema, target in public_keys
        if table in REFERENCE_TABLES and target not in REFERENCE_TABLES
    } == set()
    # No public table points into an organisation (or the template).
    assert {target_schema for *_, target_schema, _ in public_keys} <= {"public"}
    # The reference tables exist (a renamed table must be renamed here too).
    assert {
        name
        for (name,) in _rows(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) "
            "AND relnamespace = 'public'::regnamespace",
            [sorted(REFERENCE_TABLES)],
        )
    } == REFERENCE_TABLES


def test_no_feature_citus_refuses_in_an_organisation_schema(org_a):
    schema = org_a.schema_name
    rules = _rows(
        "SELECT r.rulename FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class "
        "WHERE c.relnamespace = to_regnamespace(%s) AND r.rulename <> '_RETURN'",
        [schema],
    )
    nested_partitions = _rows(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE c.relnamespace = to_regnamespace(%s) AND c.relkind = 'p' AND c.relispartition",
        [schema],
    )
    triggers = _rows(
        "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE c.relnamespace = to_regnamespace(%s) AND NOT t.tgisinternal",
        [schema],
    )
    unlogged_or_temporary = _rows(
        "SELECT relname FROM pg_class WHERE relnamespace = to_regnamespace(%s) "
        "AND relpersistence <> 'p'",
        [schema],
    )
    assert (rules, nested_partitions, triggers, unlogged_or_temporary) == ([], [], [], [])


def test_the_check_would_catch_a_key_into_a_non_reference_public_table(org_a):
    # The catalogue check is not vacuous: a foreign key to another public table shows up.
    with connection.cursor() as cursor:
        cursor.execute(
            f'ALTER TABLE "{org_a.schema_name}".indicators_indicator '
            "ADD COLUMN probe_org integer REFERENCES public.tenants_organisation (id)"
        )
    outside = {
        target
        for *_, target_schema, target in _foreign_keys_from(org_a.schema_name)
        if target_schema == "public"
    }
    assert outside - REFERENCE_TABLES == {"tenants_organisation"}
