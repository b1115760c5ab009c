"""Performance indicators, their service areas and sub-areas, and the organisation's settings."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from goldenthread.platform.core.choices import Frequency, Polarity
from goldenthread.platform.core.periods import PERIOD_TYPE_FOR_FREQUENCY, PeriodType

from ..domain.choices import (
    OutOfRangePolicy,
    RollupRule,
    SubAreaKind,
    ToleranceKind,
    UnitKind,
    YearBasis,
)
from ..domain.validation import ValidRange, valid_range_for
from .fields import amount_field

# Fields an adopted PI takes from the national catalogue and may not change locally.
CATALOGUE_LOCKED_FIELDS = (
    "code",
    "title",
    "definition",
    "unit_kind",
    "unit_label",
    "polarity",
    "frequency",
)

due_day_validators = [MinValueValidator(1), MaxValueValidator(28)]


class ServiceArea(models.Model):
    name = models.CharField(max_length=200, unique=True)
    code = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SubArea(models.Model):
    """A ward, locality or demographic group for which targets and values can differ."""

    kind = models.CharField(max_length=24, choices=SubAreaKind.choices)
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=32, blank=True)
    # Archived rather than deleted once it has values or targets: history keeps its rows, and
    # an archived sub-area is offered for no new PI or value.
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="unique_sub_area_kind_name")
        ]

    def __str__(self) -> str:
        return self.name


class PerformanceSettings(models.Model):
    """The organisation's defaults; one row per schema (`load()` creates it on first use)."""

    SINGLETON_ID = 1

    tolerance_kind = models.CharField(
        max_length=12, choices=ToleranceKind.choices, default=ToleranceKind.RELATIVE
    )
    tolerance_amount = amount_field(
        default=Decimal("5"), validators=[MinValueValidator(Decimal("0"))]
    )
    due_day_of_following_month = models.PositiveSmallIntegerField(
        default=15, validators=due_day_validators
    )
    due_lag_months = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(12)])
    reminders_enabled = models.BooleanField(default=True)
    # Reminders: days before the due date, then days after it for each escalation step.
    reminder_days_before_due = models.PositiveSmallIntegerField(
        default=7, validators=[MaxValueValidator(60)]
    )
    escalate_provider_after_days = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(365)]
    )
    escalate_owner_after_days = models.PositiveSmallIntegerField(
        default=7, validators=[MaxValueValidator(365)]
    )
    escalate_team_after_days = models.PositiveSmallIntegerField(
        default=14, validators=[MaxValueValidator(365)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "performance settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="performance_settings_singleton")
        ]

    def __str__(self) -> str:
        return "Performance settings"

    def clean(self) -> None:
        if not (
            self.escalate_provider_after_days
            <= self.escalate_owner_after_days
            <= self.escalate_team_after_days
        ):
            raise ValidationError(
                {
                    "escalate_owner_after_days": "Escalation goes to the data providers first, "
                    "then the owner, then the performance team: the days late must not go down "
                    "from one step to the next."
                }
            )

    @classmethod
    def load(cls) -> PerformanceSettings:
        obj, _ = cls.objects.get_or_create(id=cls.SINGLETON_ID)
        return obj


def period_type_of(frequency: str, year_basis: str) -> PeriodType:
    """The type of the periods a PI of this frequency (and year basis, if annual) collects."""
    if frequency == Frequency.ANNUAL:
        return PeriodType(year_basis)
    return PERIOD_TYPE_FOR_FREQUENCY[frequency]


class Indicator(models.Model):
    """A performance indicator (PI) of this organisation, local or adopted from the catalogue."""

    code = models.CharField(max_length=32, unique=True)
    title = models.CharField(max_length=500)
    definition = models.TextField(blank=True)
    calculation_notes = models.TextField(blank=True)
    service_area = models.ForeignKey(
        ServiceArea, null=True, blank=True, on_delete=models.PROTECT, related_name="indicators"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_indicators",
    )
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="verified_indicators",
    )
    data_providers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="provided_indicators"
    )
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    is_active = models.BooleanField(default=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    unit_kind = models.CharField(max_length=12, choices=UnitKind.choices)
    # Words shown after a value, e.g. "rate per 100,000 population" or "days".
    unit_label = models.CharField(max_length=120, blank=True)
    polarity = models.CharField(max_length=8, choices=Polarity.choices)
    band_lower = amount_field(null=True, blank=True)
    band_upper = amount_field(null=True, blank=True)
    frequency = models.CharField(max_length=24, choices=Frequency.choices)
    # Only read for annual PIs: a schools PI reports on the academic year, say.
    year_basis = models.CharField(
        max_length=16, choices=YearBasis.choices, default=YearBasis.FINANCIAL_YEAR
    )
    decimal_places = models.PositiveSmallIntegerField(default=1, validators=[MaxValueValidator(6)])

    is_calculated = models.BooleanField(default=False)
    numerator_label = models.CharField(max_length=200, blank=True)
    denominator_label = models.CharField(max_length=200, blank=True)
    factor = amount_field(default=Decimal("1"))
    rollup_rule = models.CharField(
        max_length=12, choices=RollupRule.choices, default=RollupRule.LAST
    )
    year_to_date = models.BooleanField(default=False)
    # A period with no target of its own takes the year's target profiled onto it (an equal
    # share for a summed PI, the annual figure otherwise): see `domain.part_year`.
    falls_back_to_annual_target = models.BooleanField(default=False)
    # The wards, localities or groups this PI collects values (and may set targets) for.
    sub_areas = models.ManyToManyField(SubArea, blank=True, related_name="indicators")

    valid_minimum = amount_field(null=True, blank=True)
    valid_maximum = amount_field(null=True, blank=True)
    whole_numbers = models.BooleanField(default=False)
    out_of_range_policy = models.CharField(
        max_length=8, choices=OutOfRangePolicy.choices, default=OutOfRangePolicy.REFUSE
    )

    # Null means "use the organisation's default" (PerformanceSettings).
    tolerance_kind = models.CharField(
        max_length=12, choices=ToleranceKind.choices, null=True, blank=True
    )
    tolerance_amount = amount_field(
        null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    commentary_required_when_off_target = models.BooleanField(default=True)
    due_day_of_following_month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=due_day_validators
    )
    due_lag_months = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(12)]
    )

    catalogue_code = models.CharField(max_length=32, blank=True)
    catalogue_indicator = models.ForeignKey(
        "shared_indicators.CatalogueIndicator",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    adopted_catalogue_version = models.PositiveIntegerField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["service_area", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_adopted(self) -> bool:
        return self.catalogue_indicator_id is not None

    @property
    def catalogue_update_available(self) -> bool:
        """True when the catalogue holds a newer definition than the one this PI adopted."""
        if not self.is_adopted or self.adopted_catalogue_version is None:
            return False
        return self.catalogue_indicator.version > self.adopted_catalogue_version

    @property
    def period_type(self) -> PeriodType:
        """The type of the periods this PI collects values for."""
        return period_type_of(self.frequency, self.year_basis)

    @property
    def valid_range(self) -> ValidRange:
        """The limits a value must keep to: the PI's own, else its unit's default on a side it
        leaves empty (0 to 100 for a percentage). Whole numbers are checked apart."""
        return valid_range_for(
            unit=self.unit_kind, minimum=self.valid_minimum, maximum=self.valid_maximum
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if (self.band_lower is None) != (self.band_upper is None):
            errors["band_upper"] = "A band needs both a lower and an upper limit."
        elif self.band_lower is not None and self.band_lower > self.band_upper:
            errors["band_upper"] = "The band's upper limit must not be below its lower limit."
        if (
            self.valid_minimum is not None
            and self.valid_maximum is not None
            and self.valid_minimum > self.valid_maximum
        ):
            errors["valid_maximum"] = "The valid maximum must not be below the valid minimum."
        if (self.tolerance_kind is None) != (self.tolerance_amount is None):
            errors["tolerance_amount"] = (
                "Give both a tolerance kind and amount, or neither to use the organisation's "
                "default."
            )
        if self.rollup_rule == RollupRule.RECOMPUTE and not self.is_calculated:
            errors["rollup_rule"] = (
                "Only a calculated indicator can be recomputed from numerator and denominator."
            )
        if self.is_calculated and self.factor == 0:
            errors["factor"] = "A calculated indicator's factor must not be zero."
        if self.is_adopted:
            errors.update(self._catalogue_lock_errors())
        if errors:
            raise ValidationError(errors)

    def _catalogue_lock_errors(self) -> dict[str, str]:
        """An adopted PI's catalogue fields change only together with the adopted version
        (see `indicator_accept_catalogue_version`)."""
        if self.pk is None:
            return {}
        stored = (
            Indicator.objects.filter(pk=self.pk)
            .values("adopted_catalogue_version", "catalogue_indicator_id", *CATALOGUE_LOCKED_FIELDS)
            .first()
        )
        if stored is None:
            return {}
        if (
            stored["adopted_catalogue_version"] != self.adopted_catalogue_version
            or stored["catalogue_indicator_id"] != self.catalogue_indicator_id
        ):
            return {}
        return {
            field: "This comes from the national catalogue and cannot be changed here."
            for field in CATALOGUE_LOCKED_FIELDS
            if stored[field] != getattr(self, field)
        }
