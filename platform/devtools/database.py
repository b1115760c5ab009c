"""Creating and dropping whole databases on the server a DATABASE_URL names.

Used by `make demo` (create the configured database on a fresh server) and by the benchmark
(a throw-away database beside the configured one, never the configured one itself).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import psycopg
from psycopg import sql


def database_name(url: str) -> str:
    return dj_database_url.parse(url)["NAME"]


def with_database_name(url: str, name: str) -> str:
    """The same server and credentials, another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin_connection(url: str) -> psycopg.Connection:
    config = dj_database_url.parse(url)
    return psycopg.connect(
        dbname="postgres",
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        autocommit=True,
    )


def ensure_database(url: str) -> bool:
    """Create the database `url` names if its server lacks it. Returns True if created."""
    name = database_name(url)
    with _admin_connection(url) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def drop_database(url: str) -> None:
    """Drop the database `url` names, disconnecting anyone still using it."""
    name = database_name(url)
    with _admin_connection(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
