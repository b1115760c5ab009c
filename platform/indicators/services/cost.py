"""Pairing a PI with its cost measure (and ending the pairing), audited.

Which money PI is a PI's cost changes what its reports say about value for money, so it is a
performance officer's decision, recorded in the PI's audit trail like its SPC baseline."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.errors import DomainError

from ..domain.choices import AuditAction, CostMeasure, UnitKind
from ..models import CostPairing, Indicator
from ..permissions import require_manage
from .audit import audit_record


def _checked(indicator: Indicator, cost_indicator: Indicator, measure: str) -> None:
    if measure not in CostMeasure.values:
        expected = ", ".join(CostMeasure.values)
        raise DomainError(
            f"'{measure}' is not a cost measure; expected one of {expected}.",
            extra={"field": "measure"},
        )
    if cost_indicator.pk == indicator.pk:
        raise DomainError(
            f"{indicator.code} cannot be its own cost: choose the PI that holds what it costs.",
            extra={"field": "cost_indicator"},
        )
    if cost_indicator.unit_kind != UnitKind.MONEY:
        raise DomainError(
            f"{cost_indicator.code} is not measured in money, so it cannot be a cost.",
            extra={"field": "cost_indicator"},
        )
    if cost_indicator.period_type != indicator.period_type:
        raise DomainError(
            f"{cost_indicator.code} is collected {cost_indicator.get_frequency_display().lower()}"
            f" and {indicator.code} {indicator.get_frequency_display().lower()}: a cost must "
            "cover the same periods as the PI beside it.",
            extra={"field": "cost_indicator"},
        )
    if not cost_indicator.is_active:
        raise DomainError(f"{cost_indicator.code} is retired.", extra={"field": "cost_indicator"})


def _described(pairing: CostPairing) -> dict[str, str]:
    return {"cost_indicator": pairing.cost_indicator.code, "measure": pairing.measure}


@transaction.atomic
def cost_pairing_set(
    *, actor: User, indicator: Indicator, cost_indicator: Indicator, measure: str
) -> CostPairing:
    """Pair `indicator` with the money PI `cost_indicator`, holding its spend or its unit cost
    per period (`CostMeasure`). Replaces an earlier pairing; refused to anyone but performance
    officers and organisation administrators."""
    require_manage(actor)
    _checked(indicator, cost_indicator, measure)
    pairing = (
        CostPairing.objects.select_for_update()
        .select_related("cost_indicator")
        .filter(indicator=indicator)
        .first()
    )
    old = None
    if pairing is None:
        pairing = CostPairing(indicator=indicator)
    else:
        old = _described(pairing)
    pairing.cost_indicator = cost_indicator
    pairing.measure = measure
    pairing.set_by = actor
    pairing.set_at = timezone.now()
    pairing.save()
    audit_record(
        actor=actor,
        action=AuditAction.COST_PAIRING_SET,
        obj=pairing,
        indicator=indicator,
        old=old,
        new=_described(pairing),
    )
    return pairing


@transaction.atomic
def cost_pairing_clear(*, actor: User, indicator: Indicator) -> None:
    """End the PI's pairing with a cost measure (nothing to do when it has none)."""
    require_manage(actor)
    pairing = (
        CostPairing.objects.select_for_update()
        .select_related("cost_indicator")
        .filter(indicator=indicator)
        .first()
    )
    if pairing is None:
        return
    audit_record(
        actor=actor,
        action=AuditAction.COST_PAIRING_CLEARED,
        obj=pairing,
        indicator=indicator,
        old=_described(pairing),
    )
    pairing.delete()
