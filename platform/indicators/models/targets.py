"""Targets per PI per period (and sub-area), and baselines."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from goldenthread.platform.core.models import PeriodFields

from .fields import amount_field


class Target(PeriodFields):
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="targets"
    )
    sub_area = models.ForeignKey(
        "indicators.SubArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value = amount_field()
    note = models.TextField(blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["indicator", "period_start", "period_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_code", "sub_area"],
                name="unique_target_per_period",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["indicator", "period_start"])]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_code}: {self.value}"


class Baseline(PeriodFields):
    """The reference value a PI's progress is judged from (one per PI and sub-area)."""

    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="baselines"
    )
    sub_area = models.ForeignKey(
        "indicators.SubArea", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    value = amount_field()
    note = models.TextField(blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "sub_area"],
                name="unique_baseline_per_indicator",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} baseline {self.period_code}: {self.value}"
