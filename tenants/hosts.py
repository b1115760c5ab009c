"""The organisation a host name selects: read on every request, so from SQL written once.

The statement names the public schema for both tables, so it runs on whatever search path the
connection holds from its previous request (no `SET search_path = public` first; see
`tenants.database.base`), and it cannot be redirected by a table of the same name in an
organisation's schema.
"""

from __future__ import annotations

import functools

from django.db import connection
from django_tenants.utils import get_public_schema_name

from goldenthread.platform.core.model_rows import ModelColumns

from .models import Domain, Organisation

_ORGANISATION = ModelColumns(Organisation, "o")


@functools.cache
def _lookup_sql() -> str:
    public = get_public_schema_name()
    domain = ModelColumns(Domain, "d")
    quote = connection.ops.quote_name
    return (
        f"SELECT {_ORGANISATION.select_list()} "  # noqa: S608 - names from the models' metadata
        f"FROM {domain.table(public)} JOIN {_ORGANISATION.table(public)} "
        f"ON o.{quote('id')} = d.{quote(Domain._meta.get_field('tenant').column)} "
        f"WHERE d.{quote('domain')} = %s"
    )


def organisation_serving_host(hostname: str) -> Organisation | None:
    """The organisation whose domain is `hostname` (the platform's own row for the public
    host), or None when no organisation is served there."""
    with connection.cursor_for_qualified_sql() as cursor:
        cursor.execute(_lookup_sql(), [hostname])
        row = cursor.fetchone()
    return _ORGANISATION.load(row) if row is not None else None
