"""Planning pages: each renders for the right roles, refuses the wrong ones, and shows status
in words (never by colour alone)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from goldenthread.platform.indicators.models import PerformanceSettings
from goldenthread.platform.planning.models import Action, PlanningSettings, Risk
from tests.fixtures.accessibility import assert_form_markup
from tests.fixtures.html import parse
from tests.platform.planning.support import Build, count_queries


@pytest.fixture
def scene(people, build):
    """A small golden thread in Alpha: a node with a PI, a plan with actions, a risk."""
    today = timezone.localdate()
    node = build.node(level=1, owner=people["officer"])
    pi = build.indicator(status="off_target", owner=people["staff"])
    node.indicators.add(pi)
    plan = build.plan(owner=people["manager"], node=node)
    overdue = build.action(
        plan=plan,
        assigned_to=people["staff"],
        managed_by=people["manager"],
        start=today - timedelta(days=40),
        due=today - timedelta(days=3),
        title="Publish the recycling plan",
    )
    register = build.register(owner=people["manager"])
    risk = build.risk(
        register=register,
        owner=people["staff"],
        likelihood=5,
        impact=4,
        review_date=today - timedelta(days=2),
    )
    node.risks.add(risk)
    node.actions.add(overdue)
    return {
        "node": node,
        "pi": pi,
        "plan": plan,
        "action": overdue,
        "register": register,
        "risk": risk,
    }


def page_urls(scene):
    return [
        "/planning/",
        "/planning/strategy/",
        f"/planning/strategy/{scene['node'].pk}/",
        "/planning/plans/",
        f"/planning/plans/{scene['plan'].pk}/",
        "/planning/actions/",
        f"/planning/actions/{scene['action'].pk}/",
        "/planning/risks/",
        "/planning/risks/registers/",
        f"/planning/risks/registers/{scene['register'].pk}/",
        "/planning/risks/review-overdue/",
        f"/planning/risks/{scene['risk'].pk}/",
        "/planning/exceptions/",
    ]


@pytest.mark.parametrize("who", ["officer", "councillor", "auditor", "staff", "liaison"])
def test_every_report_page_renders_for_every_role(scene, people, client_for, org_a, who):
    client = client_for(org_a, user=people[who])
    for url in page_urls(scene):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_form_markup(parse(response))


def test_anonymous_visitors_are_sent_to_sign_in(scene, client_for, org_a):
    for url in page_urls(scene):
        response = client_for(org_a).get(url)
        assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_another_organisations_ids_are_not_found(scene, org_b, make_user, client_for):
    beta_officer = make_user(org_b, roles=["performance_officer"]).user
    client = client_for(org_b, user=beta_officer)
    for url in page_urls(scene)[2:]:
        if url.rstrip("/").split("/")[-1].isdigit():
            assert client.get(url).status_code == 404, url


def test_status_and_ratings_are_in_words(scene, people, client_for, org_a):
    client = client_for(org_a, user=people["staff"])
    action_page = client.get(f"/planning/actions/{scene['action'].pk}/").content.decode()
    assert "Overdue" in action_page and 'aria-hidden="true">\u2716' in action_page
    heat = client.get(f"/planning/risks/registers/{scene['register'].pk}/").content.decode()
    assert "Very high 20" in heat and "1 risk" in heat and "The same, as text" in heat
    home = client.get("/planning/").content.decode()
    assert "Publish the recycling plan" in home and "Off target" in home


def test_councillors_cannot_search_or_download_evidence(scene, people, client_for, org_a):
    client = client_for(org_a, user=people["councillor"])
    assert client.get("/planning/search/?q=recycling").status_code == 403
    staff = client_for(org_a, user=people["staff"])
    assert (
        "Publish the recycling plan" in staff.get("/planning/search/?q=recycling").content.decode()
    )


def test_the_assignee_records_an_update_through_the_page(scene, people, client_for, org_a):
    client = client_for(org_a, user=people["staff"])
    url = f"/planning/actions/{scene['action'].pk}/update/"
    response = client.post(url, {"progress": "60", "state": "open", "note": "Drafted"})
    assert response.status_code == 302
    connection.set_tenant(org_a)
    action = Action.objects.get(pk=scene["action"].pk)
    assert action.progress == 60 and action.latest_update == "Drafted"


def test_a_bad_update_is_shown_with_the_error_and_changes_nothing(scene, people, client_for, org_a):
    client = client_for(org_a, user=people["staff"])
    url = f"/planning/actions/{scene['action'].pk}/update/"
    response = client.post(url, {"progress": "150", "state": "open", "note": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "Progress (%)" in body
    connection.set_tenant(org_a)
    assert Action.objects.get(pk=scene["action"].pk).progress == 0


@pytest.mark.parametrize("who", ["councillor", "auditor", "staff2"])
def test_others_cannot_post_updates_escalations_or_reviews(scene, people, client_for, org_a, who):
    client = client_for(org_a, user=people[who])
    action_id, risk_id = scene["action"].pk, scene["risk"].pk
    assert (
        client.post(
            f"/planning/actions/{action_id}/update/",
            {"progress": "99", "state": "open", "note": "x"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/planning/actions/{action_id}/escalate/", {"to_zone": "5", "reason": "x"}
        ).status_code
        == 403
    )
    next_date = (timezone.localdate() + timedelta(days=9)).isoformat()
    assert (
        client.post(
            f"/planning/risks/{risk_id}/review/",
            {"likelihood": "1", "impact": "1", "note": "x", "next_review_date": next_date},
        ).status_code
        == 403
    )
    connection.set_tenant(org_a)
    action = Action.objects.get(pk=action_id)
    assert (action.progress, action.monitoring_zone, action.updates.count()) == (0, 1, 0)
    assert Risk.objects.get(pk=risk_id).reviews.count() == 0


def test_the_manager_escalates_and_the_owner_reviews_through_pages(
    scene, people, client_for, org_a
):
    manager = client_for(org_a, user=people["manager"])
    response = manager.post(
        f"/planning/actions/{scene['action'].pk}/escalate/",
        {"to_zone": "4", "reason": "Slipping badly"},
    )
    assert response.status_code == 302
    owner = client_for(org_a, user=people["staff"])
    next_date = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = owner.post(
        f"/planning/risks/{scene['risk'].pk}/review/",
        {
            "likelihood": "3",
            "impact": "4",
            "note": "Better",
            "next_review_date": next_date,
            "controls": "New contract",
        },
    )
    assert response.status_code == 302
    connection.set_tenant(org_a)
    assert Action.objects.get(pk=scene["action"].pk).monitoring_zone == 4
    risk = Risk.objects.get(pk=scene["risk"].pk)
    assert (risk.current_score, risk.direction, risk.controls) == (12, "improving", "New contract")


def _grow(people, count, register):
    build = Build()
    today = timezone.localdate()
    me = people["manager"]
    for index in range(count):
        node = build.node(level=1, owner=me)
        action = build.action(
            assigned_to=me,
            managed_by=me,
            due=today - timedelta(days=1),
            start=today - timedelta(days=20),
        )
        build.action(
            assigned_to=people["staff"],
            managed_by=me,
            progress=1,
            start=today - timedelta(days=30),
            due=today + timedelta(days=5),
        )
        pi = build.indicator(status="off_target", owner=me)
        node.indicators.add(pi)
        node.actions.add(action)
        risk = build.risk(
            register=register,
            owner=me,
            likelihood=index % 5 + 1,
            impact=2,
            review_date=today - timedelta(days=1),
        )
        node.risks.add(risk)


@pytest.mark.parametrize("page", ["home", "exceptions", "heat_map", "strategy"])
def test_page_queries_do_not_grow_with_data(people, client_for, org_a, page):
    client = client_for(org_a, user=people["manager"])
    connection.set_tenant(org_a)
    PlanningSettings.load()
    PerformanceSettings.load()
    register = Build().register(name="Growing register")
    _grow(people, 5, register)
    url = {
        "home": "/planning/",
        "exceptions": "/planning/exceptions/",
        "heat_map": f"/planning/risks/registers/{register.pk}/",
        "strategy": "/planning/strategy/",
    }[page]
    client.get(url)  # warm the session

    def fetch():
        assert client.get(url).status_code == 200

    with_5 = count_queries(fetch)
    connection.set_tenant(org_a)
    _grow(people, 45, register)
    assert count_queries(fetch) == with_5
    print(f"{page}: {with_5} queries")
