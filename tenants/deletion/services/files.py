"""Removing a purged organisation's stored files.

Files are stored under `<schema>/…` in the default storage (evidence: `planning.models.
evidence.evidence_path`), so one walk of that folder finds them all, whatever the storage
backend. Run after the purge commits: files cannot be rolled back, so they go only once the
database no longer points at them.
"""

from __future__ import annotations

from django.core.files.storage import default_storage


def _walk(folder: str):
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for name in folders:
        yield from _walk(f"{folder}/{name}")


def files_delete(*, schema_name: str) -> int:
    """Delete every file under the schema's folder; returns how many. Safe to repeat."""
    if not schema_name or "/" in schema_name or schema_name.startswith("."):
        raise ValueError(f"Not a schema's folder: {schema_name!r}")
    removed = 0
    for path in list(_walk(schema_name)):
        default_storage.delete(path)
        removed += 1
    return removed
