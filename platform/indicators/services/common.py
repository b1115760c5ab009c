"""Helpers the services share: periods checked against a PI, decimals, and status."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings as django_settings
from django.utils import timezone

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.periods import (
    Period,
    PeriodError,
    PeriodType,
    parse_period,
    same_period_last_year,
    sub_periods,
)
from goldenthread.platform.core.validation import clean_and_save as clean_and_save
from goldenthread.platform.core.validation import to_decimal as to_decimal
from goldenthread.platform.indicators.domain.anomaly import AnomalyRule, anomaly
from goldenthread.platform.indicators.domain.calculation import Rollup
from goldenthread.platform.indicators.domain.part_year import period_target, year_of
from goldenthread.platform.indicators.domain.status import (
    Band,
    Polarity,
    StatusResult,
    Tolerance,
    assess,
)
from goldenthread.platform.indicators.domain.validation import (
    ChangeRule,
)

from ..models import Indicator, IndicatorValue, PerformanceSettings, SubArea, Target
from ..models.fields import DECIMAL_PLACES

STORED_PLACES = Decimal(1).scaleb(-DECIMAL_PLACES)
YEAR_TYPES = (PeriodType.FINANCIAL_YEAR, PeriodType.CALENDAR_YEAR, PeriodType.ACADEMIC_YEAR)


def parse_code(code: str) -> Period:
    try:
        return parse_period(str(code).strip())
    except PeriodError as error:
        raise DomainError(str(error), code="invalid_period") from None


def indicator_period(indicator: Indicator, code: str) -> Period:
    """The period named by `code`, which must be one the PI collects values for."""
    period = parse_code(code)
    expected = indicator.period_type
    if period.type != expected:
        raise DomainError(
            f"{indicator.code} is collected {indicator.get_frequency_display().lower()}, so its "
            f"values are for a {expected.label}; '{code}' is a {period.type.label}.",
            code="wrong_period_type",
        )
    return period


def target_period(indicator: Indicator, code: str) -> Period:
    """A period a PI can have a target for: one of its own periods or a longer period made of
    whole ones (a quarter or year for a monthly PI)."""
    period = parse_code(code)
    try:
        sub_periods(period, indicator.period_type)
    except PeriodError:
        raise DomainError(
            f"A target for {indicator.code} must be for a {indicator.period_type.label} or a "
            f"longer period made of whole {indicator.period_type.plural}; '{code}' is a "
            f"{period.type.label}.",
            code="wrong_period_type",
        ) from None
    return period


def change_rule() -> ChangeRule:
    """When a value is far from the previous period's (settings.INDICATOR_UNUSUAL_CHANGE)."""
    return ChangeRule(**getattr(django_settings, "INDICATOR_UNUSUAL_CHANGE", {}))


def anomaly_rule() -> AnomalyRule:
    """When a value is far from the PI's own history (settings.INDICATOR_ANOMALY)."""
    return AnomalyRule(**getattr(django_settings, "INDICATOR_ANOMALY", {}))


def history_needed(indicator: Indicator, rule: AnomalyRule) -> int:
    """How many earlier values the anomaly check reads: `rule.years` years of periods."""
    per_year = {"week": 53, "month": 12, "quarter": 4, "tertial": 3, "half": 2}.get(
        str(indicator.period_type), 1
    )
    return max(rule.recent, per_year * rule.years)


def value_anomaly(
    value: Decimal, period: Period, history: list[tuple[str, Decimal]], rule: AnomalyRule
) -> str | None:
    """`domain.anomaly.anomaly` with its references taken from `history` (oldest first, as
    `value_history` gives it): the same period of past years, and the latest values."""
    wanted, back = set(), period
    for _ in range(rule.years):
        back = same_period_last_year(back)
        wanted.add(back.code)
    same = [number for code, number in history if code in wanted]
    return anomaly(value, same_period=same, recent=[n for _, n in history], rule=rule)


def value_history(
    *, indicator: Indicator, before: Period, sub_area: SubArea | None, count: int
) -> list[tuple[str, Decimal]]:
    """The PI's last `count` entered values before `before` (same sub-area), oldest first, as
    (period code, value): what a new value is compared with."""
    rows = (
        IndicatorValue.objects.filter(
            indicator=indicator,
            sub_area=sub_area,
            period_start__lt=before.start,
            value__isnull=False,
        )
        .order_by("-period_start")
        .values_list("period_code", "value")[:count]
    )
    return list(reversed(rows))


def settings_for() -> PerformanceSettings:
    return PerformanceSettings.load()


def tolerance_of(indicator: Indicator, settings: PerformanceSettings) -> Tolerance:
    if indicator.tolerance_kind and indicator.tolerance_amount is not None:
        return Tolerance(kind=indicator.tolerance_kind, amount=indicator.tolerance_amount)
    return Tolerance(kind=settings.tolerance_kind, amount=settings.tolerance_amount)


def band_of(indicator: Indicator) -> Band | None:
    if indicator.band_lower is None or indicator.band_upper is None:
        return None
    return Band(lower=indicator.band_lower, upper=indicator.band_upper)


def target_value_for(
    *, indicator: Indicator, period_code: str, sub_area: SubArea | None
) -> Decimal | None:
    """The target for a period: the sub-area's own if it has one, else the PI's overall.

    With none, a PI that falls back to its annual target (`falls_back_to_annual_target`)
    takes the year's target profiled onto the period (`domain.part_year.annual_share`): the
    sub-area's year target if it has one, else the overall one. One query either way."""
    period = parse_code(period_code)
    year = None
    if (
        indicator.falls_back_to_annual_target
        and period.type == indicator.period_type
        and period.type not in YEAR_TYPES
    ):
        # Sub-annual PIs report on the financial year (an annual PI's period is its year).
        year = year_of(period, PeriodType.FINANCIAL_YEAR)
    codes = [period.code] if year is None else [period.code, year.code]
    targets: dict[tuple[str, int | None], Decimal] = {
        (target.period_code, target.sub_area_id): target.value
        for target in Target.objects.filter(indicator=indicator, period_code__in=codes)
    }

    def found(code: str) -> Decimal | None:
        if sub_area is not None and (code, sub_area.pk) in targets:
            return targets[(code, sub_area.pk)]
        return targets.get((code, None))

    own = found(period.code)
    if own is not None or year is None:
        return own
    annual = found(year.code)
    if annual is None:
        return None
    try:
        year_periods = sub_periods(year, indicator.period_type)
    except PeriodError:
        return None  # weeks do not make up a year exactly: no share to give them
    return period_target(
        period=period,
        targets={},
        rule=Rollup(indicator.rollup_rule),
        annual=annual,
        year_periods=year_periods,
        use_annual=True,
        decimal_places=indicator.decimal_places,
    )


def assess_indicator(
    *,
    indicator: Indicator,
    value: Decimal | None,
    target: Decimal | None,
    settings: PerformanceSettings,
    value_state: str = "entered",
) -> StatusResult:
    return assess(
        value=value,
        target=target,
        polarity=Polarity(indicator.polarity),
        tolerance=tolerance_of(indicator, settings),
        decimal_places=indicator.decimal_places,
        band=band_of(indicator),
        value_state=value_state,
    )


def _stored(number: Decimal | None) -> Decimal | None:
    """Fit a computed number into the columns' six decimal places."""
    return None if number is None else number.quantize(STORED_PLACES, rounding=ROUND_HALF_UP)


def store_status(row: IndicatorValue, result: StatusResult) -> None:
    """Copy a StatusResult onto a value row (the caller saves it)."""
    row.status = str(result.status)
    row.status_target = _stored(result.target)
    row.status_warning_threshold = _stored(result.warning_threshold)
    row.status_tolerance_kind = result.tolerance.kind if result.tolerance else ""
    row.status_tolerance_amount = _stored(result.tolerance.amount if result.tolerance else None)
    row.status_polarity = str(result.polarity)
    row.status_assessed_at = timezone.now()


STATUS_FIELDS = [
    "status",
    "status_target",
    "status_warning_threshold",
    "status_tolerance_kind",
    "status_tolerance_amount",
    "status_polarity",
    "status_assessed_at",
]


def reassess(row: IndicatorValue, *, settings: PerformanceSettings | None = None) -> StatusResult:
    """Assess a value row against the current target and tolerance and store the result."""
    settings = settings or settings_for()
    result = assess_indicator(
        indicator=row.indicator,
        value=row.value,
        target=target_value_for(
            indicator=row.indicator, period_code=row.period_code, sub_area=row.sub_area
        ),
        settings=settings,
        value_state=row.state,
    )
    store_status(row, result)
    return result
