"""Approving and sending back many values at once: each value through the one service, so the
named-verifier rule holds per value; per value done or refused (and then unchanged); the whole
selection refused, with nothing changed, for people who may not verify. Through the queue
page and REST. And the queue's cards: the previous value and the change, in a fixed number of
queries."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from goldenthread.platform.core.errors import DomainError, PermissionDenied
from goldenthread.platform.indicators.models import AuditEntry, IndicatorValue
from goldenthread.platform.indicators.selectors.approvals import approval_queue
from goldenthread.platform.indicators.services.bulk_verification import (
    values_approve_each,
    values_send_back_each,
)
from goldenthread.platform.indicators.services.values import value_enter
from goldenthread.platform.indicators.services.workflow import value_submit
from tests.fixtures.accessibility import assert_form_markup, summaries, summary_links
from tests.fixtures.html import parse
from tests.refusals import database_state

API = "/api/v1/indicators/values/"


def submitted(people, pi, period="2024/25 Q1", value="50", *, by=None):
    by = by or people.provider
    row = value_enter(actor=by, indicator=pi, period_code=period, value=value)
    return value_submit(actor=by, value=row)


def states(*rows) -> list[str]:
    return [IndicatorValue.objects.get(pk=row.pk).workflow_status for row in rows]


@pytest.fixture
def three(in_alpha, people, make_indicator):
    """Three submitted values: two on PIs naming nobody, one on a PI naming Vera."""
    open_1 = make_indicator(code="BK 1", title="Open one")
    open_2 = make_indicator(code="BK 2", title="Open two")
    named = make_indicator(code="BK 3", title="Vera's", verifier=people.verifier)
    return submitted(people, open_1), submitted(people, open_2), submitted(people, named)


# --- the services ----------------------------------------------------------------------------


def test_a_verifier_approves_many_and_each_refusal_is_reported_and_leaves_its_value_alone(
    three, people
):
    first, second, named = three
    result = values_approve_each(
        actor=people.second_verifier, value_ids=[first.pk, named.pk, second.pk, 999999]
    )
    assert [row.pk for row in result.done] == [first.pk, second.pk]
    assert [(r.value_id, r.code) for r in result.refused] == [
        (named.pk, "named_verifier"),
        (999999, "not_found"),
    ]
    assert result.refused[0].message.startswith("BK 3 names Vera Verifier as its verifier")
    assert states(first, second, named) == ["approved", "approved", "submitted"]
    # The refused value has no audit row of an approval: nothing half-applied.
    assert not AuditEntry.objects.filter(object_id=str(named.pk), action="approved").exists()
    assert AuditEntry.objects.filter(action="approved", actor=people.second_verifier).count() == 2


def test_bulk_send_back_gives_each_value_the_one_reason(three, people):
    first, second, named = three
    result = values_send_back_each(
        actor=people.verifier, value_ids=[first.pk, second.pk, named.pk], reason=" Recheck Q1. "
    )
    assert len(result.done) == 3 and result.refused == []
    for row in three:
        row.refresh_from_db()
        assert (row.workflow_status, row.returned_reason) == ("draft", "Recheck Q1.")


@pytest.mark.parametrize("role", ["provider", "councillor", "manager", "auditor"])
def test_people_who_may_not_verify_are_refused_the_whole_selection(three, people, role):
    before = database_state(connection.schema_name)
    with pytest.raises(PermissionDenied):
        values_approve_each(actor=getattr(people, role), value_ids=[r.pk for r in three])
    with pytest.raises(PermissionDenied):
        values_send_back_each(
            actor=getattr(people, role), value_ids=[r.pk for r in three], reason="No"
        )
    assert database_state(connection.schema_name) == before


def test_a_send_back_without_a_reason_or_an_empty_selection_changes_nothing(three, people):
    before = database_state(connection.schema_name)
    with pytest.raises(DomainError, match="Give a reason for sending back the chosen values"):
        values_send_back_each(actor=people.verifier, value_ids=[three[0].pk], reason="  ")
    with pytest.raises(DomainError, match="Choose at least one value to approve"):
        values_approve_each(actor=people.verifier, value_ids=[])
    assert database_state(connection.schema_name) == before


def test_nobody_approves_their_own_entry_in_bulk(in_alpha, people, make_indicator):
    pi = make_indicator(code="BK 4")
    own = submitted(people, pi, by=people.provider_verifier)
    result = values_approve_each(actor=people.provider_verifier, value_ids=[own.pk])
    assert result.done == [] and result.refused[0].code == "self_approval"
    assert states(own) == ["submitted"]


# --- the queue's cards -----------------------------------------------------------------------


def test_a_card_shows_the_previous_value_and_the_change(in_alpha, people, make_indicator):
    pi = make_indicator(code="BK 5", unit_kind="number", decimal_places=0)
    value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="200")
    row = submitted(people, pi, "2024/25 Q2", "250")
    (card,) = [c for c in approval_queue(user=people.verifier) if c.row.pk == row.pk]
    assert card.previous_code == "2024/25 Q1" and card.previous.value == 200
    assert (card.change, card.change_percent) == (50, 25)


def test_the_queue_is_read_in_a_fixed_number_of_queries(org_a, people, make_indicator, as_user):
    with schema_context(org_a.schema_name):
        pis = [make_indicator(code=f"BQ {n}") for n in range(6)]
        submitted(people, pis[0], "2024/25 Q2", "10")
    client = as_user(people.verifier)
    client.get("/indicators/approvals/")  # the session's first request
    with CaptureQueriesContext(connection) as one:
        assert client.get("/indicators/approvals/").status_code == 200
    with schema_context(org_a.schema_name):
        for pi in pis[1:]:
            value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="9")
            submitted(people, pi, "2024/25 Q2", "10")
    with CaptureQueriesContext(connection) as six:
        html = client.get("/indicators/approvals/").content.decode()
    assert html.count('class="approval-item') == 6
    assert len(six) == len(one), [q["sql"][:120] for q in six.captured_queries]


# --- the page --------------------------------------------------------------------------------


def test_the_queue_page_approves_the_ticked_values_and_lists_the_refused(
    org_a, people, three, as_user
):
    first, second, named = three
    client = as_user(people.second_verifier)
    html = client.get("/indicators/approvals/").content.decode()
    assert f'form="bulk-form" name="value" value="{first.pk}"' in html
    # Vera's PI is not Vic's to act on: no box to tick.
    assert f'name="value" value="{named.pk}"' not in html
    response = client.post(
        "/indicators/values/approve-many/",
        {"value": [first.pk, named.pk, second.pk], "action": "approve"},
    )
    assert response.status_code == 200  # some done, some refused: the queue with both
    page = parse(response)
    (summary,) = summaries(page)
    assert "1 of 3 chosen values were refused" in summary.text
    assert "BK 3 2024/25 Q1: BK 3 names Vera Verifier" in summary.text
    assert summary_links(page, summary) == []  # Vera's value has no box for Vic to tick
    assert_form_markup(page)
    with schema_context(org_a.schema_name):
        assert states(first, second, named) == ["approved", "approved", "submitted"]
    messages = response.content.decode()
    assert "2 values approved: BK 1 2024/25 Q1, BK 2 2024/25 Q1." in messages


def test_the_queue_page_sends_back_the_ticked_values_with_one_reason(org_a, people, three, as_user):
    first, second, _ = three
    client = as_user(people.verifier)
    refused = client.post(
        "/indicators/values/approve-many/",
        {"value": [first.pk, second.pk], "action": "send_back", "reason": ""},
    )
    assert refused.status_code == 400
    page = parse(refused)
    (summary,) = summaries(page)
    assert "#bulk-reason" in summary_links(page, summary)
    # The ticks are kept for the second try.
    assert f'name="value" value="{first.pk}" id="choose-{first.pk}" checked' in (
        refused.content.decode()
    )
    done = client.post(
        "/indicators/values/approve-many/",
        {"value": [first.pk, second.pk], "action": "send_back", "reason": "Wrong tonnage"},
    )
    assert done.status_code == 302
    with schema_context(org_a.schema_name):
        assert states(first, second) == ["draft", "draft"]


@pytest.mark.parametrize("role", ["provider", "councillor"])
def test_the_bulk_page_is_refused_to_people_who_may_not_verify(org_a, people, three, as_user, role):
    client = as_user(getattr(people, role))  # signing in stamps the user: before measuring
    with schema_context(org_a.schema_name):
        before = database_state(org_a.schema_name)
    response = client.post(
        "/indicators/values/approve-many/",
        {"value": [row.pk for row in three], "action": "approve"},
    )
    assert response.status_code == 403
    with schema_context(org_a.schema_name):
        assert database_state(org_a.schema_name) == before


# --- REST ------------------------------------------------------------------------------------


def _post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_rest_bulk_approve_reports_per_value(org_a, people, three, client_for):
    first, second, named = three
    response = _post(
        client_for(org_a, user=people.second_verifier),
        f"{API}bulk-approve/",
        {"ids": [first.pk, second.pk, named.pk]},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["done_count"], body["refused_count"]) == (2, 1)
    assert [v["id"] for v in body["done"]] == [first.pk, second.pk]
    assert all(v["workflow_status"] == "approved" for v in body["done"])
    assert body["refused"][0]["id"] == named.pk
    assert body["refused"][0]["code"] == "named_verifier"
    with schema_context(org_a.schema_name):
        assert states(named) == ["submitted"]


@pytest.mark.parametrize("role", ["provider", "councillor"])
def test_rest_bulk_is_refused_to_people_who_may_not_verify(org_a, people, three, client_for, role):
    client = client_for(org_a, user=getattr(people, role))
    with schema_context(org_a.schema_name):
        before = database_state(org_a.schema_name)
    ids = [row.pk for row in three]
    approve = _post(client, f"{API}bulk-approve/", {"ids": ids})
    send_back = _post(client, f"{API}bulk-send-back/", {"ids": ids, "reason": "No"})
    assert (approve.status_code, send_back.status_code) == (403, 403)
    assert approve.json()["code"] == "not_verifier"
    with schema_context(org_a.schema_name):
        assert database_state(org_a.schema_name) == before


def test_rest_bulk_on_another_organisation_touches_only_its_own_values(
    org_a, org_b, people, three, make_user, client_for
):
    with schema_context(org_a.schema_name):
        before = database_state(org_a.schema_name)
    verifier_b = make_user(org_b, roles=["verifier"]).user
    response = _post(
        client_for(org_b, user=verifier_b),
        f"{API}bulk-send-back/",
        {"ids": [row.pk for row in three], "reason": "Not ours"},
    )
    # Beta's host reads Beta's schema: Alpha's ids name nothing there (or Beta's own values).
    assert response.status_code == 200
    with schema_context(org_a.schema_name):
        assert database_state(org_a.schema_name) == before


def test_rest_bulk_send_back_needs_a_reason(org_a, people, three, client_for):
    response = _post(
        client_for(org_a, user=people.verifier),
        f"{API}bulk-send-back/",
        {"ids": [three[0].pk], "reason": ""},
    )
    assert response.status_code == 400
    with schema_context(org_a.schema_name):
        assert states(three[0]) == ["submitted"]
