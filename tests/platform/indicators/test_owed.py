"""What a provider owes, as Home and "What I owe" list it: sent-back values with the reason,
missing values for past-due periods, values due soon, and drafts not yet submitted — never
someone else's PI, never a submitted or approved value."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.core.periods import (
    PeriodType,
    parse_period,
    period_containing,
    previous_period,
)
from goldenthread.platform.indicators.models import PerformanceSettings
from goldenthread.platform.indicators.selectors.due import due_date_for
from goldenthread.platform.indicators.selectors.owed import owed_by
from goldenthread.platform.indicators.services.values import value_enter
from goldenthread.platform.indicators.services.workflow import (
    value_approve,
    value_send_back,
    value_submit,
)

Q = ["2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4"]


def enter(people, pi, period, value="5", *, submit=False, approve=False):
    row = value_enter(actor=people.provider, indicator=pi, period_code=period, value=value)
    if submit or approve:
        row = value_submit(actor=people.provider, value=row)
    if approve:
        row = value_approve(actor=people.verifier, value=row)
    return row


@pytest.fixture
def quarter(in_alpha, people, make_indicator):
    """A PI Pat provides, set up today with its history from 2023/24 Q4 (approved); "today"
    is five days before 2024/25 Q3 is due. Q1 was sent back, Q2 is missing, Q3 is due soon,
    Q4 was entered early as a draft."""
    pi = make_indicator(code="OWE 1", title="Missed bins", unit_kind="number")
    enter(people, pi, "2023/24 Q4", approve=True)
    value_send_back(
        actor=people.verifier, value=enter(people, pi, Q[0], submit=True), reason="Wrong month"
    )
    enter(people, pi, Q[3], "9")
    today = due_date_for(pi, parse_period(Q[2]), PerformanceSettings.load()) - timedelta(days=5)
    return pi, today


def codes(items) -> list[str]:
    return [item.period.code for item in items]


def test_each_state_is_in_its_list(quarter, people):
    pi, today = quarter
    owed = owed_by(user=people.provider, today=today, within_days=30)
    assert codes(owed.sent_back) == [Q[0]]
    assert owed.sent_back[0].value.returned_reason == "Wrong month"
    assert codes(owed.late) == [Q[1]] and owed.late[0].value is None
    assert codes(owed.due_soon) == [Q[2]]
    assert codes(owed.drafts) == [Q[3]]
    assert owed.count == 4


def test_submitted_and_approved_values_are_not_owed(quarter, people):
    pi, today = quarter
    enter(people, pi, Q[1], submit=True)
    owed = owed_by(user=people.provider, today=today, within_days=30)
    assert Q[1] not in codes(owed.late) and "2023/24 Q4" not in codes(owed.all_items())


def test_someone_elses_pi_is_not_mine_to_do(quarter, people):
    _, today = quarter
    assert owed_by(user=people.other_provider, today=today).count == 0


def test_a_draft_i_entered_on_a_pi_i_do_not_provide_is_listed(in_alpha, people, make_indicator):
    pi = make_indicator(code="OWE 2", data_providers=[people.other_provider])
    value_enter(actor=people.officer, indicator=pi, period_code=Q[0], value="3")
    assert codes(owed_by(user=people.officer).drafts) == [Q[0]]


def test_the_list_keeps_to_a_fixed_number_of_queries(
    in_alpha, people, make_indicator, django_assert_max_num_queries
):
    for number in range(12):
        pi = make_indicator(code=f"OWQ {number}")
        value_enter(actor=people.provider, indicator=pi, period_code=Q[number % 4], value="1")
    PerformanceSettings.load()
    with django_assert_max_num_queries(7):
        assert owed_by(user=people.provider).count >= 12


# --- the page ----------------------------------------------------------------------------------


def test_what_i_owe_shows_sent_back_missing_and_drafts(org_a, people, make_indicator, client_for):
    with schema_context(org_a.schema_name):
        current = period_containing(PeriodType.QUARTER, timezone.localdate())
        p1 = previous_period(current)
        p2 = previous_period(p1)
        p3 = previous_period(p2)
        p4 = previous_period(p3)
        pi = make_indicator(code="OWEP 1", title="Missed bins", unit_kind="number")
        enter(people, pi, p4.code, approve=True)
        value_send_back(
            actor=people.verifier,
            value=enter(people, pi, p3.code, submit=True),
            reason="Use the audited figure",
        )
        enter(people, pi, current.code, "8")
    html = client_for(org_a, user=people.provider).get("/indicators/owe/").content.decode()
    sent_back = html.split('id="sent-back-title"')[1].split("</section>")[0]
    assert p3.label in sent_back and "Use the audited figure" in sent_back
    late = html.split('id="late-title"')[1].split("</section>")[0]
    assert p2.label in late and "Nothing is late." not in late
    assert current.label in html and "A draft is saved" in html
    assert "Nothing to update" not in html
