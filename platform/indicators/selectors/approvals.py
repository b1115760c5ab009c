"""How many submitted values wait for one person's approval (Home and the navigation).

The same rule as the approvals queue: a value counts when `verification_decision` lets the
person approve or send it back. One query, however many values wait.
"""

from __future__ import annotations

from goldenthread.platform.accounts.models import User

from ..domain.choices import WorkflowStatus
from ..models import IndicatorValue
from ..permissions import Verification, may_see_approvals, verification_decision


def approvals_waiting_count(*, user: User) -> int:
    if not may_see_approvals(user):
        return 0
    rows = (
        IndicatorValue.objects.filter(workflow_status=WorkflowStatus.SUBMITTED)
        .select_related("indicator__verifier")
        .only(
            "pk",
            "entered_by_id",
            "submitted_by_id",
            "indicator__code",
            "indicator__verifier_id",
            "indicator__verifier__full_name",
            "indicator__verifier__email",
        )
    )
    return sum(
        1
        for row in rows
        if verification_decision(user, row, Verification.APPROVE).allowed
        or verification_decision(user, row, Verification.SEND_BACK).allowed
    )
