"""Recording (and clearing) the periods an SPC chart's limits are calculated from.

Choosing a baseline changes what counts as a signal, so it is an officer's decision, with a
reason, in the audit trail."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.indicators.domain.spc import SpcError, xmr

from ..domain.choices import AuditAction
from ..models import Indicator, SpcBaseline
from ..permissions import require_manage
from ..selectors.spc import baseline_indices, spc_values
from .audit import audit_record


@transaction.atomic
def spc_baseline_set(
    *, actor: User, indicator: Indicator, first_period_code: str, last_period_code: str, reason: str
) -> SpcBaseline:
    require_manage(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Give a reason for recalculating the limits from a baseline.")
    rows = spc_values(indicator)
    try:
        span = baseline_indices(
            rows, (first_period_code or "").strip(), (last_period_code or "").strip()
        )
        if span[0] > span[1]:
            raise SpcError("The baseline's first period must come before its last.")
        xmr([row.value for row in rows], baseline=span)
    except SpcError as error:
        raise DomainError(str(error), code="bad_spc_baseline") from None
    baseline = SpcBaseline.objects.select_for_update().filter(indicator=indicator).first()
    old = None
    if baseline is None:
        baseline = SpcBaseline(indicator=indicator)
    else:
        old = {"first": baseline.first_period_code, "last": baseline.last_period_code}
    baseline.first_period_code = rows[span[0]].period_code
    baseline.last_period_code = rows[span[1]].period_code
    baseline.reason = reason
    baseline.set_by = actor
    baseline.set_at = timezone.now()
    baseline.save()
    audit_record(
        actor=actor,
        action=AuditAction.SPC_BASELINE_SET,
        obj=baseline,
        indicator=indicator,
        old=old,
        new={"first": baseline.first_period_code, "last": baseline.last_period_code},
        reason=reason,
    )
    return baseline


@transaction.atomic
def spc_baseline_clear(*, actor: User, indicator: Indicator, reason: str) -> None:
    require_manage(actor)
    baseline = SpcBaseline.objects.select_for_update().filter(indicator=indicator).first()
    if baseline is None:
        return
    audit_record(
        actor=actor,
        action=AuditAction.SPC_BASELINE_CLEARED,
        obj=baseline,
        indicator=indicator,
        old={"first": baseline.first_period_code, "last": baseline.last_period_code},
        reason=(reason or "").strip(),
    )
    baseline.delete()
