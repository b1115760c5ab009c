"""The performance core's tables, one set per organisation schema."""

from .audit import AuditEntry
from .cost import CostPairing
from .importing import ImportJob, ImportKind, ImportStatus
from .indicators import Indicator, PerformanceSettings, ServiceArea, SubArea
from .reminders import ReminderSent, ReminderStage
from .spc import SpcBaseline
from .targets import Baseline, Target
from .values import Commentary, IndicatorValue

__all__ = [
    "AuditEntry",
    "Baseline",
    "Commentary",
    "CostPairing",
    "ImportJob",
    "ImportKind",
    "ImportStatus",
    "Indicator",
    "IndicatorValue",
    "PerformanceSettings",
    "ReminderSent",
    "ReminderStage",
    "ServiceArea",
    "SpcBaseline",
    "SubArea",
    "Target",
]
