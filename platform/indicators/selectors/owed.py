"""What one person owes in values: the to-do lists of Home and "What I owe".

For the PIs the person provides data for (active ones), and the drafts they entered on any
PI, in a fixed number of queries however many PIs and periods:
- sent back: drafts a verifier sent back (or an officer reopened), with the reason, first;
- late: values past their due date with no value or only a draft (missing values whose due
  date is more than `MISSING_LOOKBACK_DAYS` old are left to the PI's page: a PI set up with
  years of gaps should not bury this quarter's work);
- due soon: values due in the next `within_days` days with no value or only a draft;
- other drafts: saved but not submitted, and not yet due (entered early) or entered by this
  person on a PI they do not provide (a performance officer's draft).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.periods import PeriodError, parse_period

from ..domain.choices import WorkflowStatus
from ..models import Indicator, IndicatorValue, PerformanceSettings
from .due import DueItem, due_date_for, owed_between

MISSING_LOOKBACK_DAYS = 730


@dataclass
class Owed:
    sent_back: list[DueItem] = field(default_factory=list)
    late: list[DueItem] = field(default_factory=list)
    due_soon: list[DueItem] = field(default_factory=list)
    drafts: list[DueItem] = field(default_factory=list)
    provides_any: bool = False

    @property
    def count(self) -> int:
        return len(self.sent_back) + len(self.late) + len(self.due_soon) + len(self.drafts)

    def all_items(self) -> list[DueItem]:
        return [item for _, item in self.all]

    @property
    def all(self) -> list[tuple[str, DueItem]]:
        return [
            *(("sent_back", item) for item in self.sent_back),
            *(("late", item) for item in self.late),
            *(("soon", item) for item in self.due_soon),
            *(("draft", item) for item in self.drafts),
        ]


def owed_by(*, user: User, today: date | None = None, within_days: int = 30) -> Owed:
    """The person's values to do (see the module docstring), each list soonest first."""
    today = today or timezone.localdate()
    settings = PerformanceSettings.load()
    provided = list(
        Indicator.objects.filter(data_providers=user, is_active=True)
        .select_related("owner")
        .prefetch_related("data_providers")
    )
    owed = owed_between(
        indicators=provided, today=today, within_days=within_days, settings=settings
    )
    result = Owed(provides_any=bool(provided))
    seen: set[tuple[int, str]] = set()
    horizon = today - timedelta(days=MISSING_LOOKBACK_DAYS)
    for item in owed:
        if item.value is None and item.due_date < horizon:
            continue
        seen.add((item.indicator.pk, item.period.code))
        if item.value is not None and item.value.returned_reason:
            result.sent_back.append(item)
        elif item.due_date < today:
            result.late.append(item)
        else:
            result.due_soon.append(item)
    drafts = (
        IndicatorValue.objects.filter(workflow_status=WorkflowStatus.DRAFT, sub_area__isnull=True)
        .filter(Q(indicator__in=provided) | Q(entered_by=user), indicator__is_active=True)
        .select_related("indicator")
        .order_by("period_start", "indicator__code")
    )
    for row in drafts:
        if (row.indicator_id, row.period_code) in seen:
            continue
        try:
            period = parse_period(row.period_code)
        except PeriodError:
            continue
        item = DueItem(
            indicator=row.indicator,
            period=period,
            due_date=due_date_for(row.indicator, period, settings),
            value=row,
        )
        (result.sent_back if row.returned_reason else result.drafts).append(item)
    result.sent_back.sort(key=lambda item: (item.due_date, item.indicator.code))
    return result
