"""Helpers shared by the provisioning commands: error wording and who is acting."""

from __future__ import annotations

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from goldenthread.platform.core.errors import DomainError

FIELD_OPTIONS = {
    "name": "--name",
    "slug": "--slug",
    "type": "--type",
    "ons_code": "--ons-code",
    "region": "--region",
    "parent_county": "--parent-county",
    "licensed_modules": "--modules",
    "admin_email": "--admin-email",
    "admin_name": "--admin-name",
    "email": "--email",
    "full_name": "--name",
    "roles": "--roles",
    "reason": "--reason",
    "access_expires_at": "--access-ends",
}


def command_error(exc: Exception) -> CommandError:
    """A CommandError (non-zero exit) whose text names each problem and its option."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        lines = []
        for field, messages in exc.message_dict.items():
            option = FIELD_OPTIONS.get(field, field)
            lines.extend(f"{option}: {message}" for message in messages)
        return CommandError("\n".join(lines))
    if isinstance(exc, ValidationError):
        return CommandError("\n".join(exc.messages))
    if isinstance(exc, DomainError):
        fields = (exc.extra or {}).get("fields")
        if fields:
            return CommandError(
                "\n".join(
                    f"{FIELD_OPTIONS.get(field, field)}: {message}"
                    for field, messages in fields.items()
                    for message in messages
                )
            )
        return CommandError(exc.message)
    return CommandError(str(exc))


def cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def split_list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [item.strip() for item in value.split(",") if item.strip()]
