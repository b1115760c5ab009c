from .definitions import ReportDefinition, ReportDefinitionVersion
from .distribution import (
    DistributionList,
    DistributionSettingChange,
    DistributionSettings,
    FrozenPack,
    FrozenPackFile,
    PackDelivery,
    PackRun,
    PackSchedule,
    RunStatus,
)

__all__ = [
    "DistributionList",
    "DistributionSettingChange",
    "DistributionSettings",
    "FrozenPack",
    "FrozenPackFile",
    "PackDelivery",
    "PackRun",
    "PackSchedule",
    "ReportDefinition",
    "ReportDefinitionVersion",
    "RunStatus",
]
