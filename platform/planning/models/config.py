"""The organisation's planning settings: strategy level names, action tolerance, the risk
matrix and the digest schedule. One row per schema."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from ..domain.action_status import DEFAULT_TOLERANCE_POINTS
from ..domain.risk_matrix import (
    DEFAULT_BANDS,
    DEFAULT_IMPACT_LABELS,
    DEFAULT_LIKELIHOOD_LABELS,
    MatrixError,
    RiskMatrix,
    build_matrix,
)

DEFAULT_LEVEL_NAMES = [
    "Community strategy outcome",
    "Corporate priority",
    "Service plan",
    "Team plan",
    "Individual objective",
]


def _default_levels() -> list[str]:
    return list(DEFAULT_LEVEL_NAMES)


def _default_likelihood() -> list[str]:
    return list(DEFAULT_LIKELIHOOD_LABELS[5])


def _default_impact() -> list[str]:
    return list(DEFAULT_IMPACT_LABELS[5])


def _default_bands() -> list[dict]:
    return [dict(band) for band in DEFAULT_BANDS[5]]


class PlanningSettings(models.Model):
    SINGLETON_ID = 1

    strategy_level_names = ArrayField(
        models.CharField(max_length=100), default=_default_levels, size=10
    )
    # Percentage points an action may lag its straight-line expectation before "check progress".
    action_tolerance_points = models.PositiveSmallIntegerField(
        default=DEFAULT_TOLERANCE_POINTS, validators=[MaxValueValidator(100)]
    )
    risk_matrix_size = models.PositiveSmallIntegerField(default=5)
    likelihood_labels = ArrayField(models.CharField(max_length=60), default=_default_likelihood)
    impact_labels = ArrayField(models.CharField(max_length=60), default=_default_impact)
    risk_bands = models.JSONField(default=_default_bands)
    digest_enabled = models.BooleanField(default=True)
    digest_interval_days = models.PositiveSmallIntegerField(
        default=14, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "planning settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="planning_settings_singleton")
        ]

    def __str__(self) -> str:
        return "Planning settings"

    @classmethod
    def load(cls) -> PlanningSettings:
        obj, _ = cls.objects.get_or_create(id=cls.SINGLETON_ID)
        return obj

    def level_name(self, level: int) -> str:
        if 1 <= level <= len(self.strategy_level_names):
            return self.strategy_level_names[level - 1]
        return f"Level {level}"

    @property
    def matrix(self) -> RiskMatrix:
        return build_matrix(
            size=self.risk_matrix_size,
            likelihood_labels=list(self.likelihood_labels),
            impact_labels=list(self.impact_labels),
            bands=list(self.risk_bands),
        )

    def clean(self) -> None:
        names = [name.strip() for name in self.strategy_level_names]
        if not names or any(not name for name in names):
            raise ValidationError(
                {"strategy_level_names": "Name every level of the strategy; none may be blank."}
            )
        try:
            self.matrix  # noqa: B018 - building it is the check
        except MatrixError as error:
            raise ValidationError({"risk_bands": str(error)}) from None
