"""Vocabularies of the golden thread (stored in the database)."""

from django.db import models

from .action_status import ActionState as _ActionState
from .risk_matrix import Direction as _Direction


class ActionState(models.TextChoices):
    OPEN = _ActionState.OPEN, "Open"
    COMPLETED = _ActionState.COMPLETED, "Completed"
    DEFERRED = _ActionState.DEFERRED, "Deferred"
    CANCELLED = _ActionState.CANCELLED, "Cancelled"


class ActionSource(models.TextChoices):
    SERVICE_PLAN = "service_plan", "Service plan"
    INSPECTION = "inspection", "Inspection"
    INTERNAL_AUDIT = "internal_audit", "Internal audit"
    SCRUTINY = "scrutiny", "Scrutiny recommendation"
    COMPLAINT = "complaint", "Complaint"


class Priority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class MonitoringZone(models.IntegerChoices):
    """Who watches an action; escalation moves it up to a higher number."""

    TEAM = 1, "Team"
    SERVICE = 2, "Service management"
    DIRECTORATE = 3, "Directorate"
    CORPORATE = 4, "Corporate management team"
    MEMBERS = 5, "Cabinet and scrutiny"


class RegisterKind(models.TextChoices):
    STRATEGIC = "strategic", "Strategic"
    OPERATIONAL = "operational", "Operational"
    PROJECT = "project", "Project"
    PARTNERSHIP = "partnership", "Partnership"


class RiskState(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Direction(models.TextChoices):
    NEW = _Direction.NEW, "New"
    IMPROVING = _Direction.IMPROVING, "Improving"
    STABLE = _Direction.STABLE, "Stable"
    WORSENING = _Direction.WORSENING, "Worsening"


class DeliveryStatus(models.TextChoices):
    # A row is written as "sending" before the e-mail goes and never retried: a crash between
    # the two loses one digest rather than sending it twice.
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    # The manager chose the daily summary or no e-mail for this kind (notification settings).
    NOT_EMAILED = "skipped", "Not e-mailed"
