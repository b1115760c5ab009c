"""The planning REST API: a whole golden thread built through it, and the denied cases."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import User
from goldenthread.platform.accounts.services import api_credential_issue
from goldenthread.platform.planning.models import Action, ActionPlan, Risk, StrategyNode

API = "/api/v1/planning"


def days(n: int) -> str:
    return (timezone.localdate() + timedelta(days=n)).isoformat()


@pytest.fixture
def api(client_for, org_a, people):
    def as_user(who):
        return client_for(org_a, user=people[who])

    return as_user


def test_a_golden_thread_through_the_api(api, people, build, org_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    officer, manager, staff = api("officer"), api("manager"), api("staff")
    pi = build.indicator(status="off_target")
    outcome = officer.post(
        f"{API}/strategy/nodes/",
        {"code": "CS1", "title": "Clean", "level": 1},
        content_type="application/json",
    )
    assert outcome.status_code == 201, outcome.json()
    node_id = outcome.json()["id"]
    link = officer.post(
        f"{API}/strategy/nodes/{node_id}/links/",
        {"indicator": pi.pk, "weight": "2"},
        content_type="application/json",
    )
    assert link.status_code == 204
    plan = manager.post(
        f"{API}/plans/",
        {"code": "SP1", "title": "Waste", "strategy_node": node_id},
        content_type="application/json",
    )
    assert plan.status_code == 201
    created = manager.post(
        f"{API}/actions/",
        {
            "plan": plan.json()["id"],
            "code": "A1",
            "title": "New depot",
            "start_date": days(-2),
            "due_date": days(30),
            "assigned_to": people["staff"].pk,
            "managed_by": people["manager"].pk,
            "source": "inspection",
            "indicators": [pi.pk],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    action = created.json()
    assert action["status"] == "not_started" and action["assigned_to"]["id"] == people["staff"].pk
    update = staff.post(
        f"{API}/actions/{action['id']}/updates/",
        {"note": "Site bought", "progress": 30},
        content_type="application/json",
    )
    assert update.status_code == 201
    escalated = manager.post(
        f"{API}/actions/{action['id']}/escalations/",
        {"to_zone": 3, "reason": "Planning objection"},
        content_type="application/json",
    )
    assert escalated.status_code == 201
    milestone = staff.post(
        f"{API}/actions/{action['id']}/milestones/",
        {"title": "Permission", "due_date": days(5)},
        content_type="application/json",
    )
    assert milestone.status_code == 201
    detail = staff.get(f"{API}/actions/{action['id']}/").json()
    assert detail["progress"] == 30 and detail["monitoring_zone"] == 3
    assert [u["note"] for u in detail["updates"]] == ["Site bought"]
    assert detail["escalations"][0]["reason"] == "Planning objection"
    assert detail["indicator_ids"] == [pi.pk]

    register = manager.post(
        f"{API}/risk-registers/",
        {"name": "Depot", "kind": "project"},
        content_type="application/json",
    )
    assert register.status_code == 201
    risk = manager.post(
        f"{API}/risks/",
        {
            "register": register.json()["id"],
            "code": "R1",
            "title": "Objection upheld",
            "owner": people["staff"].pk,
            "inherent_likelihood": 4,
            "inherent_impact": 4,
            "current_likelihood": 3,
            "current_impact": 4,
            "target_likelihood": 1,
            "target_impact": 2,
            "review_date": days(20),
            "mitigating_actions": [action["id"]],
        },
        content_type="application/json",
    )
    assert risk.status_code == 201, risk.json()
    assert risk.json()["current_band"]["name"] == "High"
    review = staff.post(
        f"{API}/risks/{risk.json()['id']}/reviews/",
        {"likelihood": 2, "impact": 4, "note": "Appeal won", "next_review_date": days(60)},
        content_type="application/json",
    )
    assert review.status_code == 201 and review.json()["direction"] == "improving"
    officer.post(
        f"{API}/strategy/nodes/{node_id}/links/",
        {"risk": risk.json()["id"]},
        content_type="application/json",
    )

    tree = staff.get(f"{API}/strategy/tree/").json()
    (root,) = [item for item in tree if item["id"] == node_id]
    assert root["rollup"]["pis"]["off_target"] == 1
    assert root["rollup"]["actions"]["counted"] == 1
    assert {b["band"]: b["count"] for b in root["rollup"]["risks"]}["Medium"] == 1
    heat = staff.get(f"{API}/heat-map/?register={register.json()['id']}").json()
    assert heat["total"] == 1
    assert [c for c in heat["cells"] if c["count"]] == [
        {
            "likelihood": 2,
            "impact": 4,
            "score": 8,
            "band": "Medium",
            "colour": "#ffdd00",
            "count": 1,
        }
    ]
    mine = staff.get(f"{API}/my-items/").json()
    assert [a["code"] for a in mine["actions"]] == ["A1"]
    assert [r["code"] for r in mine["risks"]] == ["R1"]
    found = staff.get(f"{API}/search/?q=depot").json()
    assert [a["code"] for a in found["actions"]] == ["A1"]
    upload = staff.post(
        f"{API}/evidence/",
        {"action": action["id"], "file": SimpleUploadedFile("minutes.txt", b"Agreed")},
    )
    assert upload.status_code == 201, upload.json()
    download = staff.get(f"{API}/evidence/{upload.json()['id']}/download/")
    assert b"".join(download.streaming_content) == b"Agreed"


def test_exception_endpoints(api, build, people):
    today = timezone.localdate()
    late = build.action(
        assigned_to=people["staff"],
        managed_by=people["manager"],
        start=today - timedelta(days=30),
        due=today - timedelta(days=1),
    )
    behind = build.action(start=today - timedelta(days=50), due=today + timedelta(days=50))
    pi = build.indicator(status="off_target")
    risk = build.risk(review_date=today - timedelta(days=4))
    client = api("councillor")
    overdue = client.get(f"{API}/exceptions/overdue-actions/").json()
    assert late.code in [a["code"] for a in overdue["results"]]
    assert people["staff"].pk in [row["user_id"] for row in overdue["by_assignee"]]
    assert len(overdue["trend"]) == 12
    behind_codes = [
        a["code"] for a in client.get(f"{API}/exceptions/actions-behind/").json()["results"]
    ]
    assert behind.code in behind_codes
    pis = client.get(f"{API}/exceptions/pis-off-target/").json()["results"]
    assert pi.code in [p["code"] for p in pis]
    risks = client.get(f"{API}/exceptions/risks-review-overdue/").json()["results"]
    assert risk.code in [r["code"] for r in risks]


def test_anonymous_callers_get_401_with_the_error_body(client_for, org_a):
    response = client_for(org_a).get(f"{API}/strategy/tree/")
    assert response.status_code == 401
    assert set(response.json()) == {"message", "code", "extra"}


def test_another_organisations_ids_are_not_found(
    build, people, org_a, org_b, make_user, client_for
):
    action, risk, node, plan = build.action(), build.risk(), build.node(), build.plan()
    beta_admin = make_user(org_b, roles=["org_admin"]).user
    client = client_for(org_b, user=beta_admin)
    for url in [
        f"{API}/actions/{action.pk}/",
        f"{API}/risks/{risk.pk}/",
        f"{API}/strategy/nodes/{node.pk}/",
        f"{API}/plans/{plan.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    response = client.post(
        f"{API}/actions/{action.pk}/updates/",
        {"note": "x", "progress": 99},
        content_type="application/json",
    )
    assert response.status_code == 404
    connection.set_tenant(org_a)
    assert Action.objects.get(pk=action.pk).progress == 0


@pytest.mark.parametrize("who", ["councillor", "auditor", "provider", "staff"])
def test_roles_that_may_not_create_are_refused_and_nothing_is_made(api, build, who):
    plan = build.plan()
    client = api(who)
    checks = [
        (f"{API}/strategy/nodes/", {"code": "N-X", "title": "x", "level": 1}),
        (f"{API}/plans/", {"code": "P-X", "title": "x"}),
        (
            f"{API}/actions/",
            {
                "plan": plan.pk,
                "code": "A-X",
                "title": "x",
                "start_date": days(0),
                "due_date": days(1),
            },
        ),
        (f"{API}/risk-registers/", {"name": "R-X", "kind": "strategic"}),
        (f"{API}/settings/", None),
    ]
    for url, body in checks:
        if body is None:
            response = client.patch(
                url, {"digest_interval_days": 7}, content_type="application/json"
            )
        else:
            response = client.post(url, body, content_type="application/json")
        assert response.status_code == 403, url
        assert response.json()["code"] == "permission_denied"
    assert not StrategyNode.objects.filter(code="N-X").exists()
    assert not ActionPlan.objects.filter(code="P-X").exists()
    assert not Action.objects.filter(code="A-X").exists()


def test_a_councillor_cannot_edit_even_their_own_action(api, build, people):
    action = build.action(lead_councillor=people["councillor"])
    risk = build.risk(owner=people["councillor"])
    client = api("councillor")
    assert (
        client.patch(
            f"{API}/actions/{action.pk}/", {"title": "Mine"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"{API}/risks/{risk.pk}/reviews/",
            {"likelihood": 1, "impact": 1, "note": "x", "next_review_date": days(9)},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert client.get(f"{API}/search/?q=x").status_code == 403
    action.refresh_from_db()
    risk.refresh_from_db()
    assert action.title == "Deliver the thing" and risk.reviews.count() == 0


def test_an_auditor_reads_but_cannot_write_and_an_expired_key_is_refused(
    api, build, people, org_a, client_for
):
    risk = build.risk()
    auditor = api("auditor")
    assert auditor.get(f"{API}/risks/{risk.pk}/").status_code == 200
    assert (
        auditor.patch(
            f"{API}/risks/{risk.pk}/", {"title": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    with schema_context(org_a.schema_name):
        _, key = api_credential_issue(user=people["auditor"], name="audit")
        User.objects.filter(pk=people["auditor"].pk).update(
            access_expires_at=timezone.now() - timedelta(seconds=1)
        )
    response = client_for(org_a).get(f"{API}/risks/{risk.pk}/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401
    connection.set_tenant(org_a)
    assert Risk.objects.get(pk=risk.pk).title == "Loss of key staff"


def test_only_administrators_read_the_auditor_log(api):
    assert api("admin").get(f"{API}/auditor-access-log/").status_code == 200
    assert api("officer").get(f"{API}/auditor-access-log/").status_code == 403


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"title": "x", "level": 1}, "The request was not valid: code"),
        ({"code": "B1", "title": "x", "level": 9}, "The level must be from 1 to 5"),
        ({"code": "B1", "title": "x", "level": 2, "parent": 999999}, "parent: there is no such"),
    ],
)
def test_bad_input_gets_a_clear_error(api, body, message):
    response = api("officer").post(f"{API}/strategy/nodes/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["message"].startswith(message)
    assert not StrategyNode.objects.filter(code="B1").exists()


def test_settings_change_the_matrix_and_refuse_bad_bands(api):
    admin = api("admin")
    bad = admin.patch(
        f"{API}/settings/",
        {"risk_bands": [{"name": "All", "min": 1, "max": 20, "colour": "#000000"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "stop at 20" in bad.json()["message"]
    good = admin.patch(
        f"{API}/settings/",
        {"risk_matrix_size": 4, "digest_interval_days": 7},
        content_type="application/json",
    )
    assert good.status_code == 200, good.json()
    assert good.json()["risk_bands"][-1]["max_score"] == 16
    assert good.json()["digest_interval_days"] == 7
