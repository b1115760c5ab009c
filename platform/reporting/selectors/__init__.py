"""Reads of the reporting app: report definitions and their versions, and pack building."""

from .definitions import definition_get, definition_list, definition_version_get
from .distribution import (
    distribution_list_get,
    frozen_pack_compare,
    frozen_pack_get,
    frozen_pack_list,
    pack_run_get,
    schedule_get,
)
from .packs import pack_build, pack_from_spec, parse_report_period

__all__ = [
    "definition_get",
    "definition_list",
    "definition_version_get",
    "distribution_list_get",
    "frozen_pack_compare",
    "frozen_pack_get",
    "frozen_pack_list",
    "pack_run_get",
    "schedule_get",
    "pack_build",
    "pack_from_spec",
    "parse_report_period",
]
