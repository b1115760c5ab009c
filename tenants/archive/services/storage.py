"""Where archives and backups are kept, and reading a connection's settings for the
PostgreSQL client programs."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.db import connection


def archive_dir() -> Path:
    return Path(settings.ARCHIVE_DIR)


def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)


def private_directory(path: Path) -> Path:
    """Create `path` (and parents) readable by this user only: archives and dumps hold an
    organisation's whole data."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def postgres_client_env() -> dict[str, str]:
    """The environment pg_dump, pg_restore and psql need to reach our database (never on the
    command line, where `ps` would show a password)."""
    params = connection.settings_dict
    env = dict(os.environ)
    env.update(
        {
            "PGDATABASE": params["NAME"],
            "PGUSER": params.get("USER") or "",
            "PGHOST": params.get("HOST") or "",
            "PGPORT": str(params.get("PORT") or ""),
            "PGAPPNAME": "goldenthread-archive",
        }
    )
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]
    return {k: v for k, v in env.items() if v != "" or not k.startswith("PG")}
