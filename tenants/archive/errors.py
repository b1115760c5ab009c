"""The archive's own refusals."""

from __future__ import annotations

from goldenthread.platform.core.errors import DomainError


class ArchiveRefused(DomainError):
    """An archive (or a backup) cannot be used; `message` says what is wrong with it.

    Raised before anything is written, or inside the one transaction that is then rolled
    back: a refused archive never leaves part of an organisation behind."""

    code = "archive_refused"


class BackupFailed(DomainError):
    """pg_dump, pg_restore or psql failed; `message` carries their last words."""

    status_code = 500
    code = "backup_failed"
