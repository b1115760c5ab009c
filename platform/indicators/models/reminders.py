"""The record of reminder e-mails, which makes each one go out once."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReminderStage(models.TextChoices):
    """Before the due date, then the escalation ladder once the value is late."""

    DUE_SOON = "due_soon", "Due soon (to the data providers)"
    LATE_PROVIDER = "late_provider", "Late (to the data providers)"
    LATE_OWNER = "late_owner", "Late, escalated to the owner"
    LATE_TEAM = "late_team", "Late, escalated to the performance team"


class ReminderSent(models.Model):
    """One reminder of one stage about one PI's period, to one person.

    The row is inserted (claimed) in the transaction that sends the e-mail; the unique
    constraint makes a second run, or a redelivered task, find it and send nothing. A stage
    with nobody to tell is recorded with no recipient, so the ladder can still move on.
    """

    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="reminders_sent"
    )
    period_code = models.CharField(max_length=24)
    stage = models.CharField(max_length=16, choices=ReminderStage.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    # The organisation's date of the run that sent it: escalation takes one step a day.
    sent_on = models.DateField()

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_code", "stage", "recipient"],
                name="unique_reminder_per_recipient",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.stage} {self.indicator_id} {self.period_code} -> {self.recipient_id}"
