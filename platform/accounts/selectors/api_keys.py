"""The API key behind a bearer token, with its user: read on every API request, so from SQL
written once per process (`platform.core.model_rows`), not compiled by the ORM each time."""

from __future__ import annotations

import functools

from django.db import connection

from goldenthread.platform.core.model_rows import ModelColumns

from ..models import ApiCredential, User

_CREDENTIAL = ModelColumns(ApiCredential, "c")
_USER = ModelColumns(User, "u")


@functools.cache
def _lookup_sql() -> str:
    # Unqualified table names: the search path selects the organisation, so a key can only
    # match a user of the organisation whose host the request came to.
    quote = connection.ops.quote_name
    user_id = quote(ApiCredential._meta.get_field("user").column)
    return (
        f"SELECT {_CREDENTIAL.select_list()}, {_USER.select_list()} "  # noqa: S608 - metadata
        f"FROM {_CREDENTIAL.table()} JOIN {_USER.table()} ON u.{quote('id')} = c.{user_id} "
        f"WHERE c.{quote('key_hash')} = %s AND c.{quote('revoked_at')} IS NULL"
    )


def api_credential_unrevoked(*, key_hash: str) -> ApiCredential | None:
    """The unrevoked key with this hash in the current organisation, its `user` loaded with
    it; None when there is none."""
    with connection.cursor() as cursor:
        cursor.execute(_lookup_sql(), [key_hash])
        row = cursor.fetchone()
    if row is None:
        return None
    credential = _CREDENTIAL.load(row[: _CREDENTIAL.width])
    credential.user = _USER.load(row[_CREDENTIAL.width :])
    return credential
