"""The template copy used for provisioning reproduces the template exactly, names included."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from goldenthread.platform.core.errors import DomainError
from goldenthread.tenants.schema_copy import copy_schema
from goldenthread.tenants.template_schema import template_schema_name

pytestmark = pytest.mark.django_db


def rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def shape(schema: str) -> dict[str, list]:
    """Everything about a schema that migrations and queries depend on, names included."""
    unqualify = re.compile(rf"\b{re.escape(schema)}\.")
    return {
        "columns": rows(
            "SELECT table_name, column_name, data_type, is_nullable, column_default, "
            "is_identity, identity_generation FROM information_schema.columns "
            "WHERE table_schema = %s ORDER BY 1, 2",
            [schema],
        ),
        "constraints": [
            (table, name, kind, unqualify.sub("", definition), deferrable, deferred)
            for table, name, kind, definition, deferrable, deferred in rows(
                "SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid), "
                "con.condeferrable, con.condeferred FROM pg_constraint con "
                "JOIN pg_class c ON c.oid = con.conrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND con.contype <> 'n' ORDER BY 1, 2",
                [schema],
            )
        ],
        "indexes": [
            (table, name, unqualify.sub("", definition))
            for table, name, definition in rows(
                "SELECT tablename, indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = %s ORDER BY 1, 2",
                [schema],
            )
        ],
    }


def test_the_copy_matches_the_template_in_every_name_column_constraint_and_index():
    template = template_schema_name()
    copy_schema(template, "copy_under_test")
    template_shape, copy_shape = shape(template), shape("copy_under_test")
    assert copy_shape["columns"] == template_shape["columns"]
    assert copy_shape["constraints"] == template_shape["constraints"]
    assert copy_shape["indexes"] == template_shape["indexes"]
    # Guard against comparing two empty lists.
    assert len(template_shape["constraints"]) > 50
    assert any(kind == "f" for _, _, kind, *_ in template_shape["constraints"])


def test_the_copy_carries_the_rows_and_its_sequences_continue_independently():
    template = template_schema_name()
    copy_schema(template, "copy_rows")
    for table in ("django_migrations", "django_content_type", "auth_permission"):
        original = rows(f"SELECT * FROM {template}.{table} ORDER BY id", [])  # noqa: S608
        copied = rows(f"SELECT * FROM copy_rows.{table} ORDER BY id", [])  # noqa: S608
        assert copied == original and copied, table

    (highest,) = rows("SELECT max(id) FROM copy_rows.django_content_type", [])[0]
    (new_id,) = rows(
        "INSERT INTO copy_rows.django_content_type (app_label, model) "
        "VALUES ('probe', 'probe') RETURNING id",
        [],
    )[0]
    assert new_id == highest + 1
    # The template's own sequence did not move.
    (template_next,) = rows(
        f"SELECT last_value FROM {template}.django_content_type_id_seq",  # noqa: S608
        [],  # noqa: S608
    )[0]
    assert template_next <= highest


def test_a_named_constraint_can_be_dropped_by_its_template_name_in_the_copy():
    # Later migrations drop constraints by name; generated names would break them.
    template = template_schema_name()
    copy_schema(template, "copy_names")
    (name,) = rows(
        "SELECT con.conname FROM pg_constraint con JOIN pg_namespace n "
        "ON n.oid = con.connamespace WHERE n.nspname = %s AND con.contype = 'u' LIMIT 1",
        [template],
    )[0]
    (table,) = rows(
        "SELECT c.relname FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid "
        "JOIN pg_namespace n ON n.oid = con.connamespace WHERE n.nspname = %s AND conname = %s",
        [template, name],
    )[0]
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER TABLE copy_names."{table}" DROP CONSTRAINT "{name}"')


def test_objects_the_copy_cannot_reproduce_are_refused_by_name_and_nothing_is_created():
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA odd_source")
        cursor.execute("CREATE TABLE odd_source.t (id integer)")
        cursor.execute("CREATE VIEW odd_source.v AS SELECT id FROM odd_source.t")
        cursor.execute("CREATE SEQUENCE odd_source.loose_seq")
    with pytest.raises(DomainError) as refused:
        copy_schema("odd_source", "odd_target")
    assert "view v" in refused.value.message
    assert "sequence loose_seq" in refused.value.message
    assert not schema_exists("odd_target")


def test_copying_onto_an_existing_schema_fails_and_changes_nothing():
    template = template_schema_name()
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA already_there")
    with pytest.raises(Exception, match="already exists"):
        copy_schema(template, "already_there")
    assert rows(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'already_there'", []
    ) == [(0,)]
