"""Approving or sending back many submitted values at once, from the approvals queue or REST.

A bulk action is a loop over the ONE way each value is approved or sent back
(`workflow.value_approve`, `workflow.value_send_back`), so `verification_decision` — the
named verifier, cover, never one's own entry — is asked of every value exactly as when it is
done one at a time. Each value is its own transaction: a value is either fully approved (or
sent back) or untouched, never half-done, and one refused value does not hold the others
back. The result lists, value by value, what was done and what was refused and why, so the
person sees the whole selection's outcome at once.

What is refused for the whole selection, before any value is touched: a person who may not
use the queue at all (403), an empty or oversized selection, and a send-back without a reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.errors import DomainError, PermissionDenied

from ..models import IndicatorValue
from ..permissions import may_see_approvals
from .workflow import value_approve, value_send_back

MAX_BULK_VERIFICATIONS = 500


@dataclass(frozen=True)
class Refusal:
    value_id: int
    message: str
    code: str
    value: IndicatorValue | None = None  # None when the id names no value


@dataclass
class BulkVerificationResult:
    """Per value: `done` (approved or sent back, in the order asked) and `refused`."""

    done: list[IndicatorValue] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)


def _selection(actor: User, value_ids: Iterable[int], doing: str) -> list[int]:
    if not may_see_approvals(actor):
        raise PermissionDenied(
            f"Only verifiers, performance officers and organisation administrators may {doing} "
            "values.",
            code="not_verifier",
        )
    ids = list(dict.fromkeys(value_ids))  # once each, in the order asked
    if not ids:
        raise DomainError(f"Choose at least one value to {doing}.", code="nothing_chosen")
    if len(ids) > MAX_BULK_VERIFICATIONS:
        raise DomainError(
            f"Choose at most {MAX_BULK_VERIFICATIONS} values at a time; {len(ids)} were chosen.",
            code="too_many",
        )
    return ids


def _each(ids: list[int], act) -> BulkVerificationResult:
    rows = IndicatorValue.objects.select_related("indicator", "indicator__verifier").in_bulk(ids)
    result = BulkVerificationResult()
    for pk in ids:
        row = rows.get(pk)
        if row is None:
            result.refused.append(Refusal(pk, f"There is no value with the id {pk}.", "not_found"))
            continue
        try:
            # The service's own transaction: a refusal rolls back this value only.
            with transaction.atomic():
                result.done.append(act(row))
        except DomainError as error:
            result.refused.append(Refusal(pk, error.message, error.code, row))
    return result


def values_approve_each(*, actor: User, value_ids: Iterable[int]) -> BulkVerificationResult:
    """Approve each chosen submitted value through `value_approve`; per value, approved or
    refused with the reason (someone else's named PI, one's own entry, no longer submitted)."""
    ids = _selection(actor, value_ids, "approve")
    return _each(ids, lambda row: value_approve(actor=actor, value=row))


def values_send_back_each(
    *, actor: User, value_ids: Iterable[int], reason: str
) -> BulkVerificationResult:
    """Send each chosen submitted value back with the same reason through `value_send_back`;
    per value, sent back or refused with the reason."""
    ids = _selection(actor, value_ids, "send back")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "Give a reason for sending back the chosen values.", code="reason_required"
        )
    return _each(ids, lambda row: value_send_back(actor=actor, value=row, reason=reason))
