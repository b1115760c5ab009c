"""Domain errors raised by services; every interface turns them into its own error shape."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business rule refused the request. `message` is shown to the user as it is."""

    status_code = 400
    code = "invalid"

    def __init__(
        self, message: str, *, extra: dict[str, Any] | None = None, code: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
        if code:
            self.code = code


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status_code = 403
    code = "permission_denied"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
