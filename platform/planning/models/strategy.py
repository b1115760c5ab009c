"""The strategy tree: community outcomes down to individual objectives, linked to PIs,
actions and risks."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models


class StrategyNode(models.Model):
    """One node of the tree. `level` is 1-based into the organisation's level names; a child
    sits at a deeper level than its parent (levels may be skipped)."""

    level = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    code = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_strategy_nodes",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)
    indicators = models.ManyToManyField(
        "indicators.Indicator",
        through="StrategyIndicatorLink",
        blank=True,
        related_name="strategy_nodes",
    )
    actions = models.ManyToManyField("planning.Action", blank=True, related_name="strategy_nodes")
    risks = models.ManyToManyField("planning.Risk", blank=True, related_name="strategy_nodes")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["level", "position", "code"]
        indexes = [models.Index(fields=["parent", "position"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class StrategyIndicatorLink(models.Model):
    """A PI counted under a node, with an optional weight for the weighted-basket score."""

    node = models.ForeignKey(StrategyNode, on_delete=models.CASCADE, related_name="indicator_links")
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="strategy_links"
    )
    weight = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["node", "indicator"], name="unique_strategy_pi_link")
        ]

    def __str__(self) -> str:
        return f"{self.node_id} -> PI {self.indicator_id}"
