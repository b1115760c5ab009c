"""Values per PI per period (and sub-area), with their workflow and stored status; commentary."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from goldenthread.platform.core.choices import Polarity
from goldenthread.platform.core.models import PeriodFields

from ..domain.choices import ToleranceKind, ValueState, WorkflowStatus
from .fields import amount_field

user_fk = {
    "to": settings.AUTH_USER_MODEL,
    "null": True,
    "blank": True,
    "on_delete": models.SET_NULL,
    "related_name": "+",
}


class IndicatorValue(PeriodFields):
    """What was recorded for one PI, period and (optionally) sub-area.

    The status fields hold the result of `domain.status.assess` as it was when the value was
    last saved or approved, with the thresholds used, so history keeps its colours when
    targets or tolerances change later.
    """

    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, related_name="values"
    )
    sub_area = models.ForeignKey(
        "indicators.SubArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value = amount_field(null=True, blank=True)
    numerator = amount_field(null=True, blank=True)
    denominator = amount_field(null=True, blank=True)
    state = models.CharField(max_length=16, choices=ValueState.choices, default=ValueState.ENTERED)
    workflow_status = models.CharField(
        max_length=12, choices=WorkflowStatus.choices, default=WorkflowStatus.DRAFT
    )
    out_of_range_confirmed = models.BooleanField(default=False)
    # Confirmed by the provider as right although far from the previous period's value.
    large_change_confirmed = models.BooleanField(default=False)
    # Far from the PI's own history (`domain.anomaly`), confirmed with the same note.
    anomaly_confirmed = models.BooleanField(default=False)
    # The provider's note confirming an out-of-range or far-moved value.
    out_of_range_note = models.TextField(blank=True)

    entered_by = models.ForeignKey(**user_fk)
    entered_at = models.DateTimeField()
    submitted_by = models.ForeignKey(**user_fk)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(**user_fk)
    approved_at = models.DateTimeField(null=True, blank=True)
    # Why a verifier sent it back or an officer reopened it (the latest; history is audited).
    returned_reason = models.TextField(blank=True)

    status = models.CharField(max_length=16, blank=True)
    status_target = amount_field(null=True, blank=True)
    status_warning_threshold = amount_field(null=True, blank=True)
    status_tolerance_kind = models.CharField(
        max_length=12, choices=ToleranceKind.choices, blank=True
    )
    status_tolerance_amount = amount_field(null=True, blank=True)
    status_polarity = models.CharField(max_length=8, choices=Polarity.choices, blank=True)
    status_assessed_at = models.DateTimeField(null=True, blank=True)

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["indicator", "period_start", "sub_area"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_code", "sub_area"],
                name="unique_value_per_period",
                nulls_distinct=False,
            )
        ]
        indexes = [
            models.Index(fields=["indicator", "period_start"]),
            models.Index(fields=["workflow_status", "period_end"]),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_code}: {self.value} ({self.workflow_status})"

    @property
    def is_locked(self) -> bool:
        return self.workflow_status == WorkflowStatus.APPROVED

    def clean(self) -> None:
        if self.state == ValueState.ENTERED and self.value is None:
            raise ValidationError({"value": "An entered value needs a number."})
        if self.state != ValueState.ENTERED and (
            self.value is not None or self.numerator is not None or self.denominator is not None
        ):
            raise ValidationError(
                {"state": "A value marked not collected or not applicable holds no number."}
            )


class Commentary(models.Model):
    """What the PI's owner says about a period's performance. Kept in full; the newest is shown."""

    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="commentaries"
    )
    period_code = models.CharField(max_length=24)
    author = models.ForeignKey(**user_fk)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["indicator", "period_code", "-created_at"]
        verbose_name_plural = "commentaries"
        indexes = [models.Index(fields=["indicator", "period_code"])]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_code} commentary"
