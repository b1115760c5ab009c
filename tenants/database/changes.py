"""Change generations: a token per schema that moves on whenever a transaction that wrote to
a watched table commits, so that a cached read can tell whether it still stands.

A cached read (`platform.core.cached_reads`, first the REST PI list) names the tables it is
built from (`watch_models`). Every Django connection's psycopg cursor (`WatchingCursorMixin`,
installed by `tenants.database.base`) looks at each statement it runs — `execute`,
`executemany` and `copy` alike — and notes the watched tables a write names, with the schema
each lives in: an unqualified tenant table is the organisation's the connection is serving,
a table only the public schema has is public's, a qualified name is its schema's. Being the
lowest place all of the platform's SQL passes, it sees ORM saves, bulk updates, raw SQL and
COPY from any service, task or command without anyone remembering to say so; a hand-kept
list of write paths would not (issue #16, P6; docs/architecture.md, "The PI list's cache").

The token is the writing transaction's id (`pg_current_xact_id()`, 64 bits, never reused by
the cluster), stored in that schema's single-row `core_changegeneration` table:

- in a transaction, just before it commits (`DatabaseWrapper._commit`), in the same
  transaction as the writes: a reader sees the new rows and the new token together or
  neither;
- in autocommit, right after the statement that committed by itself: a reader may for a
  moment pair the old token with the new rows, which only means it caches fresh rows under a
  token that is about to move.

A rollback forgets what was noted. Writing more than the read depends on only moves the token
more often; nothing that writes a watched table through Django goes unnoticed. What is not
seen: another program writing to the database (psql by hand): cached reads also expire
after `READ_CACHE_SECONDS`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from psycopg import pq, sql

if TYPE_CHECKING:
    from django.db import models

logger = logging.getLogger(__name__)

PUBLIC = "public"
GENERATION_TABLE = "core_changegeneration"

# Watched table name -> True when only the public schema has it (a shared app's table), so
# an unqualified write to it is public's whatever organisation the connection serves.
_watched: dict[str, bool] = {}

# Statements that never change a table's rows (by their first word). Anything else is looked
# through for the watched tables it names.
_READ_ONLY = frozenset(
    {
        "SELECT", "SET", "SHOW", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "START",
        "COMMIT", "END", "RESET", "LOCK", "LISTEN", "UNLISTEN", "NOTIFY", "FETCH", "MOVE",
        "CLOSE", "DECLARE", "DISCARD", "DEALLOCATE", "VALUES", "TABLE",
    }
)  # fmt: skip
# Statements that may write through code the text does not show (a procedure, a prepared
# statement): assumed to change the connection's schema and public.
_OPAQUE = frozenset({"CALL", "EXECUTE"})
_COPY_OUT = re.compile(r"\bTO\s+STDOUT\b", re.I)
# Only for the rare statement that starts with a comment or a parenthesis.
_FIRST_WORD = re.compile(r"\s*(?:(?:/\*.*?\*/|--[^\n]*\n)\s*)*\(*\s*([A-Za-z]+)", re.S)
_IDENTIFIER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")


def watch_models(*models: type[models.Model]) -> None:
    """Declare that a cached read is built from these models' tables (at app loading, in every
    process: a Celery worker that writes must move the token as much as the web process that
    caches)."""
    from django.apps import apps
    from django.conf import settings

    tenant_apps = set(settings.TENANT_APPS)
    for model in models:
        app_name = apps.get_app_config(model._meta.app_label).name
        _watched[model._meta.db_table] = app_name not in tenant_apps


def watched_tables() -> frozenset[str]:
    return frozenset(_watched)


def _first_word(statement: str) -> str:
    # Every statement passes here: plain string operations, not a regular expression, for
    # the common case (a few hundred nanoseconds).
    head = statement.lstrip()
    if head[:1] in ("(", "/", "-"):
        match = _FIRST_WORD.match(head)
        return match.group(1).upper() if match else ""
    return head[:12].split(None, 1)[0].upper() if head else ""


def _qualifier(text: str, start: int) -> str | None:
    """The schema named just before the table name at `start` in `text` (lower case), as in
    `"org_x"."table"` or `org_x.table`; None when the name is unqualified."""
    at = start
    if at > 0 and text[at - 1] == '"':
        at -= 1
    while at > 0 and text[at - 1].isspace():
        at -= 1
    if at == 0 or text[at - 1] != ".":
        return None
    at -= 1
    while at > 0 and text[at - 1].isspace():
        at -= 1
    if at > 0 and text[at - 1] == '"':
        begin = text.rfind('"', 0, at - 1)
        return text[begin + 1 : at - 1] if begin >= 0 else None
    end = at
    while at > 0 and text[at - 1] in _IDENTIFIER_CHARS:
        at -= 1
    return text[at:end] or None


def schemas_written(statement: str, current_schema: str, *, first: str | None = None) -> set[str]:
    """The schemas whose watched tables `statement` may change, run on a connection serving
    `current_schema` (`first`: its first word, when the caller has it already). Errs towards
    too many: a table merely read by a write, or a watched name in a string, is counted."""
    first = _first_word(statement) if first is None else first
    if first in _READ_ONLY or (first == "COPY" and _COPY_OUT.search(statement)):
        return set()
    found: set[str] = set()
    text = statement.lower()  # PostgreSQL folds unquoted names; ours are all lower case
    for table, shared_only in _watched.items():
        start = text.find(table)
        while start >= 0:
            end = start + len(table)
            whole = (start == 0 or text[start - 1] not in _IDENTIFIER_CHARS) and (
                end == len(text) or text[end] not in _IDENTIFIER_CHARS
            )
            if whole:
                schema = _qualifier(text, start)
                found.add(schema or (PUBLIC if shared_only else current_schema))
            start = text.find(table, end)
    if not found and first in _OPAQUE:
        found = {current_schema, PUBLIC}
    return found


def _unquote(name: str) -> str:
    if name.startswith('"'):
        return name[1:-1].replace('""', '"')
    return name.lower()


def _statement_text(query: Any, cursor: Any) -> str:
    if isinstance(query, str):
        return query
    if isinstance(query, bytes):
        return query.decode("utf-8", "replace")
    if isinstance(query, sql.Composable):
        return query.as_string(cursor)
    return str(query)


class ChangeNotes:
    """What one Django connection has written to watched tables and not yet stamped."""

    def __init__(self, wrapper: Any):
        self._wrapper = wrapper
        self.pending: set[str] = set()
        # Schemas whose generation table this connection has seen (tables are not dropped
        # under a live schema; a schema dropped and made again has it from the template).
        self._stampable: set[str] = set()

    def statement_ran(self, cursor: Any, query: Any, *, failed: bool) -> None:
        text = _statement_text(query, cursor)
        first = _first_word(text)
        if first == "DROP":
            self._stampable = set()  # a schema dropped may come back without the table
        schemas = schemas_written(text, self._wrapper.schema_name or PUBLIC, first=first)
        if not schemas:
            return
        self.pending |= schemas
        raw = cursor.connection
        # In autocommit a statement commits by itself: stamp now, after the rows are in.
        if raw.autocommit and raw.info.transaction_status == pq.TransactionStatus.IDLE:
            try:
                self.stamp(raw)
            except Exception:
                if not failed:
                    raise
                # The statement's own error is the one to report.
                logger.warning("could not move the change generation after a failed write")

    def stamp(self, raw_connection: Any) -> None:
        """Give every schema written since the last stamp a new token, in schema order (two
        transactions stamping the same schemas take their row locks in the same order). A
        schema without the table yet (a database being migrated) has no cached reads to
        invalidate and is skipped."""
        schemas, self.pending = sorted(self.pending), set()
        with raw_connection.cursor() as cursor:
            for schema in schemas:
                if schema not in self._stampable and not _has_generation_table(cursor, schema):
                    continue
                self._stampable.add(schema)
                cursor.execute(_stamp_statement(schema))

    def forget(self) -> None:
        self.pending = set()

    def new_session(self) -> None:
        self.pending = set()
        self._stampable = set()


def stamp_after_outside_write(schemas: Iterable[str]) -> None:
    """Move the tokens of `schemas` after another program wrote to them on the platform's
    behalf (a restore run through psql): its statements never passed a watched cursor."""
    from django.db import connection, transaction

    with transaction.atomic():
        connection.change_notes.pending |= set(schemas)  # stamped as the block commits


def _has_generation_table(cursor: Any, schema: str) -> bool:
    cursor.execute(
        "SELECT to_regclass(%s) IS NOT NULL",
        [sql.Identifier(schema, GENERATION_TABLE).as_string(cursor)],
    )
    return bool(cursor.fetchone()[0])


def _stamp_statement(schema: str) -> sql.Composed:
    table = sql.Identifier(schema, GENERATION_TABLE)
    return sql.SQL(
        "INSERT INTO {table} (id, generation) VALUES (1, pg_current_xact_id()::text::bigint) "
        "ON CONFLICT (id) DO UPDATE SET generation = EXCLUDED.generation"
    ).format(table=table)


class WatchingCursorMixin:
    """Mixed into the psycopg cursor class of every Django connection: tells the connection's
    `ChangeNotes` (set on the psycopg connection as `change_notes`) what each statement was,
    after it ran. Named (server-side) cursors only read and are not watched."""

    def _notes(self) -> ChangeNotes | None:
        return getattr(self.connection, "change_notes", None)

    def execute(self, query, params=None, **kwargs):
        notes = self._notes()
        if notes is None:
            return super().execute(query, params, **kwargs)
        failed = True
        try:
            result = super().execute(query, params, **kwargs)
            failed = False
            return result
        finally:
            notes.statement_ran(self, query, failed=failed)

    def executemany(self, query, params_seq, **kwargs):
        notes = self._notes()
        if notes is None:
            return super().executemany(query, params_seq, **kwargs)
        failed = True
        try:
            result = super().executemany(query, params_seq, **kwargs)
            failed = False
            return result
        finally:
            notes.statement_ran(self, query, failed=failed)

    @contextmanager
    def copy(self, statement, params=None, **kwargs) -> Iterator[Any]:
        # The rows are in only when the COPY block ends: note it then.
        notes = self._notes()
        failed = True
        try:
            with super().copy(statement, params, **kwargs) as copy:
                yield copy
            failed = False
        finally:
            if notes is not None:
                notes.statement_ran(self, statement, failed=failed)


def watching(cursor_class: type) -> type:
    """`cursor_class` with `WatchingCursorMixin` in front (one class per base, made once)."""
    made = _watching_classes.get(cursor_class)
    if made is None:
        made = type(f"Watching{cursor_class.__name__}", (WatchingCursorMixin, cursor_class), {})
        _watching_classes[cursor_class] = made
    return made


_watching_classes: dict[type, type] = {}


# Unqualified, so one text serves every organisation: the search path finds the
# organisation's own table before public's.
_READ_GENERATIONS = (
    'SELECT (SELECT generation FROM "core_changegeneration" WHERE id = 1), '
    '(SELECT generation FROM "public"."core_changegeneration" WHERE id = 1)'
)


def generations_of(cursor: Any) -> tuple[int, int]:
    """The tokens of the schema `cursor`'s connection serves and of public (0 where nothing
    was stamped yet), in one statement."""
    cursor.execute(_READ_GENERATIONS)
    own, public = cursor.fetchone()
    return own or 0, public or 0


def tables_in(statement: str) -> set[str]:
    """The tables a SELECT reads (FROM and JOIN), for tests that hold a cached read's declared
    tables to its SQL."""
    return {
        _unquote(name)
        for name in re.findall(r'\b(?:FROM|JOIN)\s+("[^"]+"|\w+)', statement, flags=re.I)
    }
