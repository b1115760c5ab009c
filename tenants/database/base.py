"""django-tenants' PostgreSQL backend, counting the organisation schemas a connection serves.

A PostgreSQL backend keeps the catalogue entries of every relation it has used until it ends,
so a long-lived connection that serves many organisations grows by every schema it touches
(about a quarter of a MiB each for the home page). Knowing how many distinct schemas the
current connection has been switched to lets `connection_lifetime` retire it after a request
once it has served enough of them, which bounds each backend's memory by a setting instead of
by the size of the estate.
"""

from __future__ import annotations

from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.utils import get_public_schema_name


class DatabaseWrapper(TenantDatabaseWrapper):
    def __init__(self, *args, **kwargs):
        # Before super().__init__, which already selects the public schema.
        self.schemas_served: set[str] = set()
        super().__init__(*args, **kwargs)

    def set_tenant(self, tenant, include_public=True):
        super().set_tenant(tenant, include_public)
        self._count_schema(self.schema_name)

    def connect(self):
        super().connect()
        # A new backend, with an empty cache: it serves the schema selected now, and then
        # whatever set_tenant selects.
        self.schemas_served = set()
        self._count_schema(self.schema_name)

    def _count_schema(self, schema_name: str | None) -> None:
        # The public schema is read by every request whatever the organisation: it is a
        # fixed cost of any connection, not one that grows with the estate.
        if schema_name and schema_name != get_public_schema_name():
            self.schemas_served.add(schema_name)
