"""The strategy tree: placement rules, configurable level names and roll-ups."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from goldenthread.platform.core.errors import DomainError, PermissionDenied
from goldenthread.platform.planning.models import StrategyNode
from goldenthread.platform.planning.selectors.strategy import find_in_tree, strategy_tree
from goldenthread.platform.planning.services.configuration import planning_settings_update
from goldenthread.platform.planning.services.strategy import (
    strategy_link,
    strategy_link_indicator,
    strategy_node_create,
    strategy_node_update,
)
from tests.platform.planning.support import count_queries


def test_an_officer_builds_a_tree_from_outcome_to_individual_objective(people):
    officer = people["officer"]
    outcome = strategy_node_create(actor=officer, code="CS1", title="Safer streets", level=1)
    priority = strategy_node_create(
        actor=officer, code="CP1", title="Cut burglary", level=2, parent=outcome
    )
    objective = strategy_node_create(
        actor=officer, code="IO1", title="Run 12 crime surgeries", level=5, parent=priority
    )
    roots = strategy_tree()
    assert [root.node.code for root in roots] == ["CS1"]
    assert roots[0].children[0].children[0].node == objective
    assert roots[0].level_name == "Community strategy outcome"
    assert roots[0].children[0].children[0].level_name == "Individual objective"


def test_level_names_are_the_organisations(people):
    planning_settings_update(
        actor=people["admin"], strategy_level_names=["Ambition", "Priority", "Plan"]
    )
    strategy_node_create(actor=people["admin"], code="A1", title="Thriving places", level=1)
    assert strategy_tree()[0].level_name == "Ambition"
    with pytest.raises(DomainError, match="from 1 to 3"):
        strategy_node_create(actor=people["admin"], code="A2", title="x", level=4)


def test_a_child_must_sit_deeper_than_its_parent(people):
    officer = people["officer"]
    priority = strategy_node_create(actor=officer, code="P1", title="x", level=2)
    with pytest.raises(DomainError, match="deeper level"):
        strategy_node_create(actor=officer, code="P2", title="y", level=2, parent=priority)
    assert not StrategyNode.objects.filter(code="P2").exists()


def test_a_node_cannot_be_moved_under_its_own_child(people):
    officer = people["officer"]
    top = strategy_node_create(actor=officer, code="T1", title="x", level=1)
    child = strategy_node_create(actor=officer, code="T2", title="y", level=2, parent=top)
    grandchild = strategy_node_create(actor=officer, code="T3", title="z", level=3, parent=child)
    with pytest.raises(DomainError):
        strategy_node_update(actor=officer, node=child, parent=grandchild)


@pytest.mark.parametrize("who", ["councillor", "auditor", "provider", "manager", "staff"])
def test_only_configurers_create_top_level_nodes(people, who):
    with pytest.raises(PermissionDenied):
        strategy_node_create(actor=people[who], code="X1", title="x", level=1)
    assert not StrategyNode.objects.filter(code="X1").exists()


def test_a_node_owner_adds_children_but_a_councillor_owner_cannot(people, build):
    plan_node = build.node(level=3, owner=people["staff"])
    child = strategy_node_create(
        actor=people["staff"], code="TP1", title="Team plan", level=4, parent=plan_node
    )
    assert child.parent == plan_node
    councillors_node = build.node(level=3, owner=people["councillor"])
    with pytest.raises(PermissionDenied):
        strategy_node_update(actor=people["councillor"], node=councillors_node, title="changed")
    councillors_node.refresh_from_db()
    assert councillors_node.title == "Outcome"


def test_roll_up_counts_the_whole_branch_once(people, build):
    today = timezone.localdate()
    officer = people["officer"]
    top = build.node(level=1)
    middle = build.node(level=2, parent=top)
    leaf = build.node(level=3, parent=middle)
    on = build.indicator(status="on_target")
    off = build.indicator(status="off_target")
    warn = build.indicator(status="warning")
    nothing = build.indicator()
    strategy_link_indicator(actor=officer, node=middle, indicator=on, weight="3")
    strategy_link_indicator(actor=officer, node=leaf, indicator=off, weight="1")
    strategy_link_indicator(actor=officer, node=leaf, indicator=warn)
    strategy_link_indicator(actor=officer, node=leaf, indicator=nothing, weight="2")
    strategy_link_indicator(actor=officer, node=top, indicator=on, weight="3")  # twice: one PI
    on_track = build.action(progress=50, start=today - timedelta(days=10))
    overdue = build.action(due=today - timedelta(days=1), start=today - timedelta(days=20))
    done = build.action(state="completed")
    strategy_link(actor=officer, node=leaf, action=on_track)
    strategy_link(actor=officer, node=leaf, action=overdue)
    strategy_link(actor=officer, node=middle, action=done)
    plan_action = build.action(plan=build.plan(node=middle), progress=60)
    high = build.risk(likelihood=4, impact=4)
    low = build.risk(likelihood=1, impact=2)
    strategy_link(actor=officer, node=leaf, risk=high)
    strategy_link(actor=officer, node=top, risk=low)

    roots = strategy_tree()
    top_rollup = find_in_tree(roots, top.pk).rollup
    counts = (top_rollup.pis_on_target, top_rollup.pis_warning, top_rollup.pis_off_target)
    assert counts == (1, 1, 1)
    assert top_rollup.pis_other == 1 and top_rollup.pis_total == 4
    # on_track, overdue and the plan's action count; the completed one does not.
    assert top_rollup.actions_counted == 3 and top_rollup.actions_on_track == 2
    assert top_rollup.actions_on_track_pct == Decimal(67)
    assert dict((band.name, n) for band, n in top_rollup.risks_by_band) == {
        "Very high": 0,
        "High": 1,
        "Medium": 0,
        "Low": 1,
    }
    # Weighted links in the branch: on (3, twice), off (1); "nothing" has no status.
    assert top_rollup.weighted_score == Decimal("85.7")
    leaf_rollup = find_in_tree(roots, leaf.pk).rollup
    assert leaf_rollup.pis_total == 3 and leaf_rollup.actions_counted == 2
    assert leaf_rollup.weighted_score == Decimal("0.0")
    assert plan_action.pk  # counted above through its plan


def test_the_tree_costs_the_same_queries_for_5_or_50_nodes(people, build):
    def grow(count):
        for _ in range(count):
            node = build.node(level=1)
            child = build.node(level=2, parent=node)
            child.indicators.add(build.indicator(status="on_target"))
            child.actions.add(build.action())
            child.risks.add(build.risk())

    grow(5)
    strategy_tree()  # the settings row is created on first use
    with_5 = count_queries(strategy_tree)
    grow(45)
    assert count_queries(strategy_tree) == with_5
    assert with_5 <= 12  # six reads, each after django-tenants' SET search_path
