"""Errors of the golden thread: the platform's domain errors, re-exported for one import."""

from goldenthread.platform.core.errors import Conflict, DomainError, NotFound, PermissionDenied

__all__ = ["Conflict", "DomainError", "NotFound", "PermissionDenied"]


class UploadRefused(DomainError):
    """An evidence file was refused (too large, wrong type, empty)."""

    code = "upload_refused"
