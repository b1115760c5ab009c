"""django-tenants' PostgreSQL backend, counting the organisation schemas a connection serves
and not repeating a `SET search_path` the session already has.

A PostgreSQL backend keeps the catalogue entries of every relation it has used until it ends,
so a long-lived connection that serves many organisations grows by every schema it touches
(about a quarter of a MiB each for the home page). Knowing how many distinct schemas the
current connection has been switched to lets `connection_lifetime` retire it after a request
once it has served enough of them, which bounds each backend's memory by a setting instead of
by the size of the estate.

django-tenants forgets the search path it set whenever a schema is selected, so every request
paid two extra round trips: `SET search_path = public` to find the host's organisation, then
`SET search_path = <schema>, public` for the organisation (issue #16, P6). This backend
remembers what the session holds, and the host lookup names its tables' schema instead of
switching to public (`cursor_for_qualified_sql`).

Security-relevant: a `SET` is undone by the rollback of the transaction that issued it, and
`SET LOCAL` lasts until its transaction ends, so the remembered path is trusted only between
transactions (autocommit, no atomic block open) and is forgotten on every rollback, savepoint
rollback, close and new connection.

Every connection's psycopg cursors also note the writes to tables a cached read depends on,
and the transaction stamps each written schema's change generation just before it commits
(`tenants.database.changes`).
"""

from __future__ import annotations

import select
from collections.abc import Iterator
from contextlib import contextmanager

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.utils import get_public_schema_name

from .changes import ChangeNotes, watching


class DatabaseWrapper(TenantDatabaseWrapper):
    def __init__(self, *args, **kwargs):
        # Before super().__init__, which already selects the public schema.
        self.schemas_served: set[str] = set()
        # The search path this session was last given by a SET known to have taken effect,
        # or None when that is not known.
        self.session_search_path: list[str] | None = None
        self._leave_search_path = False
        self.change_notes = ChangeNotes(self)
        super().__init__(*args, **kwargs)

    def get_connection_params(self):
        params = super().get_connection_params()
        params["cursor_factory"] = watching(params["cursor_factory"])
        return params

    def get_new_connection(self, conn_params):
        raw = super().get_new_connection(conn_params)
        raw.change_notes = self.change_notes
        return raw

    def _commit(self):
        if self.connection is not None and self.change_notes.pending:
            with self.wrap_database_errors:
                self.change_notes.stamp(self.connection)
        return super()._commit()

    def _rollback(self):
        self.change_notes.forget()
        return super()._rollback()

    def set_tenant(self, tenant, include_public=True):
        super().set_tenant(tenant, include_public)
        self._count_schema(self.schema_name)
        if self._session_already_has(self._get_cursor_search_paths()):
            self.search_path_set_schemas = self.session_search_path

    def _session_already_has(self, search_paths: list[str]) -> bool:
        return (
            self.session_search_path == search_paths
            and self.connection is not None
            and self.autocommit
            and not self.in_atomic_block
        )

    def _handle_search_path(self, cursor=None):
        if self._leave_search_path:
            return
        issues_set = self.search_path_set_schemas is None and not self._setting_search_path
        super()._handle_search_path(cursor)
        if issues_set:
            # The list on success; None when the SET failed (the session's path is unknown).
            self.session_search_path = self.search_path_set_schemas

    @contextmanager
    def cursor_for_qualified_sql(self) -> Iterator:
        """A cursor that leaves the session's search path as it is, for statements that name
        the schema of every table they read: no `SET` is issued to run them."""
        self._leave_search_path = True
        try:
            cursor = self.cursor()
        finally:
            self._leave_search_path = False
        with cursor:
            yield cursor

    def is_usable(self):
        """Django's health check (CONN_HEALTH_CHECKS), asked at each request's first query,
        without a round trip when there is nothing to suspect. An idle session's socket has
        nothing to read unless the server has spoken first, and a server that ends a session
        (restart, `pg_terminate_backend`, idle timeout) sends its FATAL message and closes
        the socket, which makes it readable. So: a closed or broken connection is unusable; a
        readable socket gets Django's `SELECT 1`; a quiet one is usable. Django's check cost
        one `SELECT 1` per request (issue #16, P6)."""
        raw = self.connection
        if raw is None or raw.closed or raw.broken:
            return False
        try:
            readable, _, _ = select.select([raw.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        if readable:
            return super().is_usable()
        return True

    def connect(self):
        self.session_search_path = None
        self.change_notes.new_session()
        super().connect()
        # A new backend, with an empty cache: it serves the schema selected now, and then
        # whatever set_tenant selects.
        self.schemas_served = set()
        self._count_schema(self.schema_name)

    def close(self):
        self.session_search_path = None
        super().close()
        # The backend has ended, and its cache with it; the next connection counts afresh
        # (also for a schema selected before it connects).
        self.schemas_served = set()

    def rollback(self):
        self.session_search_path = None
        super().rollback()

    def savepoint_rollback(self, sid):
        try:
            super().savepoint_rollback(sid)
        finally:
            self.session_search_path = None

    def count_schemas(self, schema_names) -> None:
        """Count schemas this session has read by qualified names, without selecting them (a
        statement that reads every organisation's tables at once caches them all)."""
        for schema_name in schema_names:
            self._count_schema(schema_name)

    def _count_schema(self, schema_name: str | None) -> None:
        # The public schema is read by every request whatever the organisation: it is a
        # fixed cost of any connection, not one that grows with the estate.
        if schema_name and schema_name != get_public_schema_name():
            self.schemas_served.add(schema_name)
