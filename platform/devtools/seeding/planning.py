"""Demo planning content: a strategy tree linking PIs, an action plan and a risk register.

Built through the planning services, as the council's administrator would; the people named
as owners are the demo manager and councillor. Idempotent: each node, plan, action, register
and risk is looked up by its code (or name) and created only when missing. Action dates are
relative to the day of the first seed, so that some are overdue and some behind schedule.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from goldenthread.platform.indicators.models import Indicator
from goldenthread.platform.planning.models import (
    Action,
    ActionPlan,
    Risk,
    RiskRegister,
    StrategyNode,
)
from goldenthread.platform.planning.services.actions import (
    action_create,
    action_plan_create,
    action_record_update,
)
from goldenthread.platform.planning.services.risks import risk_create, risk_register_create
from goldenthread.platform.planning.services.strategy import (
    strategy_link,
    strategy_link_indicator,
    strategy_node_create,
)

from .common import Cast, Tally

# code, title, level, parent code, PI codes linked
NODES = (
    ("OUT1", "A clean, safe and thriving district", 1, None, ()),
    ("CP1", "Cleaner, greener neighbourhoods", 2, "OUT1", ()),
    ("CP2", "Efficient, responsive council services", 2, "OUT1", ()),
    ("SP-WASTE", "Waste and street scene service plan", 3, "CP1", ("NI 191", "NI 192", "SS 01")),
    ("SP-PLAN", "Planning service plan", 3, "CP1", ("NI 157a", "NI 157b", "NI 157c")),
    ("SP-REV", "Revenues and benefits service plan", 3, "CP2", ("HB 01", "CT 01")),
    ("SP-CUST", "Customer services plan", 3, "CP2", ("CS 01",)),
)

# code, title, node, start (days from today), due (days from today), progress, state, PI
ACTIONS = (
    ("A1", "Roll out food waste collections to flats", "SP-WASTE", -200, -20, 60, "open", "NI 192"),
    ("A2", "Recruit two senior planning officers", "SP-PLAN", -150, -10, 50, "open", "NI 157a"),
    ("A3", "Introduce online housing benefit claims", "SP-REV", -120, 120, 10, "open", "HB 01"),
    ("A4", "Digital planning validation checklist", "SP-PLAN", -90, 90, 20, "open", "NI 157c"),
    ("A5", "Review missed-collection rounds", "SP-WASTE", -240, -60, 100, "completed", "SS 01"),
    ("A6", "Council tax e-billing campaign", "SP-REV", -30, 150, 25, "open", "CT 01"),
    ("A7", "Call-back service at peak times", "SP-CUST", -60, 60, 55, "open", "CS 01"),
    ("A8", "Recycling contamination education", "SP-WASTE", -10, 200, 0, "open", "NI 192"),
)

# code, title, inherent (l, i), current (l, i), target (l, i), linked PI
RISKS = (
    ("R1", "Loss of key planning staff", (5, 4), (4, 4), (2, 3), "NI 157a"),
    ("R2", "Waste contract price increases", (4, 5), (3, 4), (2, 3), "NI 191"),
    ("R3", "Cyber attack disrupts services", (4, 5), (3, 5), (2, 4), None),
    ("R4", "Rising benefit claims outstrip capacity", (4, 3), (4, 3), (2, 2), "HB 01"),
    (
        "R5",
        "Council tax collection falls in cost of living crisis",
        (3, 3),
        (2, 3),
        (2, 2),
        "CT 01",
    ),
    ("R6", "Depot flood damages fleet", (2, 4), (1, 4), (1, 3), None),
)


def seed_planning(*, cast: Cast, tally: Tally, today: date | None = None) -> None:
    today = today or timezone.localdate()
    actor = cast.admin
    pis = {pi.code: pi for pi in Indicator.objects.all()}
    nodes = {node.code: node for node in StrategyNode.objects.all()}
    for code, title, level, parent, pi_codes in NODES:
        if code in nodes:
            continue
        nodes[code] = strategy_node_create(
            actor=actor,
            code=code,
            title=title,
            level=level,
            parent=nodes[parent] if parent else None,
            owner=cast.manager,
        )
        tally.add("strategy nodes")
        for pi_code in pi_codes:
            if pi_code in pis:
                strategy_link_indicator(actor=actor, node=nodes[code], indicator=pis[pi_code])
    plan = ActionPlan.objects.filter(code="AP1").first()
    if plan is None:
        plan = action_plan_create(
            actor=actor,
            code="AP1",
            title="Corporate delivery plan",
            owner=cast.manager,
            strategy_node=nodes["OUT1"],
        )
        tally.add("action plans")
    existing = set(Action.objects.values_list("code", flat=True))
    for code, title, node, start, due, progress, state, pi_code in ACTIONS:
        if code in existing:
            continue
        action = action_create(
            actor=actor,
            plan=plan,
            code=code,
            title=title,
            start_date=today + timedelta(days=start),
            due_date=today + timedelta(days=due),
            assigned_to=cast.manager,
            managed_by=actor,
            lead_councillor=cast.councillor,
            indicators=[pis[pi_code]] if pi_code in pis else [],
        )
        strategy_link(actor=actor, node=nodes[node], action=action)
        if progress or state != "open":
            action_record_update(
                actor=actor,
                action=action,
                note="Completed and signed off." if state == "completed" else "Work under way.",
                progress=progress,
                state=state,
                today=today + timedelta(days=due),
            )
        tally.add("actions")
    register = RiskRegister.objects.filter(name="Strategic risk register").first()
    if register is None:
        register = risk_register_create(
            actor=actor, name="Strategic risk register", kind="strategic", owner=cast.manager
        )
        tally.add("risk registers")
    existing = set(Risk.objects.values_list("code", flat=True))
    for code, title, inherent, current, target, pi_code in RISKS:
        if code in existing:
            continue
        risk = risk_create(
            actor=actor,
            register=register,
            code=code,
            title=title,
            inherent_likelihood=inherent[0],
            inherent_impact=inherent[1],
            current_likelihood=current[0],
            current_impact=current[1],
            target_likelihood=target[0],
            target_impact=target[1],
            review_date=today + timedelta(days=60),
            owner=cast.manager,
            controls="Reviewed quarterly by the corporate management team.",
            indicators=[pis[pi_code]] if pi_code in pis else [],
        )
        strategy_link(actor=actor, node=nodes["OUT1"], risk=risk)
        tally.add("risks")
