"""Advice on a target just set (`domain.target_sanity`), from the PI's own values and, for
an annual target, its periods' targets. Three queries whatever the history's length."""

from __future__ import annotations

from decimal import Decimal

from goldenthread.platform.core.periods import Period, PeriodType, sub_periods

from ..domain.calculation import Rollup
from ..domain.choices import ValueState
from ..domain.target_sanity import Advice, target_advice
from ..models import Indicator, IndicatorValue, SubArea, Target

YEAR_TYPES = (PeriodType.FINANCIAL_YEAR, PeriodType.CALENDAR_YEAR, PeriodType.ACADEMIC_YEAR)


def advice_for_target(
    *,
    indicator: Indicator,
    period: Period,
    value: Decimal,
    sub_area: SubArea | None = None,
    cumulative: bool | None = None,
) -> list[Advice]:
    """Words of advice on `value` as the target of `indicator` for `period` (never a block).

    Current performance is the latest entered value of the PI's own period type (for the same
    sub-area, or overall); the history is every such value. A cumulative profile (the
    default for a year-to-date PI) ends at the year's figure, so the year is compared with
    its last period's target rather than the sum."""
    history = list(
        IndicatorValue.objects.filter(
            indicator=indicator,
            sub_area=sub_area,
            state=ValueState.ENTERED,
            value__isnull=False,
            period_type=indicator.period_type,
        )
        .order_by("period_start")
        .values_list("value", flat=True)
    )
    profile: list[Decimal] = []
    if period.type in YEAR_TYPES and indicator.period_type not in YEAR_TYPES:
        codes = [p.code for p in sub_periods(period, indicator.period_type)]
        found = dict(
            Target.objects.filter(
                indicator=indicator, sub_area=sub_area, period_code__in=codes
            ).values_list("period_code", "value")
        )
        # Only a complete profile can be compared with the year.
        if len(found) == len(codes):
            profile = [found[code] for code in codes]
    sums = Rollup(indicator.rollup_rule) is Rollup.SUM
    if cumulative is None:
        cumulative = indicator.year_to_date
    if profile and cumulative:
        profile, sums = profile[-1:], False
    return target_advice(
        target=value,
        polarity=indicator.polarity,
        decimal_places=indicator.decimal_places,
        current=history[-1] if history else None,
        history=history,
        profile=profile,
        profile_sums=sums,
    )
