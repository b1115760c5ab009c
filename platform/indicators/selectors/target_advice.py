"""Advice on a target just set (`domain.target_sanity`), from the PI's own values and, for
an annual target, its periods' targets. Three queries whatever the history's length."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from goldenthread.platform.core.periods import Period, PeriodType, sub_periods

from ..domain.calculation import Rollup
from ..domain.choices import ValueState
from ..domain.target_sanity import Advice, peer_quartile_advice, target_advice
from ..models import Indicator, IndicatorValue, SubArea, Target
from .peers import PeerValues, latest_peer_values

YEAR_TYPES = (PeriodType.FINANCIAL_YEAR, PeriodType.CALENDAR_YEAR, PeriodType.ACADEMIC_YEAR)


def advice_for_target(
    *,
    indicator: Indicator,
    period: Period,
    value: Decimal,
    sub_area: SubArea | None = None,
    cumulative: bool | None = None,
    reader_user=None,
    interface: str | None = None,
) -> list[Advice]:
    """Words of advice on `value` as the target of `indicator` for `period` (never a block).

    Current performance is the latest entered value of the PI's own period type (for the same
    sub-area, or overall); the history is every such value. A cumulative profile (the
    default for a year-to-date PI) ends at the year's figure, so the year is compared with
    its last period's target rather than the sum.

    With `reader_user` and `interface` (a person setting one target by page or REST), a
    catalogue PI's consented benchmarking peers are read (`selectors.peers`, logged as a
    read): their values widen "what has been achieved" for the unrealistic check, and each
    club's quartiles are given as a guide. Overall targets only: peers publish whole areas."""
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
    peers: Sequence[PeerValues] = ()
    if reader_user is not None and interface and sub_area is None:
        peers = latest_peer_values(
            indicator=indicator, up_to=period, reader_user=reader_user, interface=interface
        )
    advice = target_advice(
        target=value,
        polarity=indicator.polarity,
        decimal_places=indicator.decimal_places,
        current=history[-1] if history else None,
        history=history,
        peer_values=[number for club in peers for number in club.values],
        profile=profile,
        profile_sums=sums,
    )
    for club in peers:
        guide = peer_quartile_advice(
            target=value,
            polarity=indicator.polarity,
            decimal_places=indicator.decimal_places,
            club=club.club,
            period_label=club.period.label,
            values=club.values,
        )
        if guide is not None:
            advice.append(guide)
    return advice
