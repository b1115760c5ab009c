"""The performance core's tables, one set per organisation schema."""

from .audit import AuditEntry
from .indicators import Indicator, PerformanceSettings, ServiceArea, SubArea
from .targets import Baseline, Target
from .values import Commentary, IndicatorValue

__all__ = [
    "AuditEntry",
    "Baseline",
    "Commentary",
    "Indicator",
    "IndicatorValue",
    "PerformanceSettings",
    "ServiceArea",
    "SubArea",
    "Target",
]
