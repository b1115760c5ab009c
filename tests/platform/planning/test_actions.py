"""Plans and actions: updates with history, completion, escalation, and who may do it."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from goldenthread.platform.core.errors import DomainError, PermissionDenied
from goldenthread.platform.planning.domain.action_status import ActionStatus
from goldenthread.platform.planning.models import Action, ActionPlan
from goldenthread.platform.planning.selectors.actions import action_get, action_list
from goldenthread.platform.planning.services.actions import (
    action_create,
    action_escalate,
    action_plan_create,
    action_record_update,
    action_update,
    milestone_add,
)


def test_a_manager_creates_a_plan_and_an_action_with_every_field(people, build):
    manager = people["manager"]
    pi = build.indicator()
    plan = action_plan_create(actor=manager, code="SP-ENV", title="Environment service plan")
    action = action_create(
        actor=manager,
        plan=plan,
        code="ENV-1",
        title="Roll out food waste collection",
        description="All households by March",
        start_date=date(2025, 4, 1),
        due_date=date(2026, 3, 31),
        assigned_to=people["staff"],
        managed_by=manager,
        lead_councillor=people["councillor"],
        source="scrutiny",
        priority="high",
        monitoring_zone=2,
        indicators=[pi],
    )
    milestone_add(actor=manager, action=action, title="Procure caddies", due_date=date(2025, 6, 1))
    fetched = action_get(pk=action.pk)
    assert fetched.plan.owner == manager
    assert fetched.get_source_display() == "Scrutiny recommendation"
    assert [m.title for m in fetched.milestones.all()] == ["Procure caddies"]
    assert list(fetched.indicators.all()) == [pi]


def test_due_before_start_is_refused_with_the_field_named(people, build):
    with pytest.raises(DomainError, match="due date must not be before the start"):
        action_create(
            actor=people["officer"],
            plan=build.plan(),
            code="BAD-1",
            title="x",
            start_date=date(2025, 5, 1),
            due_date=date(2025, 4, 1),
        )
    assert not Action.objects.filter(code="BAD-1").exists()


@pytest.mark.parametrize("who", ["councillor", "auditor", "provider", "liaison", "staff"])
def test_people_without_a_creating_role_cannot_create_plans(people, who):
    with pytest.raises(PermissionDenied):
        action_plan_create(actor=people[who], code="NOPE", title="x")
    assert not ActionPlan.objects.filter(code="NOPE").exists()


def test_the_assignee_records_updates_and_the_history_keeps_them_all(people, build):
    staff = people["staff"]
    action = build.action(assigned_to=staff)
    action_record_update(actor=staff, action=action, note="Supplier chosen", progress=30)
    action_record_update(actor=staff, action=action, note="Half delivered", progress=55)
    fetched = action_get(pk=action.pk)
    assert fetched.progress == 55
    assert fetched.latest_update == "Half delivered"
    assert [u.note for u in fetched.updates.all()] == ["Half delivered", "Supplier chosen"]
    assert fetched.status == ActionStatus.IN_PROGRESS


def test_completing_sets_full_progress_and_the_date_and_reopening_clears_it(people, build):
    staff = people["staff"]
    action = build.action(assigned_to=staff, progress=80)
    action_record_update(actor=staff, action=action, note="Done", state="completed")
    action.refresh_from_db()
    assert (action.state, action.progress, action.completed_on) == (
        "completed",
        100,
        timezone.localdate(),
    )
    action_record_update(actor=staff, action=action, note="Reopened", state="open", progress=90)
    action.refresh_from_db()
    assert action.completed_on is None and action.progress == 90


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"note": "  "}, "needs a note"),
        ({"note": "x", "progress": 101}, "from 0 to 100"),
        ({"note": "x", "state": "paused"}, "The state must be one of"),
    ],
)
def test_bad_updates_are_refused_and_change_nothing(people, build, kwargs, message):
    action = build.action(assigned_to=people["staff"], progress=10)
    with pytest.raises(DomainError, match=message):
        action_record_update(actor=people["staff"], action=action, **kwargs)
    action.refresh_from_db()
    assert action.progress == 10 and action.updates.count() == 0


@pytest.mark.parametrize("who", ["councillor", "auditor", "staff2", "provider"])
def test_others_cannot_update_an_action(people, build, who):
    action = build.action(assigned_to=people["staff"], managed_by=people["manager"])
    with pytest.raises(PermissionDenied):
        action_record_update(actor=people[who], action=action, note="x", progress=99)
    action.refresh_from_db()
    assert action.progress == 0 and action.updates.count() == 0


def test_a_councillor_named_as_lead_still_cannot_edit(people, build):
    action = build.action(lead_councillor=people["councillor"])
    with pytest.raises(PermissionDenied):
        action_update(actor=people["councillor"], action=action, title="Mine now")
    action.refresh_from_db()
    assert action.title == "Deliver the thing"


def test_escalation_moves_up_a_zone_with_the_reason_in_the_history(people, build):
    manager = people["manager"]
    action = build.action(managed_by=manager)
    action_escalate(actor=manager, action=action, to_zone=3, reason="Budget overspend")
    fetched = action_get(pk=action.pk)
    assert fetched.monitoring_zone == 3
    (escalation,) = fetched.escalations.all()
    assert (escalation.from_zone, escalation.to_zone, escalation.reason) == (
        1,
        3,
        "Budget overspend",
    )
    assert escalation.escalated_by == manager
    with pytest.raises(DomainError, match="higher zone"):
        action_escalate(actor=manager, action=action, to_zone=2, reason="down")
    with pytest.raises(DomainError, match="reason"):
        action_escalate(actor=manager, action=action, to_zone=4, reason="")
    assert fetched.escalations.count() == 1


def test_status_filter_uses_the_one_rule(people, build):
    today = timezone.localdate()
    behind = build.action(start=today - timedelta(days=50), due=today + timedelta(days=50))
    fine = build.action(
        start=today - timedelta(days=50), due=today + timedelta(days=50), progress=45
    )
    late = build.action(start=today - timedelta(days=50), due=today - timedelta(days=1))
    codes = {a.code for a in action_list(filters={"status": "check_progress"})}
    assert behind.code in codes and fine.code not in codes and late.code not in codes
    assert late.code in {a.code for a in action_list(filters={"status": "overdue"})}
