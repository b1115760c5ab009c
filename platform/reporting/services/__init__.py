"""Writes of the reporting app."""

from .definitions import definition_archive, definition_create, definition_update
from .freezing import pack_freeze, pack_run_execute
from .frozen_outputs import frozen_pack_render
from .scheduling import (
    distribution_list_save,
    distribution_settings_update,
    run_due_schedules,
    schedule_save,
)

__all__ = [
    "definition_archive",
    "definition_create",
    "definition_update",
    "distribution_list_save",
    "distribution_settings_update",
    "frozen_pack_render",
    "pack_freeze",
    "pack_run_execute",
    "run_due_schedules",
    "schedule_save",
]
