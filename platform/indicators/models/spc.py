"""An officer's choice of the periods an SPC chart's limits are calculated from."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SpcBaseline(models.Model):
    """One per PI: the first and last period (inclusive) whose values fix the mean and limits.

    Without a row the limits come from every value. Changes are audited (`services.spc`)."""

    indicator = models.OneToOneField(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="spc_baseline"
    )
    first_period_code = models.CharField(max_length=24)
    last_period_code = models.CharField(max_length=24)
    reason = models.TextField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.first_period_code} to {self.last_period_code}"
