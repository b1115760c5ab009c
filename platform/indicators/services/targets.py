"""Targets (per period, per year, per sub-area), annual profiling, and baselines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.periods import Period, PeriodType, sub_periods
from goldenthread.platform.indicators.domain.calculation import Rollup
from goldenthread.platform.indicators.domain.targets import profile_annual_target

from ..domain.choices import AuditAction, UnitKind, WorkflowStatus
from ..models import Baseline, Indicator, IndicatorValue, SubArea, Target
from ..permissions import require_manage
from ..selectors.target_advice import advice_for_target
from .audit import audit_record, plain
from .common import (
    STATUS_FIELDS,
    clean_and_save,
    reassess,
    settings_for,
    target_period,
    to_decimal,
)

YEAR_TYPES = (PeriodType.FINANCIAL_YEAR, PeriodType.CALENDAR_YEAR, PeriodType.ACADEMIC_YEAR)


def _required_number(raw: Any, name: str, *, indicator: Indicator) -> Decimal:
    """A target or baseline read by the one parser; a percentage's may carry its % sign."""
    number = to_decimal(raw, name=name, percent_sign=indicator.unit_kind == UnitKind.PERCENTAGE)
    if number is None:
        raise DomainError(f"{name} is required.")
    return number


def _reassess_open_values(indicator: Indicator, period_code: str) -> None:
    """Values not yet approved follow the new target; approved ones keep the status they were
    approved with (history keeps its colours)."""
    settings = settings_for()
    rows = (
        IndicatorValue.objects.filter(indicator=indicator, period_code=period_code)
        .exclude(workflow_status=WorkflowStatus.APPROVED)
        .select_related("indicator", "sub_area")
    )
    for row in rows:
        reassess(row, settings=settings)
        row.save(update_fields=[*STATUS_FIELDS, "updated_at"])


def _reassess_falling_back(indicator: Indicator, period: Period) -> None:
    """A PI whose periods fall back to the annual target follows a change of the year's
    target in its periods' open values too."""
    if not indicator.falls_back_to_annual_target or period.type not in YEAR_TYPES:
        return
    if indicator.period_type in YEAR_TYPES:
        return
    for part in sub_periods(period, indicator.period_type):
        _reassess_open_values(indicator, part.code)


def _set_target(
    *,
    actor: User,
    indicator: Indicator,
    period_code: str,
    value: Decimal,
    sub_area: SubArea | None,
    note: str,
    reason: str,
) -> Target:
    period = target_period(indicator, period_code)
    target = (
        Target.objects.select_for_update(of=("self",))
        .filter(indicator=indicator, period_code=period.code, sub_area=sub_area)
        .first()
    )
    old = None
    if target is None:
        target = Target(indicator=indicator, sub_area=sub_area)
        target.set_period(period)
    else:
        old = {"value": plain(target.value), "note": target.note}
    target.value = value
    target.note = (note or "").strip()
    target.set_by = actor
    target.set_at = timezone.now()
    new = {"value": plain(value), "note": target.note}
    if old == new:
        return target
    clean_and_save(target)
    if sub_area is not None:
        new["sub_area"] = sub_area.pk
    audit_record(
        actor=actor,
        action=AuditAction.TARGET_SET,
        obj=target,
        indicator=indicator,
        period_code=period.code,
        old=old,
        new=new,
        reason=reason,
    )
    _reassess_open_values(indicator, period.code)
    _reassess_falling_back(indicator, period)
    return target


@transaction.atomic
def target_set(
    *,
    actor: User,
    indicator: Indicator,
    period_code: str,
    value: Any,
    sub_area: SubArea | None = None,
    note: str = "",
    reason: str = "",
    interface: str | None = None,
) -> Target:
    """Set (or change) the target of a PI for one of its periods, or for a longer period made
    of whole ones (the year), optionally for one sub-area. `interface` ("page", "rest"): the
    door a person set it through, for the advice's read of benchmarking peers (none without)."""
    require_manage(actor)
    target = _set_target(
        actor=actor,
        indicator=indicator,
        period_code=period_code,
        value=_required_number(value, "The target", indicator=indicator),
        sub_area=sub_area,
        note=note,
        reason=reason,
    )
    _attach_advice(target, indicator, actor=actor, interface=interface)
    return target


def _attach_advice(
    target: Target,
    indicator: Indicator,
    *,
    cumulative: bool | None = None,
    actor: User | None = None,
    interface: str | None = None,
) -> None:
    """Advice on the saved target (unambitious, unrealistic, out of line with its profile),
    carried on the returned object for the page and REST to show; advice never blocks."""
    target.advice = advice_for_target(
        indicator=indicator,
        period=target_period(indicator, target.period_code),
        value=target.value,
        sub_area=target.sub_area,
        cumulative=cumulative,
        reader_user=actor,
        interface=interface,
    )


@transaction.atomic
def target_profile_annual(
    *,
    actor: User,
    indicator: Indicator,
    year_code: str,
    annual: Any,
    method: Literal["flat", "cumulative"] = "flat",
    sub_area: SubArea | None = None,
    reason: str = "",
) -> list[Target]:
    """Set the year's target and spread it over the PI's periods in that year.

    `flat`: each period gets the annual figure (or an equal share of it for a summed PI);
    `cumulative`: each period gets the running share to date. Returns the year's target
    first, then the periods' in order.
    """
    require_manage(actor)
    if method not in ("flat", "cumulative"):
        raise DomainError(f"'{method}' is not a profiling method; use flat or cumulative.")
    annual_value = _required_number(annual, "The annual target", indicator=indicator)
    year = target_period(indicator, year_code)
    if year.type not in YEAR_TYPES:
        raise DomainError(f"'{year_code}' is not a year; profile an annual target from a year.")
    periods = sub_periods(year, indicator.period_type)
    if len(periods) < 2:
        raise DomainError(
            f"{indicator.code} is collected once a year, so there is nothing to profile; set "
            "the year's target instead."
        )
    profile = profile_annual_target(
        annual=annual_value,
        periods=periods,
        method=method,
        rollup=Rollup(indicator.rollup_rule),
        decimal_places=indicator.decimal_places,
    )
    common = {"actor": actor, "indicator": indicator, "sub_area": sub_area, "reason": reason}
    targets = [_set_target(period_code=year.code, value=annual_value, note="", **common)]
    for period in periods:
        targets.append(
            _set_target(
                period_code=period.code,
                value=profile[period],
                note=f"Profiled ({method}) from the {year.code} annual target.",
                **common,
            )
        )
    # The year's target is advised on once its periods are set, so the profile check sees
    # them; a profile the service itself made is consistent, but ambition is still checked.
    _attach_advice(targets[0], indicator, cumulative=method == "cumulative")
    return targets


@transaction.atomic
def target_delete(*, actor: User, target: Target, reason: str = "") -> None:
    require_manage(actor)
    target = (
        Target.objects.select_for_update(of=("self",)).select_related("indicator").get(pk=target.pk)
    )
    audit_record(
        actor=actor,
        action=AuditAction.TARGET_DELETED,
        obj=target,
        indicator=target.indicator,
        period_code=target.period_code,
        old={"value": plain(target.value), "sub_area": target.sub_area_id},
        reason=reason,
    )
    indicator, period_code = target.indicator, target.period_code
    target.delete()
    _reassess_open_values(indicator, period_code)
    _reassess_falling_back(indicator, target_period(indicator, period_code))


@transaction.atomic
def baseline_set(
    *,
    actor: User,
    indicator: Indicator,
    period_code: str,
    value: Any,
    sub_area: SubArea | None = None,
    note: str = "",
) -> Baseline:
    """Record the value a PI's progress is measured from (one per PI and sub-area)."""
    require_manage(actor)
    period = target_period(indicator, period_code)
    number = _required_number(value, "The baseline", indicator=indicator)
    baseline = (
        Baseline.objects.select_for_update(of=("self",))
        .filter(indicator=indicator, sub_area=sub_area)
        .first()
    )
    old = None
    if baseline is None:
        baseline = Baseline(indicator=indicator, sub_area=sub_area)
    else:
        old = {"period_code": baseline.period_code, "value": plain(baseline.value)}
    baseline.set_period(period)
    baseline.value = number
    baseline.note = (note or "").strip()
    baseline.set_by = actor
    baseline.set_at = timezone.now()
    clean_and_save(baseline)
    audit_record(
        actor=actor,
        action=AuditAction.BASELINE_SET,
        obj=baseline,
        indicator=indicator,
        period_code=period.code,
        old=old,
        new={"period_code": period.code, "value": plain(number)},
    )
    return baseline
