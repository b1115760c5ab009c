"""Part years, year-to-date targets and the annual target's fallback: the council's rules.

A PI's periods combine into a year by its roll-up rule (`calculation.Rollup`): a count adds
up, an average is averaged, a snapshot takes the latest value, and a percentage or rate is
recomputed from the summed numerators and denominators.

A year (or a year to date) with a period missing is a *part year*. It is never compared with
the full annual target, which would make half a year's count look on target (or hopelessly
off it). It is compared with the target of just the periods it holds, each period's target
being:

* its own target, when one is set (the profile `target_profile_annual` wrote, or a target set
  by hand); for a PI reported year to date (summed) the profile is cumulative, so a period's
  own share is its running target less the previous period's;
* else, only when the PI says so (`falls_back_to_annual_target`), the annual target profiled
  onto it flat: an equal share for a sum (rounded so that the shares add up to the annual
  target exactly), the annual figure itself for an average, latest value or rate (80% for
  the year means 80% each quarter);
* else there is no target for it, and so none for the part year: the report says "no
  year-to-date target" rather than rate the part year against a target it does not match.

The periods' targets then combine like the values: added for a sum, the latest for a latest
value, averaged for an average or a rate.

Everything here is pure: no database, no settings, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from goldenthread.platform.core.periods import Period, PeriodType, period_containing
from goldenthread.platform.indicators.domain.calculation import Rollup
from goldenthread.platform.indicators.domain.targets import profile_annual_target

NO_YEAR_TO_DATE_TARGET = "No year-to-date target"


def year_of(period: Period, year_type: PeriodType = PeriodType.FINANCIAL_YEAR) -> Period:
    """The year a period belongs to (the year holding its midpoint: a week by its Thursday)."""
    if period.type == year_type:
        return period
    return period_containing(year_type, period.midpoint)


def annual_share(
    *,
    annual: Decimal,
    period: Period,
    year_periods: Sequence[Period],
    rule: Rollup,
    decimal_places: int,
) -> Decimal:
    """The annual target profiled flat onto `period`, one of `year_periods` (the PI's periods
    of that year): an equal share for a sum, the annual figure for any other rule."""
    profile = profile_annual_target(
        annual=annual,
        periods=year_periods,
        method="flat",
        rollup=Rollup(rule),
        decimal_places=decimal_places,
    )
    return profile[period]


def period_target(
    *,
    period: Period,
    targets: Mapping[Period, Decimal],
    rule: Rollup,
    cumulative: bool = False,
    annual: Decimal | None = None,
    year_periods: Sequence[Period] = (),
    use_annual: bool = False,
    decimal_places: int = 6,
) -> Decimal | None:
    """One period's own part of the year's target (see the module's rules), or None.

    `targets`: the PI's targets by period (its own periods of the year; others are ignored);
    `cumulative`: the targets are running totals (a summed PI reported year to date), so the
    period's part is its target less the previous period's; `annual` and `year_periods`: the
    year's target and the PI's periods of the year, for the fallback when `use_annual`.
    """
    rule = Rollup(rule)
    own = targets.get(period)
    if own is not None:
        if not (cumulative and rule is Rollup.SUM):
            return own
        ordered = sorted(year_periods, key=lambda p: p.start)
        position = ordered.index(period) if period in ordered else -1
        if position <= 0:
            return own
        before = targets.get(ordered[position - 1])
        return None if before is None else own - before
    if use_annual and annual is not None and period in year_periods:
        return annual_share(
            annual=annual,
            period=period,
            year_periods=year_periods,
            rule=rule,
            decimal_places=decimal_places,
        )
    return None


def combined_target(parts: Sequence[Decimal | None], rule: Rollup) -> Decimal | None:
    """The target of several periods taken together, from each one's target (in date order):
    None when any of them has none."""
    if not parts or any(part is None for part in parts):
        return None
    rule = Rollup(rule)
    if rule is Rollup.SUM:
        return sum(parts, Decimal(0))
    if rule is Rollup.LAST:
        return parts[-1]
    return sum(parts, Decimal(0)) / len(parts)


@dataclass(frozen=True)
class PartYearTarget:
    """The target a year (or a year to date) is compared with, and whether it is a part year.

    `target` is None when there is none to compare with (`words` then says so)."""

    target: Decimal | None
    part_year: bool
    words: str = ""


def target_for_periods(
    *,
    periods: Sequence[Period],
    present: Sequence[Period],
    rule: Rollup,
    targets: Mapping[Period, Decimal],
    whole_target: Decimal | None = None,
    cumulative: bool = False,
    annual: Decimal | None = None,
    year_periods: Sequence[Period] = (),
    use_annual: bool = False,
    decimal_places: int = 6,
) -> PartYearTarget:
    """The target for a roll-up of `periods` (the whole year, or the year so far) of which
    only `present` have values.

    Complete (every period present): `whole_target` (the year's own target, or the period's
    running target for a PI reported year to date) when given, else the periods' targets
    combined. A part year: only the present periods' targets combined, never `whole_target`;
    None, with the words "No year-to-date target", when any present period has none.
    """
    rule = Rollup(rule)
    present_set = set(present)
    part_year = any(p not in present_set for p in periods)
    if not part_year and whole_target is not None:
        return PartYearTarget(whole_target, False)
    chosen = [p for p in periods if p in present_set] if part_year else list(periods)
    parts = [
        period_target(
            period=p,
            targets=targets,
            rule=rule,
            cumulative=cumulative,
            annual=annual,
            year_periods=year_periods,
            use_annual=use_annual,
            decimal_places=decimal_places,
        )
        for p in chosen
    ]
    target = combined_target(parts, rule)
    if target is None and part_year:
        return PartYearTarget(None, True, NO_YEAR_TO_DATE_TARGET)
    return PartYearTarget(target, part_year)
