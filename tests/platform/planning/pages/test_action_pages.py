"""Action plan, action and milestone pages: create, edit, complete; refusals change nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from goldenthread.platform.planning.models import Action, ActionPlan, Milestone
from tests.platform.planning.pages.support import (
    assert_problem,
    assert_refused,
    assert_sign_in_asked,
    text,
)


def plan_data(**overrides) -> dict:
    return {
        "code": "PLAN-B",
        "title": "Street cleansing plan",
        "description": "",
        "owner": "",
        "strategy_node": "",
        **overrides,
    }


def action_data(scene, people, **overrides) -> dict:
    return {
        "plan": str(scene.plan.pk),
        "code": "ACT-B",
        "title": "Buy two sweepers",
        "description": "Electric ones",
        "assigned_to": str(people["staff"].pk),
        "managed_by": str(people["manager"].pk),
        "lead_councillor": str(people["councillor"].pk),
        "start_date": "2025-04-01",
        "due_date": "2025-09-30",
        "source": "scrutiny",
        "priority": "high",
        "monitoring_zone": "3",
        "indicators": [str(scene.pi.pk)],
        **overrides,
    }


# --- action plans ---------------------------------------------------------------------------


def test_a_manager_creates_a_plan_they_then_own(scene, people, as_user, alpha):
    client = as_user("manager")
    assert "New action plan" in text(client.get("/planning/plans/"))

    response = client.post("/planning/plans/new/", plan_data(strategy_node=str(scene.node.pk)))

    alpha()
    plan = ActionPlan.objects.get(code="PLAN-B")
    assert response["Location"] == f"/planning/plans/{plan.pk}/"
    assert (plan.owner, plan.strategy_node, plan.is_active) == (people["manager"], scene.node, True)


def test_the_plan_owner_edits_and_deactivates_it(scene, people, as_user, alpha):
    client = as_user("manager")
    assert "Edit PLAN-A" in text(client.get(f"/planning/plans/{scene.plan.pk}/"))

    response = client.post(
        f"/planning/plans/{scene.plan.pk}/edit/",
        plan_data(code="PLAN-A", title="Renamed", owner=str(people["staff"].pk)),
    )

    assert response.status_code == 302
    alpha()
    plan = ActionPlan.objects.get(pk=scene.plan.pk)
    assert (plan.title, plan.owner, plan.is_active) == ("Renamed", people["staff"], False)


def test_a_bad_plan_is_explained_and_nothing_changes(scene, as_user, alpha):
    client = as_user("manager")
    duplicate = client.post("/planning/plans/new/", plan_data(code="plan-a"))
    assert_problem(duplicate, "The code plan-a is already used; choose another.")
    blank = client.post(f"/planning/plans/{scene.plan.pk}/edit/", plan_data(code="", title=""))
    assert_problem(blank, "Enter the code.", "Enter the title.")
    alpha()
    assert ActionPlan.objects.filter(code__iexact="plan-a").count() == 1
    assert ActionPlan.objects.get(pk=scene.plan.pk).title == "Service plan"


# --- actions --------------------------------------------------------------------------------


def test_a_manager_creates_an_action_with_every_field(scene, people, as_user, alpha):
    # Given a manager on the new-action page of a plan
    client = as_user("manager")
    page = client.get(f"/planning/actions/new/?plan={scene.plan.pk}")
    assert f'<option value="{scene.plan.pk}" selected>' in page.content.decode()

    # When they send a complete action
    response = client.post(
        f"/planning/actions/new/?plan={scene.plan.pk}", action_data(scene, people)
    )

    # Then it is created with every field
    alpha()
    action = Action.objects.get(code="ACT-B")
    assert response["Location"] == f"/planning/actions/{action.pk}/"
    assert (action.plan, action.assigned_to, action.managed_by, action.lead_councillor) == (
        scene.plan,
        people["staff"],
        people["manager"],
        people["councillor"],
    )
    assert (action.start_date, action.due_date) == (date(2025, 4, 1), date(2025, 9, 30))
    assert (action.source, action.priority, action.monitoring_zone) == ("scrutiny", "high", 3)
    assert list(action.indicators.all()) == [scene.pi]
    assert action.state == "open" and action.progress == 0


def test_a_plan_owner_without_the_create_role_adds_to_their_own_plan_only(
    scene, people, build, as_user, alpha
):
    own = build.plan(owner=people["provider"], code="PLAN-P")
    client = as_user("provider")
    page = text(client.get("/planning/actions/new/"))
    assert "PLAN-P" in page and "PLAN-A" not in page

    elsewhere = client.post("/planning/actions/new/", action_data(scene, people))
    assert_problem(elsewhere, "Select a valid choice")
    mine = client.post("/planning/actions/new/", action_data(scene, people, plan=str(own.pk)))
    assert mine.status_code == 302
    alpha()
    assert list(Action.objects.filter(code="ACT-B").values_list("plan__code", flat=True)) == [
        "PLAN-P"
    ]


def test_a_bad_action_is_explained_and_nothing_is_created(scene, people, as_user, alpha):
    client = as_user("manager")
    backwards = client.post(
        "/planning/actions/new/",
        action_data(scene, people, start_date="2025-09-30", due_date="2025-04-01"),
    )
    assert_problem(backwards, "The due date must not be before the start date.")
    assert 'href="#id_due_date"' in backwards.content.decode()

    missing = client.post(
        "/planning/actions/new/",
        action_data(scene, people, plan="", title="", due_date="not a date"),
    )
    assert_problem(missing, "Choose the action plan.", "Enter the title.", "Enter a valid date.")
    alpha()
    assert not Action.objects.filter(code="ACT-B").exists()


def test_the_assignee_edits_an_action_but_not_its_zone_or_plan(
    scene, people, build, as_user, alpha
):
    other_plan = build.plan(code="PLAN-X")
    client = as_user("staff")
    page = client.get(f"/planning/actions/{scene.action.pk}/edit/")
    assert page.status_code == 200 and "changes by escalation" in text(page)

    response = client.post(
        f"/planning/actions/{scene.action.pk}/edit/",
        action_data(
            scene,
            people,
            code="ACT-A",
            title="Publish the plan on time",
            plan=str(other_plan.pk),
            monitoring_zone="5",
            indicators=[],
        ),
    )

    assert response.status_code == 302
    alpha()
    action = Action.objects.get(pk=scene.action.pk)
    assert action.title == "Publish the plan on time"
    assert (action.plan, action.monitoring_zone) == (scene.plan, 1)
    assert action.lead_councillor == people["councillor"]
    assert action.due_date == date(2025, 9, 30)
    assert not action.indicators.exists()


def test_a_bad_edit_is_explained_and_the_action_is_unchanged(scene, people, as_user, alpha):
    client = as_user("staff")
    response = client.post(
        f"/planning/actions/{scene.action.pk}/edit/",
        action_data(scene, people, code="ACT-A", title="", source="gossip"),
    )
    assert_problem(response, "Enter the title.", "Select a valid choice. gossip")
    alpha()
    assert Action.objects.get(pk=scene.action.pk).title == "Publish the recycling plan"


# --- milestones -----------------------------------------------------------------------------


def test_milestones_are_added_edited_completed_and_reopened(scene, as_user, alpha):
    client = as_user("staff")
    url = f"/planning/actions/{scene.action.pk}/milestones/"
    assert "First draft" in text(client.get(url))

    added = client.post(url, {"title": "Cabinet approval", "due_date": "2025-06-30"})
    assert added.status_code == 302
    alpha()
    new = Milestone.objects.get(action=scene.action, title="Cabinet approval")
    assert new.due_date == date(2025, 6, 30) and new.completed_on is None

    edited = client.post(
        f"/planning/milestones/{new.pk}/edit/",
        {"title": "Cabinet sign-off", "due_date": "2025-07-31", "completed_on": ""},
    )
    assert edited.status_code == 302
    done = client.post(f"/planning/milestones/{new.pk}/complete/", {"completed": "yes"})
    assert done.status_code == 302
    alpha()
    new.refresh_from_db()
    assert (new.title, new.due_date) == ("Cabinet sign-off", date(2025, 7, 31))
    assert new.completed_on == timezone.localdate()
    assert "Mark not complete" in text(client.get(url))

    client.post(f"/planning/milestones/{new.pk}/complete/", {"completed": "no"})
    alpha()
    new.refresh_from_db()
    assert new.completed_on is None


def test_a_bad_milestone_is_explained_and_nothing_changes(scene, as_user, alpha):
    client = as_user("staff")
    response = client.post(
        f"/planning/actions/{scene.action.pk}/milestones/", {"title": "", "due_date": "31/31/2025"}
    )
    assert_problem(response, "Enter the milestone.", "Enter a valid date.")
    edit = client.post(
        f"/planning/milestones/{scene.milestone.pk}/edit/",
        {"title": "First draft", "due_date": "", "completed_on": ""},
    )
    assert_problem(edit, "Enter the due date.")
    alpha()
    assert list(scene.action.milestones.values_list("title", flat=True)) == ["First draft"]
    assert Milestone.objects.get(pk=scene.milestone.pk).due_date == scene.milestone.due_date


def test_the_action_page_links_to_editing_for_editors_only(scene, as_user):
    action_url = f"/planning/actions/{scene.action.pk}/"
    assert "Edit ACT-A" in text(as_user("staff").get(action_url))
    assert "Add or change milestones" in text(as_user("manager").get(action_url))
    assert "Edit ACT-A" not in text(as_user("staff2").get(action_url))
    assert "New action" in text(as_user("manager").get("/planning/actions/"))
    assert "New action" not in text(as_user("councillor").get("/planning/actions/"))


# --- refusals -------------------------------------------------------------------------------


def attempts(scene, people):
    """Every write on these pages, as (url, data)."""
    return [
        ("/planning/plans/new/", plan_data()),
        (f"/planning/plans/{scene.plan.pk}/edit/", plan_data(code="PLAN-A", title="Hacked")),
        ("/planning/actions/new/", action_data(scene, people)),
        (
            f"/planning/actions/{scene.action.pk}/edit/",
            action_data(scene, people, code="ACT-A", title="Hacked"),
        ),
        (
            f"/planning/actions/{scene.action.pk}/milestones/",
            {"title": "Hacked", "due_date": "2025-06-30"},
        ),
        (
            f"/planning/milestones/{scene.milestone.pk}/edit/",
            {"title": "Hacked", "due_date": "2025-06-30", "completed_on": ""},
        ),
        (f"/planning/milestones/{scene.milestone.pk}/complete/", {"completed": "yes"}),
    ]


def assert_nothing_changed(scene):
    assert not ActionPlan.objects.filter(code="PLAN-B").exists()
    assert ActionPlan.objects.get(pk=scene.plan.pk).title == "Service plan"
    assert not Action.objects.filter(code="ACT-B").exists()
    assert Action.objects.get(pk=scene.action.pk).title == "Publish the recycling plan"
    milestones = list(scene.action.milestones.values_list("title", "completed_on"))
    assert milestones == [("First draft", None)]


@pytest.mark.parametrize("who", ["councillor", "auditor", "provider"])
def test_read_only_people_and_other_peoples_data_providers_are_refused(
    scene, people, as_user, alpha, who
):
    # A data provider is refused someone else's action (they own no plan to add to either)
    client = as_user(who)
    for url, data in attempts(scene, people):
        if not url.endswith("/complete/"):
            assert_refused(client.get(url))
        assert_refused(client.post(url, data))
    alpha()
    assert_nothing_changed(scene)


def test_a_councillor_named_as_lead_still_cannot_edit(scene, people, as_user, alpha):
    alpha()
    Action.objects.filter(pk=scene.action.pk).update(lead_councillor=people["councillor"])
    client = as_user("councillor")
    response = client.post(
        f"/planning/actions/{scene.action.pk}/edit/",
        action_data(scene, people, code="ACT-A", title="Hacked"),
    )
    assert_refused(response)
    alpha()
    assert_nothing_changed(scene)


def test_another_organisations_ids_are_not_found(scene, people, beta_admin, alpha):
    for url, data in attempts(scene, people)[1:]:
        if "/new/" in url:
            continue
        if not url.endswith("/complete/"):
            assert_refused(beta_admin.get(url), 404)
        assert_refused(beta_admin.post(url, data), 404)
    assert_refused(beta_admin.get(f"/planning/actions/new/?plan={scene.plan.pk}"), 404)
    alpha()
    assert_nothing_changed(scene)


def test_anonymous_visitors_are_asked_to_sign_in(scene, people, client_for, org_a, alpha):
    client = client_for(org_a)
    for url, data in attempts(scene, people):
        assert_sign_in_asked(client.post(url, data))
    alpha()
    assert_nothing_changed(scene)


def test_a_completed_milestone_date_is_today_not_a_posted_one(scene, as_user, alpha):
    client = as_user("manager")
    client.post(
        f"/planning/milestones/{scene.milestone.pk}/complete/",
        {"completed": "yes", "completed_on": str(timezone.localdate() - timedelta(days=300))},
    )
    alpha()
    assert Milestone.objects.get(pk=scene.milestone.pk).completed_on == timezone.localdate()
