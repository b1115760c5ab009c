"""Connection pooling in front of PostgreSQL: session mode only.

Every request and task selects its organisation with `SET search_path` (django-tenants), a
setting of the PostgreSQL session. pgbouncer in session mode gives a client one server
connection until the client disconnects, then runs `server_reset_query` (DISCARD ALL) before
lending it to anyone else, so the schema stays with the client that chose it. In transaction
(or statement) mode a server connection returns to the pool after every transaction: another
client, of another organisation, would then run on the schema this one set, which is a
cross-organisation leak (`tests/tenants/test_pgbouncer.py` shows it). So the DATABASE_URL may
declare the pooler's mode, `?pool_mode=session`, and any other mode is refused at start-up.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

SAFE_POOL_MODES = frozenset({"session"})


def checked_pool_mode(config: dict) -> dict:
    """Take the `pool_mode` declaration out of the connection options (libpq does not know
    it) and refuse any mode but session."""
    options = config.get("OPTIONS") or {}
    mode = options.pop("pool_mode", None)
    if mode is not None and str(mode).lower() not in SAFE_POOL_MODES:
        raise ImproperlyConfigured(
            f"DATABASE_URL declares pool_mode={mode}: only pgbouncer's session mode is "
            "supported. Each organisation is selected with SET search_path, which transaction "
            "and statement pooling would hand to another client (see infra/README.md)."
        )
    return config
