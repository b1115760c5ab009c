"""Risk register, risk and risk review pages: create, edit, review; refusals change nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from goldenthread.platform.planning.models import Risk, RiskRegister
from tests.platform.planning.pages.support import (
    assert_problem,
    assert_refused,
    assert_sign_in_asked,
    text,
)


def register_data(**overrides) -> dict:
    return {
        "name": "Project risks",
        "kind": "project",
        "description": "",
        "owner": "",
        **overrides,
    }


def risk_data(scene, people, **overrides) -> dict:
    return {
        "register": str(scene.register.pk),
        "code": "RISK-B",
        "title": "Contractor fails",
        "description": "The waste contractor goes bust",
        "causes": "Thin margins",
        "consequences": "Bins not emptied",
        "owner": str(people["staff2"].pk),
        "inherent_likelihood": "4",
        "inherent_impact": "5",
        "current_likelihood": "3",
        "current_impact": "4",
        "target_likelihood": "2",
        "target_impact": "2",
        "controls": "Monthly finance checks",
        "review_date": "2026-01-31",
        "mitigating_actions": [str(scene.action.pk)],
        "indicators": [str(scene.pi.pk)],
        **overrides,
    }


def next_month() -> str:
    return (timezone.localdate() + timedelta(days=30)).isoformat()


# --- registers ------------------------------------------------------------------------------


def test_a_manager_creates_a_register_they_then_own(scene, people, as_user, alpha):
    client = as_user("manager")
    assert "New risk register" in text(client.get("/planning/risks/registers/"))

    response = client.post("/planning/risks/registers/new/", register_data())

    alpha()
    register = RiskRegister.objects.get(name="Project risks")
    assert response["Location"] == f"/planning/risks/registers/{register.pk}/"
    assert (register.kind, register.owner) == ("project", people["manager"])


def test_the_register_owner_renames_it(scene, people, as_user, alpha):
    client = as_user("manager")
    assert "Edit Operational risks" in text(
        client.get(f"/planning/risks/registers/{scene.register.pk}/")
    )
    response = client.post(
        f"/planning/risks/registers/{scene.register.pk}/edit/",
        register_data(name="Service risks", kind="operational", owner=str(people["staff"].pk)),
    )
    assert response.status_code == 302
    alpha()
    register = RiskRegister.objects.get(pk=scene.register.pk)
    assert (register.name, register.kind, register.owner) == (
        "Service risks",
        "operational",
        people["staff"],
    )


def test_a_bad_register_is_explained_and_nothing_changes(scene, as_user, build, alpha):
    build.register(name="Project risks")
    client = as_user("manager")
    duplicate = client.post(
        f"/planning/risks/registers/{scene.register.pk}/edit/",
        register_data(name="project risks"),
    )
    assert_problem(duplicate, "There is already a register called project risks.")
    blank = client.post("/planning/risks/registers/new/", register_data(name="", kind=""))
    assert_problem(blank, "Enter the name.", "Choose the type of register.")
    alpha()
    assert RiskRegister.objects.get(pk=scene.register.pk).name == "Operational risks"
    assert RiskRegister.objects.filter(name__iexact="project risks").count() == 1


# --- risks ----------------------------------------------------------------------------------


def test_a_manager_adds_a_risk_with_every_field(scene, people, as_user, alpha):
    client = as_user("manager")
    page = client.get(f"/planning/risks/new/?register={scene.register.pk}")
    assert "5 – Almost certain" in text(page)

    response = client.post(
        f"/planning/risks/new/?register={scene.register.pk}", risk_data(scene, people)
    )

    alpha()
    risk = Risk.objects.get(code="RISK-B")
    assert response["Location"] == f"/planning/risks/{risk.pk}/"
    assert (risk.register, risk.owner) == (scene.register, people["staff2"])
    assert (risk.inherent_score, risk.current_score, risk.target_score) == (20, 12, 4)
    assert (risk.causes, risk.consequences, risk.controls) == (
        "Thin margins",
        "Bins not emptied",
        "Monthly finance checks",
    )
    assert risk.review_date == date(2026, 1, 31)
    assert list(risk.mitigating_actions.all()) == [scene.action]
    assert list(risk.indicators.all()) == [scene.pi]


def test_a_register_owner_without_the_create_role_adds_to_their_own_register(
    scene, people, build, as_user, alpha
):
    own = build.register(owner=people["provider"], name="Provider's register")
    client = as_user("provider")
    page = text(client.get("/planning/risks/new/"))
    assert "Provider's register" in page and "Operational risks" not in page
    response = client.post("/planning/risks/new/", risk_data(scene, people, register=str(own.pk)))
    assert response.status_code == 302
    alpha()
    assert Risk.objects.get(code="RISK-B").register == own


def test_a_bad_risk_is_explained_and_nothing_is_added(scene, people, as_user, alpha):
    client = as_user("manager")
    off_matrix = client.post(
        "/planning/risks/new/", risk_data(scene, people, current_likelihood="6")
    )
    assert_problem(off_matrix, "Select a valid choice. 6 is not one of the available choices.")
    missing = client.post(
        "/planning/risks/new/", risk_data(scene, people, title="", review_date="", register="")
    )
    assert_problem(
        missing, "Enter the title.", "Enter the next review date.", "Choose the register."
    )
    duplicate = client.post("/planning/risks/new/", risk_data(scene, people, code="risk-a"))
    assert_problem(duplicate, "The code risk-a is already used")
    alpha()
    assert not Risk.objects.filter(code__in=["RISK-B", "risk-a"]).exists()


def test_the_owner_edits_a_risk_but_its_current_score_waits_for_a_review(
    scene, people, as_user, alpha
):
    client = as_user("staff")
    page = client.get(f"/planning/risks/{scene.risk.pk}/edit/")
    assert "changes only through a review" in text(page)

    response = client.post(
        f"/planning/risks/{scene.risk.pk}/edit/",
        risk_data(
            scene,
            people,
            code="RISK-A",
            title="Loss of two key staff",
            current_likelihood="1",
            current_impact="1",
            state="closed",
            indicators=[],
        ),
    )

    assert response.status_code == 302
    alpha()
    risk = Risk.objects.get(pk=scene.risk.pk)
    assert (risk.title, risk.state, risk.owner) == (
        "Loss of two key staff",
        "closed",
        people["staff2"],
    )
    assert risk.current_score == 9  # unchanged: 3 x 3
    assert (risk.inherent_score, risk.target_score) == (20, 4)
    assert list(risk.mitigating_actions.all()) == [scene.action]
    assert not risk.indicators.exists()


def test_a_bad_risk_edit_changes_nothing(scene, people, as_user, alpha):
    client = as_user("staff")
    response = client.post(
        f"/planning/risks/{scene.risk.pk}/edit/",
        risk_data(scene, people, code="RISK-A", title="", state="dormant"),
    )
    assert_problem(response, "Enter the title.", "Select a valid choice. dormant")
    alpha()
    assert Risk.objects.get(pk=scene.risk.pk).title == "Loss of key staff"


# --- reviews --------------------------------------------------------------------------------


def test_the_owner_reviews_a_risk_on_the_review_page(scene, as_user, alpha):
    client = as_user("staff")
    page = client.get(f"/planning/risks/{scene.risk.pk}/review/")
    assert page.status_code == 200 and "Review RISK-A" in text(page)
    assert "Record a review" in text(client.get(f"/planning/risks/{scene.risk.pk}/"))

    response = client.post(
        f"/planning/risks/{scene.risk.pk}/review/",
        {
            "likelihood": "4",
            "impact": "4",
            "note": "Two resignations",
            "next_review_date": next_month(),
        },
    )

    assert response["Location"] == f"/planning/risks/{scene.risk.pk}/"
    alpha()
    risk = Risk.objects.get(pk=scene.risk.pk)
    assert (risk.current_score, risk.direction) == (16, "worsening")
    assert risk.reviews.get().note == "Two resignations"


def test_a_bad_review_is_shown_on_the_review_page_and_changes_nothing(scene, as_user, alpha):
    client = as_user("staff")
    past = client.post(
        f"/planning/risks/{scene.risk.pk}/review/",
        {"likelihood": "4", "impact": "4", "note": "x", "next_review_date": "2020-01-01"},
    )
    assert_problem(past, "The next review date must be in the future.")
    assert "Review RISK-A" in text(past)
    blank = client.post(
        f"/planning/risks/{scene.risk.pk}/review/",
        {"likelihood": "", "impact": "9", "note": "", "next_review_date": next_month()},
    )
    assert_problem(blank, "Choose the current likelihood.", "Enter the review note.")
    alpha()
    assert not Risk.objects.get(pk=scene.risk.pk).reviews.exists()


# --- refusals -------------------------------------------------------------------------------


def attempts(scene, people):
    return [
        ("/planning/risks/registers/new/", register_data()),
        (f"/planning/risks/registers/{scene.register.pk}/edit/", register_data(name="Hacked")),
        ("/planning/risks/new/", risk_data(scene, people)),
        (
            f"/planning/risks/{scene.risk.pk}/edit/",
            risk_data(scene, people, code="RISK-A", title="Hacked", state="open"),
        ),
        (
            f"/planning/risks/{scene.risk.pk}/review/",
            {"likelihood": "1", "impact": "1", "note": "x", "next_review_date": next_month()},
        ),
    ]


def assert_nothing_changed(scene):
    assert not RiskRegister.objects.filter(name__in=["Project risks", "Hacked"]).exists()
    assert not Risk.objects.filter(code="RISK-B").exists()
    risk = Risk.objects.get(pk=scene.risk.pk)
    assert (risk.title, risk.current_score, risk.reviews.count()) == ("Loss of key staff", 9, 0)


@pytest.mark.parametrize("who", ["councillor", "auditor", "provider"])
def test_read_only_people_and_other_peoples_data_providers_are_refused(
    scene, people, as_user, alpha, who
):
    client = as_user(who)
    for url, data in attempts(scene, people):
        assert_refused(client.get(url))
        assert_refused(client.post(url, data))
    alpha()
    assert_nothing_changed(scene)


def test_another_organisations_ids_are_not_found(scene, people, beta_admin, alpha):
    for url, data in attempts(scene, people):
        if url.endswith("/new/"):
            continue
        assert_refused(beta_admin.get(url), 404)
        assert_refused(beta_admin.post(url, data), 404)
    assert_refused(beta_admin.get(f"/planning/risks/new/?register={scene.register.pk}"), 404)
    alpha()
    assert_nothing_changed(scene)


def test_anonymous_visitors_are_asked_to_sign_in(scene, people, client_for, org_a, alpha):
    client = client_for(org_a)
    for url, data in attempts(scene, people):
        assert_sign_in_asked(client.post(url, data))
    alpha()
    assert_nothing_changed(scene)
