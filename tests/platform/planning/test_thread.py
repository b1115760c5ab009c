"""The golden thread below chosen nodes: each node brings what is linked to it and to every
node beneath it (an action also through a plan attached to one), in five queries."""

from __future__ import annotations

from goldenthread.platform.planning.models import PlanningSettings
from goldenthread.platform.planning.selectors.thread import golden_thread
from tests.factories import (
    ActionFactory,
    ActionPlanFactory,
    IndicatorFactory,
    RiskFactory,
    StrategyNodeFactory,
)


def test_a_node_brings_everything_linked_beneath_it_once(in_org, django_assert_num_queries):
    priority = StrategyNodeFactory(code="P1", title="Clean streets", level=1)
    theme = StrategyNodeFactory(code="T1", title="Litter", level=2, parent=priority)
    deeper = StrategyNodeFactory(code="O1", title="Outcome", level=3, parent=theme)
    elsewhere = StrategyNodeFactory(code="P2", title="Housing", level=1)
    pi, shared, other = IndicatorFactory(), IndicatorFactory(), IndicatorFactory()
    priority.indicators.add(pi, shared)
    deeper.indicators.add(shared)
    elsewhere.indicators.add(other)
    linked = ActionFactory()
    theme.actions.add(linked)
    planned = ActionFactory(plan=ActionPlanFactory(strategy_node=deeper))
    risk = RiskFactory()
    deeper.risks.add(risk)

    PlanningSettings.load()  # made on first use, not counted
    with django_assert_num_queries(6):  # the five, and the settings' level names
        found = golden_thread(node_ids=[theme.pk, priority.pk, 999999])

    assert [node.code for node in found] == ["P1", "T1"]  # tree order; unknown ids skipped
    first, second = found
    assert first.indicator_ids == tuple(sorted((pi.pk, shared.pk)))
    assert first.action_ids == tuple(sorted((linked.pk, planned.pk)))
    assert first.risk_ids == (risk.pk,)
    assert second.indicator_ids == (shared.pk,)
    assert first.level_name != second.level_name


def test_no_nodes_asked_for_reads_nothing(in_org, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert golden_thread(node_ids=[]) == []
