"""Builders for golden-thread test data: PIs with a stored latest status, plans, actions,
risks and nodes, written straight to the models (fixtures, not behaviour under test)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

_counter = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter):05d}"


class Build:
    """Small builders that write straight to the models (fixtures, not behaviour under test)."""

    def indicator(self, *, code: str | None = None, status: str | None = None, owner=None):
        from goldenthread.platform.indicators.models import Indicator, IndicatorValue

        indicator = Indicator.objects.create(
            code=code or unique("PI"),
            title="Household waste recycled",
            unit_kind="percentage",
            polarity="higher",
            frequency="quarterly",
            owner=owner,
        )
        if status:
            IndicatorValue.objects.create(
                indicator=indicator,
                period_code="2024-Q1",
                period_type="quarter",
                period_start=date(2024, 4, 1),
                period_end=date(2024, 6, 30),
                value=Decimal("50"),
                entered_at=timezone.now(),
                status=status,
            )
        return indicator

    def plan(self, *, owner=None, code: str | None = None, node=None):
        from goldenthread.platform.planning.models import ActionPlan

        return ActionPlan.objects.create(
            code=code or unique("PLAN"), title="Service plan", owner=owner, strategy_node=node
        )

    def action(
        self,
        *,
        plan=None,
        assigned_to=None,
        managed_by=None,
        start: date | None = None,
        due: date | None = None,
        progress: int = 0,
        state: str = "open",
        code: str | None = None,
        title: str = "Deliver the thing",
        **extra,
    ):
        from goldenthread.platform.planning.models import Action

        today = timezone.localdate()
        return Action.objects.create(
            plan=plan or self.plan(),
            code=code or unique("ACT"),
            title=title,
            assigned_to=assigned_to,
            managed_by=managed_by,
            start_date=start or today - timedelta(days=10),
            due_date=due or today + timedelta(days=10),
            progress=progress,
            state=state,
            completed_on=today if state == "completed" else None,
            **extra,
        )

    def register(self, *, owner=None, name: str | None = None, kind: str = "operational"):
        from goldenthread.platform.planning.models import RiskRegister

        return RiskRegister.objects.create(name=name or unique("Register"), kind=kind, owner=owner)

    def risk(
        self,
        *,
        register=None,
        likelihood: int = 3,
        impact: int = 3,
        owner=None,
        review_date: date | None = None,
        code: str | None = None,
        state: str = "open",
        title: str = "Loss of key staff",
    ):
        from goldenthread.platform.planning.models import Risk

        return Risk.objects.create(
            register=register or self.register(),
            code=code or unique("RISK"),
            title=title,
            owner=owner,
            inherent_likelihood=5,
            inherent_impact=5,
            current_likelihood=likelihood,
            current_impact=impact,
            target_likelihood=1,
            target_impact=1,
            current_score=likelihood * impact,
            review_date=review_date or timezone.localdate() + timedelta(days=30),
            state=state,
        )

    def node(self, *, level: int = 1, parent=None, owner=None, code: str | None = None):
        from goldenthread.platform.planning.models import StrategyNode

        return StrategyNode.objects.create(
            level=level, parent=parent, owner=owner, code=code or unique("S"), title="Outcome"
        )


def count_queries(function) -> int:
    """How many SQL statements `function()` runs (django-tenants' `SET search_path` included:
    it is sent per cursor and is part of the real cost)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)
