"""Risks: scoring on the organisation's matrix, reviews and direction of travel, heat map."""

from datetime import timedelta

import pytest
from django.utils import timezone

from goldenthread.platform.core.errors import DomainError, PermissionDenied
from goldenthread.platform.planning.models import PlanningSettings, Risk
from goldenthread.platform.planning.selectors.risks import (
    heat_map,
    risk_get,
    risk_list,
    risks_review_overdue,
)
from goldenthread.platform.planning.services.configuration import planning_settings_update
from goldenthread.platform.planning.services.risks import (
    risk_create,
    risk_register_create,
    risk_review,
    risk_update,
)
from tests.platform.planning.support import count_queries


def _create(actor, register, **overrides):
    fields = {
        "code": "R-1",
        "title": "Contractor fails",
        "inherent_likelihood": 4,
        "inherent_impact": 5,
        "current_likelihood": 3,
        "current_impact": 4,
        "target_likelihood": 2,
        "target_impact": 2,
        "review_date": timezone.localdate() + timedelta(days=90),
    }
    fields.update(overrides)
    return risk_create(actor=actor, register=register, **fields)


def test_a_manager_creates_a_register_and_a_scored_risk(people, build):
    manager = people["manager"]
    register = risk_register_create(actor=manager, name="Waste contract", kind="project")
    pi = build.indicator()
    mitigation = build.action()
    risk = _create(
        manager,
        register,
        causes="Market exit",
        consequences="Bins not emptied",
        controls="Step-in clause",
        mitigating_actions=[mitigation],
        indicators=[pi],
    )
    fetched = risk_get(pk=risk.pk)
    assert fetched.current_score == 12 and fetched.current_band.name == "High"
    assert fetched.inherent_band.name == "Very high" and fetched.target_band.name == "Low"
    assert fetched.direction == "new" and fetched.owner == manager
    assert [a.pk for a in fetched.mitigating] == [mitigation.pk]
    assert list(fetched.indicators.all()) == [pi]


def test_a_score_off_the_matrix_is_refused(people, build):
    with pytest.raises(DomainError, match="current score.*from 1 to 5"):
        _create(people["officer"], build.register(), current_likelihood=6)
    assert not Risk.objects.filter(code="R-1").exists()


def test_an_unknown_register_kind_is_refused(people):
    with pytest.raises(DomainError, match="strategic, operational, project, partnership"):
        risk_register_create(actor=people["officer"], name="X", kind="misc")


def test_reviews_record_history_and_direction_of_travel(people, build):
    owner = people["staff"]
    risk = build.risk(owner=owner, likelihood=4, impact=4)
    next_date = timezone.localdate() + timedelta(days=60)
    risk_review(
        actor=owner,
        risk=risk,
        likelihood=3,
        impact=4,
        note="Controls working",
        next_review_date=next_date,
    )
    risk_review(
        actor=owner, risk=risk, likelihood=3, impact=4, note="No change", next_review_date=next_date
    )
    risk_review(
        actor=owner,
        risk=risk,
        likelihood=5,
        impact=4,
        note="Contractor in trouble",
        next_review_date=next_date,
    )
    fetched = risk_get(pk=risk.pk)
    assert [(r.score, r.previous_score, r.direction) for r in fetched.reviews.all()] == [
        (20, 12, "worsening"),
        (12, 12, "stable"),
        (12, 16, "improving"),
    ]
    assert fetched.current_score == 20 and fetched.direction == "worsening"
    assert fetched.review_date == next_date and fetched.last_reviewed_at is not None


def test_a_review_needs_a_note_and_a_future_date(people, build):
    risk = build.risk(owner=people["staff"])
    with pytest.raises(DomainError, match="note"):
        risk_review(
            actor=people["staff"],
            risk=risk,
            likelihood=1,
            impact=1,
            note="",
            next_review_date=timezone.localdate() + timedelta(days=1),
        )
    with pytest.raises(DomainError, match="future"):
        risk_review(
            actor=people["staff"],
            risk=risk,
            likelihood=1,
            impact=1,
            note="x",
            next_review_date=timezone.localdate(),
        )
    assert risk.reviews.count() == 0


@pytest.mark.parametrize("who", ["councillor", "auditor", "staff2", "verifier"])
def test_only_owners_and_officers_change_a_risk(people, build, who):
    risk = build.risk(owner=people["staff"])
    with pytest.raises(PermissionDenied):
        risk_update(actor=people[who], risk=risk, title="changed")
    with pytest.raises(PermissionDenied):
        risk_review(
            actor=people[who],
            risk=risk,
            likelihood=1,
            impact=1,
            note="x",
            next_review_date=timezone.localdate() + timedelta(days=5),
        )
    risk.refresh_from_db()
    assert risk.title == "Loss of key staff" and risk.current_score == 9


def test_heat_map_counts_open_risks_per_cell_and_band(people, build):
    register = build.register()
    for likelihood, impact in [(5, 5), (5, 5), (1, 1), (3, 4)]:
        build.risk(register=register, likelihood=likelihood, impact=impact)
    build.risk(register=register, likelihood=5, impact=5, state="closed")
    build.risk(likelihood=5, impact=5)  # another register
    result = heat_map(register=register)
    cells = {(c.likelihood, c.impact): c.count for row in result.rows for c in row}
    assert cells[(5, 5)] == 2 and cells[(1, 1)] == 1 and cells[(3, 4)] == 1
    assert sum(cells.values()) == 4 == result.total
    assert [row[0].likelihood for row in result.rows] == [5, 4, 3, 2, 1]
    assert {band.name: n for band, n in result.band_counts} == {
        "Very high": 2,
        "High": 1,
        "Medium": 0,
        "Low": 1,
    }
    assert [(c.score, c.count) for c in result.occupied_cells] == [(25, 2), (12, 1), (1, 1)]


def test_heat_map_queries_do_not_grow_with_risks(people, build):
    register = build.register()

    def add(count):
        for index in range(count):
            build.risk(register=register, likelihood=index % 5 + 1, impact=(index * 3) % 5 + 1)

    add(5)
    PlanningSettings.load()
    with_5 = count_queries(lambda: heat_map(register=register))
    add(45)
    assert count_queries(lambda: heat_map(register=register)) == with_5 <= 4


def test_a_4x4_matrix_changes_bands_and_refuses_if_risks_would_fall_off(people, build):
    admin = people["admin"]
    risk = build.risk(likelihood=5, impact=1)
    with pytest.raises(DomainError, match="use levels above 4"):
        planning_settings_update(actor=admin, risk_matrix_size=4)
    risk.delete()
    planning_settings_update(actor=admin, risk_matrix_size=4)
    assert len(heat_map().rows) == 4
    assert PlanningSettings.load().matrix.band_for(16).name == "Very high"


def test_review_overdue_list_and_filters(people, build):
    today = timezone.localdate()
    late = build.risk(review_date=today - timedelta(days=3))
    build.risk(review_date=today)
    build.risk(review_date=today - timedelta(days=9), state="closed")
    overdue = risks_review_overdue(today=today)
    assert [r.code for r in overdue] == [late.code]
    assert overdue[0].days_overdue == 3 and overdue[0].review_overdue
    assert [r.code for r in risk_list(filters={"review_overdue": "1"})] == [late.code]
    assert late.code in {r.code for r in risk_list(filters={"band": "medium"})}
