"""Action plans and their actions, milestones, status updates and escalations."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models

from ..domain.choices import ActionSource, ActionState, MonitoringZone, Priority

user_fk = {
    "to": settings.AUTH_USER_MODEL,
    "null": True,
    "blank": True,
    "on_delete": models.SET_NULL,
}


class ActionPlan(models.Model):
    code = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(**user_fk, related_name="owned_action_plans")
    # The node the plan delivers (typically a service or team plan).
    strategy_node = models.ForeignKey(
        "planning.StrategyNode",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_plans",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Action(models.Model):
    """An action. Its status is never stored: `domain.action_status.action_status` derives it
    from `state`, the dates and `progress` each time it is shown."""

    code = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="actions")
    assigned_to = models.ForeignKey(**user_fk, related_name="assigned_actions")
    managed_by = models.ForeignKey(**user_fk, related_name="managed_actions")
    lead_councillor = models.ForeignKey(**user_fk, related_name="led_actions")
    start_date = models.DateField()
    due_date = models.DateField()
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    state = models.CharField(max_length=12, choices=ActionState.choices, default=ActionState.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    source = models.CharField(
        max_length=20, choices=ActionSource.choices, default=ActionSource.SERVICE_PLAN
    )
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.MEDIUM)
    monitoring_zone = models.PositiveSmallIntegerField(
        choices=MonitoringZone.choices, default=MonitoringZone.TEAM
    )
    # The latest status update, copied here so lists need no join to the history.
    latest_update = models.TextField(blank=True)
    latest_update_at = models.DateTimeField(null=True, blank=True)
    indicators = models.ManyToManyField(
        "indicators.Indicator", blank=True, related_name="planning_actions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "code"]
        indexes = [
            models.Index(fields=["state", "due_date"]),
            models.Index(fields=["assigned_to", "state"]),
            models.Index(fields=["managed_by", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError({"due_date": "The due date must not be before the start date."})
        if self.state == ActionState.COMPLETED and self.completed_on is None:
            raise ValidationError({"completed_on": "A completed action needs a completion date."})


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300)
    due_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["action", "due_date", "id"]

    def __str__(self) -> str:
        return self.title


class ActionUpdate(models.Model):
    """One status update; kept in full, the newest is copied onto the action."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(**user_fk, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    progress = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    state = models.CharField(max_length=12, choices=ActionState.choices)
    note = models.TextField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action_id} update {self.at:%Y-%m-%d}"


class ActionEscalation(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="escalations")
    from_zone = models.PositiveSmallIntegerField(choices=MonitoringZone.choices)
    to_zone = models.PositiveSmallIntegerField(choices=MonitoringZone.choices)
    reason = models.TextField()
    escalated_by = models.ForeignKey(**user_fk, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action_id} escalated {self.from_zone}->{self.to_zone}"
