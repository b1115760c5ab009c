"""Copy a schema's tables, rows, constraints and indexes into a new schema, keeping every name.

Provisioning copies the template schema this way instead of through django-tenants'
`clone_schema` (a ~4,000-line PL/pgSQL function, recreated on every call, that inspects the
catalogue object by object and costs more than replaying our migrations). Here a handful of
catalogue queries produce one batch of plain DDL, run in the caller's transaction.

Names are kept exactly — primary keys, unique and check constraints, foreign keys, indexes —
because later migrations drop and alter constraints and indexes by name; a copy with
generated names would make those migrations fail on every organisation created this way.

The copy handles what Django migrations create in a schema: tables with identity columns,
constraints, indexes and rows. It refuses, naming them, objects it would not copy faithfully
(views, sequences not owned by an identity column, triggers, functions, column defaults
that call a sequence), so a new kind of object in the template fails loudly, not silently.
"""

from __future__ import annotations

import re

from django.db import connection, transaction

from goldenthread.platform.core.errors import DomainError

# What LIKE copies; constraints and indexes are re-created by name instead of by INCLUDING.
_LIKE_OPTIONS = (
    "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE "
    "INCLUDING COMMENTS INCLUDING COMPRESSION"
)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _fetch(cursor, sql: str, params: list) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


# The relations of one schema, found through the index on pg_depend's referenced object:
# every table, sequence and view records a dependency on its namespace. Filtering pg_class by
# namespace name instead scans the whole catalogue (pg_class has no index led by
# relnamespace), and the catalogue holds about 250 relations per organisation — at 2,000
# organisations that one scan took 86 ms against 0.86 ms at ten, and provisioning repeats it.
# Indexes, constraints, columns and triggers are then reached by their table's oid, which
# their catalogues index.
_RELATIONS = (
    "rel AS (SELECT c.oid, c.relname, c.relkind FROM pg_depend d "
    "JOIN pg_class c ON c.oid = d.objid "
    "WHERE d.refclassid = 'pg_namespace'::regclass "
    "AND d.refobjid = (SELECT oid FROM pg_namespace WHERE nspname = %s) "
    "AND d.classid = 'pg_class'::regclass AND d.deptype = 'n')"
)


def _with_relations(query: str) -> str:
    """`query` with `rel` (the source schema's relations) defined; its first parameter is
    the schema name. Both parts are constant text."""
    return f"WITH {_RELATIONS} {query}"


def _refuse_unsupported_objects(cursor, source: str) -> None:
    problems = _fetch(
        cursor,
        _with_relations("""
        SELECT 'view ' || relname FROM rel WHERE relkind IN ('v', 'm')
        UNION ALL
        SELECT 'sequence ' || relname FROM rel
         WHERE relkind = 'S' AND NOT EXISTS (
           SELECT 1 FROM pg_depend d
            WHERE d.classid = 'pg_class'::regclass AND d.objid = rel.oid AND d.deptype = 'i')
        UNION ALL
        SELECT 'trigger ' || t.tgname FROM rel JOIN pg_trigger t ON t.tgrelid = rel.oid
         WHERE NOT t.tgisinternal
        UNION ALL
        SELECT 'function ' || p.proname FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
         WHERE d.refclassid = 'pg_namespace'::regclass
           AND d.refobjid = (SELECT oid FROM pg_namespace WHERE nspname = %s)
           AND d.classid = 'pg_proc'::regclass AND d.deptype = 'n'
        UNION ALL
        SELECT 'sequence default on ' || rel.relname || '.' || a.attname
          FROM rel JOIN pg_attrdef ad ON ad.adrelid = rel.oid
          JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
         WHERE pg_get_expr(ad.adbin, ad.adrelid) LIKE 'nextval(%%'
        """),
        [source, source],
    )
    if problems:
        raise DomainError(
            f"The schema {source} holds objects a copy would not reproduce: "
            + ", ".join(row[0] for row in problems)
        )


def copy_schema_statements(source: str, target: str) -> list[str]:
    """The DDL and DML that make `target` a copy of `source` (read from the catalogue)."""
    with connection.cursor() as cursor:
        _refuse_unsupported_objects(cursor, source)
        tables = [
            row[0]
            for row in _fetch(
                cursor,
                _with_relations(
                    "SELECT relname FROM rel WHERE relkind IN ('r', 'p') ORDER BY relname"
                ),
                [source],
            )
        ]
        # With only the source on the path, constraint definitions name its tables unqualified,
        # so the same text resolves to the target's tables once the path points there.
        cursor.execute(f"SET LOCAL search_path = {_quote(source)}")
        constraints = _fetch(
            cursor,
            _with_relations(
                "SELECT rel.relname, con.conname, pg_get_constraintdef(con.oid) "
                "FROM rel JOIN pg_constraint con ON con.conrelid = rel.oid "
                "WHERE con.contype IN ('p', 'u', 'c', 'x', 'f') "
                # Foreign keys last: they need the referenced keys to exist first.
                "ORDER BY con.contype = 'f', rel.relname, con.conname"
            ),
            [source],
        )
        indexes = [
            row[0]
            for row in _fetch(
                cursor,
                _with_relations(
                    "SELECT pg_get_indexdef(i.indexrelid) "
                    "FROM rel JOIN pg_index i ON i.indrelid = rel.oid "
                    "WHERE NOT EXISTS ("
                    "  SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid"
                    "  AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u', 'x'))"
                    "ORDER BY 1"
                ),
                [source],
            )
        ]
        identities = _fetch(
            cursor,
            _with_relations(
                "SELECT rel.relname, a.attname "
                "FROM rel JOIN pg_attribute a ON a.attrelid = rel.oid "
                "WHERE a.attidentity <> '' AND NOT a.attisdropped"
            ),
            [source],
        )
        cursor.execute("SET LOCAL search_path = public")

    # Every name below is an identifier read from the catalogue (or the validated target name)
    # and is quoted as an identifier or a literal, never interpolated raw.
    src, dst = _quote(source), _quote(target)
    # pg_get_indexdef always qualifies the table; drop the qualifier so it resolves in target.
    qualified = re.compile(rf" ON (ONLY )?(?:{re.escape(src)}|{re.escape(source)})\.")
    statements = [f"CREATE SCHEMA {dst}"]
    statements += [
        f"CREATE TABLE {dst}.{_quote(t)} (LIKE {src}.{_quote(t)} {_LIKE_OPTIONS})" for t in tables
    ]
    statements += [
        f"INSERT INTO {dst}.{_quote(t)} SELECT * FROM {src}.{_quote(t)}"  # noqa: S608 - quoted
        for t in tables
    ]
    statements.append(f"SET LOCAL search_path = {dst}")
    # In the catalogue query's order: keys and checks first, foreign keys after them.
    statements += [
        f"ALTER TABLE {_quote(table)} ADD CONSTRAINT {_quote(name)} {definition}"
        for table, name, definition in constraints
    ]
    statements += [qualified.sub(r" ON \1", definition) for definition in indexes]
    statements += [
        f"SELECT setval(pg_get_serial_sequence({_literal(f'{dst}.{_quote(table)}')}, "  # noqa: S608
        f"{_literal(column)}), COALESCE((SELECT max({_quote(column)}) FROM {_quote(table)}), 0) "
        "+ 1, false)"
        for table, column in identities
    ]
    statements.append("SET LOCAL search_path = public")
    return statements


def copy_schema(source: str, target: str) -> None:
    """Create `target` as a copy of `source`: structure, names and rows. All or nothing."""
    with transaction.atomic():
        statements = copy_schema_statements(source, target)
        with connection.cursor() as cursor:
            cursor.execute(";\n".join(statements))
