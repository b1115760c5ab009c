"""The golden thread's tables, one set per organisation schema."""

from .access import AuditorAccessLog
from .actions import Action, ActionEscalation, ActionPlan, ActionUpdate, Milestone
from .config import PlanningSettings
from .digest import DigestDelivery, DigestRun
from .evidence import EvidenceDocument
from .public import PreElectionPeriod, Publication, PublicationState
from .risks import Risk, RiskRegister, RiskReview
from .strategy import StrategyIndicatorLink, StrategyNode

__all__ = [
    "Action",
    "ActionEscalation",
    "ActionPlan",
    "ActionUpdate",
    "AuditorAccessLog",
    "DigestDelivery",
    "DigestRun",
    "EvidenceDocument",
    "Milestone",
    "PlanningSettings",
    "PreElectionPeriod",
    "Publication",
    "PublicationState",
    "Risk",
    "RiskRegister",
    "RiskReview",
    "StrategyIndicatorLink",
    "StrategyNode",
]
