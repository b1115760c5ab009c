"""Helpers shared by tests that run our real console script in a subprocess."""

from __future__ import annotations

import os
from urllib.parse import quote

from django.db import connection


def test_database_url() -> str:
    """A DATABASE_URL naming this run's test database, for a child process.

    The host may be a Unix-socket folder (the embedded PostgreSQL), so it is percent-encoded.
    """
    db = connection.settings_dict
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host") or ""
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    user = quote(db["USER"] or "", safe="")
    return f"postgres://{user}{password}@{quote(host, safe='')}{port}/{db['NAME']}"


def subprocess_environment() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "DJANGO_SETTINGS_MODULE": "goldenthread.platform.settings.test",
    }
