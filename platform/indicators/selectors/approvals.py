"""The approvals queue: each submitted value with what its verifier needs to judge it.

A card shows the value beside the previous period's value and the change (absolute and per
cent), its status, the latest commentary and any confirmed out-of-range or large-change flag
with its note. What the reader may do with each value is `verification_decision`'s to say.
The queue is read in a fixed number of queries, however many values wait: the submitted
values (with their PIs, verifiers and people), the previous periods' values, and the
commentary.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from goldenthread.platform.core.periods import PeriodError, parse_period, previous_period

from ..domain.choices import WorkflowStatus
from ..models import Commentary, IndicatorValue
from ..permissions import Verification, VerificationDecision, verification_decision
from .indicators import value_list


@dataclass(frozen=True)
class ApprovalCard:
    row: IndicatorValue
    approve: VerificationDecision
    send_back: VerificationDecision
    commentary: Commentary | None
    previous: IndicatorValue | None
    previous_code: str

    @property
    def actionable(self) -> bool:
        return self.approve.allowed or self.send_back.allowed

    @property
    def approve_blocked(self) -> bool:
        """Shown disabled, with the reason: the value is theirs to check but not to approve."""
        return self.approve.code == "self_approval"

    @property
    def cover_for(self) -> str:
        return self.approve.cover_for or self.send_back.cover_for

    @property
    def change(self) -> Decimal | None:
        """This value minus the previous period's, when both are numbers."""
        if self.previous is None or self.previous.value is None or self.row.value is None:
            return None
        return self.row.value - self.previous.value

    @property
    def change_percent(self) -> Decimal | None:
        """The change as a per cent of the previous value (none from zero)."""
        change = self.change
        if change is None or self.previous.value == 0:
            return None
        return change / abs(self.previous.value) * 100


def _previous_code(code: str) -> str:
    try:
        return previous_period(parse_period(code)).code
    except PeriodError:
        return ""


def approval_queue(*, user) -> list[ApprovalCard]:
    """Every submitted value, newest period first, as a card for `user`."""
    rows = list(
        value_list(filters={"workflow_status": WorkflowStatus.SUBMITTED}).select_related(
            "indicator__verifier"
        )
    )
    previous_codes = {row.pk: _previous_code(row.period_code) for row in rows}
    previous: dict[tuple[int, str, int | None], IndicatorValue] = {}
    if rows:
        for earlier in IndicatorValue.objects.filter(
            indicator_id__in={row.indicator_id for row in rows},
            period_code__in=set(previous_codes.values()) - {""},
        ):
            previous[(earlier.indicator_id, earlier.period_code, earlier.sub_area_id)] = earlier
    latest: dict[tuple[int, str], Commentary] = {}
    if rows:
        for entry in (
            Commentary.objects.filter(
                indicator_id__in={row.indicator_id for row in rows},
                period_code__in={row.period_code for row in rows},
            )
            .select_related("author")
            .order_by("-created_at")
        ):
            latest.setdefault((entry.indicator_id, entry.period_code), entry)
    cards = []
    for row in rows:
        code = previous_codes[row.pk]
        cards.append(
            ApprovalCard(
                row=row,
                approve=verification_decision(user, row, Verification.APPROVE),
                send_back=verification_decision(user, row, Verification.SEND_BACK),
                commentary=latest.get((row.indicator_id, row.period_code)),
                previous=previous.get((row.indicator_id, code, row.sub_area_id)),
                previous_code=code,
            )
        )
    return cards
