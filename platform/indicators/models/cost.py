"""A PI's cost measure: another PI of this organisation that holds what the service costs."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ..domain.choices import CostMeasure


class CostPairing(models.Model):
    """One per PI: the money PI whose values are its spend, or its unit cost, per period.

    The cost is a PI in its own right (entered, approved and audited like any value, and, when
    adopted from a catalogue cost indicator, published under club consent like any value), so
    a pairing only says which PI it is and how to read it (`domain.cost`). Changes are audited
    (`services.cost`)."""

    indicator = models.OneToOneField(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="cost_pairing"
    )
    cost_indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, related_name="costs_paired"
    )
    measure = models.CharField(max_length=12, choices=CostMeasure.choices)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    set_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(indicator=models.F("cost_indicator")),
                name="cost_pairing_not_itself",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} costed by {self.cost_indicator_id} ({self.measure})"
