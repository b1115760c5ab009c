"""Risk registers, risks and their reviews."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from ..domain.choices import Direction, RegisterKind, RiskState

user_fk = {
    "to": settings.AUTH_USER_MODEL,
    "null": True,
    "blank": True,
    "on_delete": models.SET_NULL,
}
level = {"validators": [MinValueValidator(1)]}


class RiskRegister(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=12, choices=RegisterKind.choices)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(**user_fk, related_name="owned_risk_registers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Risk(models.Model):
    """A risk. Levels are 1..matrix size; `current_score` is likelihood x impact, stored so
    lists can sort and band by it (services keep it in step)."""

    register = models.ForeignKey(RiskRegister, on_delete=models.PROTECT, related_name="risks")
    code = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    causes = models.TextField(blank=True)
    consequences = models.TextField(blank=True)
    owner = models.ForeignKey(**user_fk, related_name="owned_risks")
    inherent_likelihood = models.PositiveSmallIntegerField(**level)
    inherent_impact = models.PositiveSmallIntegerField(**level)
    current_likelihood = models.PositiveSmallIntegerField(**level)
    current_impact = models.PositiveSmallIntegerField(**level)
    target_likelihood = models.PositiveSmallIntegerField(**level)
    target_impact = models.PositiveSmallIntegerField(**level)
    current_score = models.PositiveSmallIntegerField()
    direction = models.CharField(max_length=12, choices=Direction.choices, default=Direction.NEW)
    controls = models.TextField(blank=True)
    review_date = models.DateField()
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=8, choices=RiskState.choices, default=RiskState.OPEN)
    mitigating_actions = models.ManyToManyField(
        "planning.Action", blank=True, related_name="mitigated_risks"
    )
    indicators = models.ManyToManyField(
        "indicators.Indicator", blank=True, related_name="planning_risks"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-current_score", "code"]
        indexes = [
            models.Index(fields=["register", "state"]),
            models.Index(fields=["state", "review_date"]),
            models.Index(fields=["owner", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def inherent_score(self) -> int:
        return self.inherent_likelihood * self.inherent_impact

    @property
    def target_score(self) -> int:
        return self.target_likelihood * self.target_impact


class RiskReview(models.Model):
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    reviewed_by = models.ForeignKey(**user_fk, related_name="+")
    reviewed_at = models.DateTimeField(auto_now_add=True)
    likelihood = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField()
    previous_score = models.PositiveSmallIntegerField(null=True, blank=True)
    direction = models.CharField(max_length=12, choices=Direction.choices)
    note = models.TextField()
    next_review_date = models.DateField()

    class Meta:
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.risk_id} review {self.reviewed_at:%Y-%m-%d}"
