"""The value workflow: draft -> submitted -> approved, send back, and reopen with a reason.

An approved value is locked: `value_enter` refuses to change it, and only a performance
officer or organisation administrator can reopen it, giving a reason that goes into the audit
trail. Who may approve or send back is `permissions.verification_decision`'s to say: the PI's
named verifier (or the performance team covering for them), any verifier when none is named,
and never the person who entered or submitted the value.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.errors import Conflict, DomainError
from goldenthread.platform.indicators.domain.status import Status
from goldenthread.shared_indicators.publication.tasks import queue_publish_value

from ..domain.choices import AuditAction, WorkflowStatus
from ..models import Commentary, IndicatorValue
from ..permissions import (
    Verification,
    VerificationDecision,
    require_enter,
    require_manage,
    require_verification,
)
from .audit import audit_record
from .common import STATUS_FIELDS, reassess
from .public_cache import public_cache_invalidate
from .value_notifications import value_step_notify, verifiers_to_tell


def _lock(value: IndicatorValue) -> IndicatorValue:
    return (
        IndicatorValue.objects.select_for_update(of=("self",))
        .select_related(
            "indicator",
            "indicator__verifier",
            "sub_area",
            "entered_by",
            "submitted_by",
            "approved_by",
        )
        .get(pk=value.pk)
    )


def _require_state(row: IndicatorValue, expected: str, doing: str) -> None:
    if row.workflow_status != expected:
        raise Conflict(
            f"The value of {row.indicator.code} for {row.period_code} is "
            f"{row.get_workflow_status_display().lower()}, so it cannot be {doing}.",
            code="wrong_state",
        )


def _reason(reason: str, doing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(f"Give a reason for {doing} the value.", code="reason_required")
    return reason


def _transition(
    row: IndicatorValue,
    *,
    actor: User,
    action: str,
    to: str,
    fields: list[str],
    reason: str = "",
    decision: VerificationDecision | None = None,
    tell: list[User | None] | None = None,
) -> IndicatorValue:
    old = {"workflow_status": row.workflow_status, "status": row.status}
    row.workflow_status = to
    row.save(update_fields=["workflow_status", *fields, *STATUS_FIELDS, "updated_at"])
    new = {"workflow_status": row.workflow_status, "status": row.status}
    if WorkflowStatus.APPROVED in (old["workflow_status"], to):
        # An approved value appearing or leaving may change the public pages.
        public_cache_invalidate()
    if decision is not None and decision.cover_for:
        # The history says when someone stood in for the PI's named verifier.
        new["cover_for"] = decision.cover_for
    entry = audit_record(
        actor=actor,
        action=action,
        obj=row,
        indicator=row.indicator,
        period_code=row.period_code,
        old=old,
        new=new,
        reason=reason,
    )
    # In this transaction: a step that rolls back notifies nobody.
    value_step_notify(row=row, entry=entry, actor=actor, recipients=tell or [], reason=reason)
    return row


@transaction.atomic
def value_submit(*, actor: User, value: IndicatorValue) -> IndicatorValue:
    """Submit a draft for approval. When the value is off target and its PI requires it,
    commentary for the period must exist first."""
    row = _lock(value)
    require_enter(actor, row.indicator)
    _require_state(row, WorkflowStatus.DRAFT, "submitted")
    result = reassess(row)
    if (
        result.status == Status.OFF_TARGET
        and row.indicator.commentary_required_when_off_target
        and not Commentary.objects.filter(
            indicator=row.indicator, period_code=row.period_code
        ).exists()
    ):
        raise DomainError(
            f"{row.indicator.code} is off target for {row.period_code}: add commentary "
            "explaining why before submitting it.",
            code="commentary_required",
        )
    row.submitted_by = actor
    row.submitted_at = timezone.now()
    row.returned_reason = ""
    return _transition(
        row,
        actor=actor,
        action=AuditAction.SUBMITTED,
        to=WorkflowStatus.SUBMITTED,
        fields=["submitted_by", "submitted_at", "returned_reason"],
        # Nobody approves their own entry, so whoever entered it is not asked to.
        tell=[v for v in verifiers_to_tell(row) if v.pk != row.entered_by_id],
    )


@transaction.atomic
def value_approve(*, actor: User, value: IndicatorValue) -> IndicatorValue:
    """Approve a submitted value, which locks it. The approver must be the PI's named verifier
    (or the performance team covering for them), or any verifier when the PI names none, and
    never the person who last entered or submitted it (`verification_decision`)."""
    row = _lock(value)
    decision = require_verification(actor, row, Verification.APPROVE)
    _require_state(row, WorkflowStatus.SUBMITTED, "approved")
    reassess(row)
    row.approved_by = actor
    row.approved_at = timezone.now()
    row = _transition(
        row,
        actor=actor,
        action=AuditAction.APPROVED,
        to=WorkflowStatus.APPROVED,
        fields=["approved_by", "approved_at"],
        decision=decision,
        tell=[row.submitted_by or row.entered_by],
    )
    # Publication (on commit, in this organisation's schema): the worker publishes the value
    # if an agreement or consent covers it; a re-approval after a reopen is a restatement.
    queue_publish_value(value_id=row.pk)
    return row


@transaction.atomic
def value_send_back(*, actor: User, value: IndicatorValue, reason: str) -> IndicatorValue:
    """Return a submitted value to its provider as a draft, saying why. Who may is decided as
    for approving (`verification_decision`), except that the performance team may always."""
    row = _lock(value)
    decision = require_verification(actor, row, Verification.SEND_BACK)
    _require_state(row, WorkflowStatus.SUBMITTED, "sent back")
    reason = _reason(reason, "sending back")
    provider = row.submitted_by or row.entered_by
    row.returned_reason = reason
    row.submitted_by = None
    row.submitted_at = None
    reassess(row)
    return _transition(
        row,
        actor=actor,
        action=AuditAction.SENT_BACK,
        to=WorkflowStatus.DRAFT,
        fields=["returned_reason", "submitted_by", "submitted_at"],
        reason=reason,
        decision=decision,
        tell=[provider],
    )


@transaction.atomic
def value_reopen(*, actor: User, value: IndicatorValue, reason: str) -> IndicatorValue:
    """Unlock an approved value so it can be corrected; the reason is kept in the audit trail."""
    require_manage(actor)
    row = _lock(value)
    _require_state(row, WorkflowStatus.APPROVED, "reopened")
    reason = _reason(reason, "reopening")
    tell = [row.submitted_by or row.entered_by, row.approved_by]
    row.returned_reason = reason
    row.approved_by = None
    row.approved_at = None
    row.submitted_by = None
    row.submitted_at = None
    reassess(row)
    return _transition(
        row,
        actor=actor,
        action=AuditAction.REOPENED,
        to=WorkflowStatus.DRAFT,
        fields=["returned_reason", "approved_by", "approved_at", "submitted_by", "submitted_at"],
        reason=reason,
        tell=tell,
    )
