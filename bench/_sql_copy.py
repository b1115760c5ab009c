"""A prototype schema copy, measured beside the product's two ways by `provision.py`.

Not used by the product. It answers one question: how fast could a clone of the template be
if it did not go through django-tenants' `clone_schema` (a large PL/pgSQL function recreated on
every call that inspects the catalogue object by object)? It copies with a few statements per
table: `CREATE TABLE … (LIKE template.… INCLUDING ALL)` (columns, defaults, identity, checks,
indexes), the rows, the foreign keys from `pg_get_constraintdef`, and the identity sequences.
`same_shape` checks the copy against the template, so the timing is of a faithful copy.
"""

from __future__ import annotations

import re

from django.db import connection, transaction


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def copy_schema(template: str, new: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY c.relname",
            [template],
        )
        tables = [row[0] for row in cursor.fetchall()]
        # With the template first on the path, constraint definitions name its tables
        # unqualified, so the same text resolves to the new schema's tables below.
        cursor.execute(f"SET LOCAL search_path = {_q(template)}")
        cursor.execute(
            "SELECT c.relname, con.conname, pg_get_constraintdef(con.oid) FROM pg_constraint con "
            "JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND con.contype = 'f'",
            [template],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND a.attidentity <> ''",
            [template],
        )
        identities = cursor.fetchall()
        src, dst = _q(template), _q(new)
        statements = [f"CREATE SCHEMA {dst}"]
        statements += [
            f"CREATE TABLE {dst}.{_q(t)} (LIKE {src}.{_q(t)} INCLUDING ALL)" for t in tables
        ]
        statements += [f"INSERT INTO {dst}.{_q(t)} SELECT * FROM {src}.{_q(t)}" for t in tables]
        statements.append(f"SET LOCAL search_path = {dst}")
        statements += [
            f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(name)} {definition}"
            for table, name, definition in foreign_keys
        ]
        statements += [
            f"SELECT setval(pg_get_serial_sequence('{dst}.{_q(table)}', '{column}'), "
            f"COALESCE((SELECT max({_q(column)}) FROM {_q(table)}), 0) + 1, false)"
            for table, column in identities
        ]
        statements.append("SET LOCAL search_path = public")
        cursor.execute(";\n".join(statements))


def _shape(schema: str) -> tuple[list, list, list]:
    strip = f"{schema}."
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity "
            "FROM information_schema.columns WHERE table_schema = %s ORDER BY 1, 2",
            [schema],
        )
        columns = cursor.fetchall()
        cursor.execute(
            "SELECT c.relname, con.contype, pg_get_constraintdef(con.oid) FROM pg_constraint con "
            "JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s ORDER BY 1, 2, 3",
            [schema],
        )
        constraints = [(t, k, d.replace(strip, "")) for t, k, d in cursor.fetchall()]
        cursor.execute("SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = %s", [schema])
        # Index names differ (PostgreSQL names the copies); compare what they index.
        indexes = sorted(
            (t, re.sub(r"INDEX \S+ ON", "INDEX ON", d).replace(strip, ""))
            for t, d in cursor.fetchall()
        )
    return columns, constraints, indexes


def same_shape(template: str, copy: str) -> bool:
    return _shape(template) == _shape(copy)
