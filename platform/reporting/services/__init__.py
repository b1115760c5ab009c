"""Writes of the reporting app."""

from .definitions import definition_archive, definition_create, definition_update

__all__ = ["definition_archive", "definition_create", "definition_update"]
