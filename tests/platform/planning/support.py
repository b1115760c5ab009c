"""Builders for golden-thread test data: PIs with a stored latest status, plans, actions,
risks and nodes, written straight to the models (fixtures, not behaviour under test)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone


def _given(**fields):
    """The fields a test chose; the factories' sequences make the others unique."""
    return {name: value for name, value in fields.items() if value is not None}


class Build:
    """The planning tests' builders, over the factories in `tests.factories` (fixtures, not
    behaviour under test): the same defaults under the names these tests use."""

    def indicator(self, *, code: str | None = None, status: str | None = None, owner=None):
        from tests.factories import IndicatorFactory, IndicatorValueFactory

        indicator = IndicatorFactory(**_given(code=code), owner=owner)
        if status:
            IndicatorValueFactory(
                indicator=indicator,
                period="2024/25 Q1",
                value=Decimal("50"),
                status=status,
                workflow_status="draft",
            )
        return indicator

    def plan(self, *, owner=None, code: str | None = None, node=None):
        from tests.factories import ActionPlanFactory

        return ActionPlanFactory(**_given(code=code), owner=owner, strategy_node=node)

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
        from tests.factories import ActionFactory

        today = timezone.localdate()
        return ActionFactory(
            plan=plan or self.plan(),
            **_given(code=code),
            title=title,
            assigned_to=assigned_to,
            managed_by=managed_by,
            start_date=start or today - timedelta(days=10),
            due_date=due or today + timedelta(days=10),
            progress=progress,
            state=state,
            **extra,
        )

    def register(self, *, owner=None, name: str | None = None, kind: str = "operational"):
        from tests.factories import RiskRegisterFactory

        return RiskRegisterFactory(**_given(name=name), kind=kind, owner=owner)

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
        from tests.factories import RiskFactory

        return RiskFactory(
            register=register or self.register(),
            **_given(code=code),
            title=title,
            owner=owner,
            current_likelihood=likelihood,
            current_impact=impact,
            review_date=review_date or timezone.localdate() + timedelta(days=30),
            state=state,
        )

    def node(self, *, level: int = 1, parent=None, owner=None, code: str | None = None):
        from tests.factories import StrategyNodeFactory

        return StrategyNodeFactory(level=level, parent=parent, owner=owner, **_given(code=code))


def count_queries(function) -> int:
    """How many SQL statements `function()` runs (django-tenants' `SET search_path` included:
    it is sent per cursor and is part of the real cost)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)
