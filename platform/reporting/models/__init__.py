from .definitions import ReportDefinition, ReportDefinitionVersion

__all__ = ["ReportDefinition", "ReportDefinitionVersion"]
