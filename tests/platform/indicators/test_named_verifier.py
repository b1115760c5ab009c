"""A PI's named verifier: only they approve or send back its values; the performance team may
cover for them (never for their own entry); with nobody named any verifier may; and every
interface (service, REST, the approvals queue) obeys the one rule."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from goldenthread.platform.core.errors import DomainError, PermissionDenied
from goldenthread.platform.indicators.models import AuditEntry, Indicator, IndicatorValue
from goldenthread.platform.indicators.services.indicators import indicator_update
from goldenthread.platform.indicators.services.values import value_enter
from goldenthread.platform.indicators.services.workflow import (
    value_approve,
    value_send_back,
    value_submit,
)

API = "/api/v1/indicators/values/"
AWAITING = "<h2>Awaiting another verifier</h2>"


def submitted(people, pi, period="2024/25 Q1", *, by=None):
    by = by or people.provider
    row = value_enter(actor=by, indicator=pi, period_code=period, value="50")
    return value_submit(actor=by, value=row)


def status_of(row) -> str:
    return IndicatorValue.objects.get(pk=row.pk).workflow_status


@pytest.fixture
def named_pi(in_alpha, people, make_indicator):
    """A PI naming Vera as its verifier."""
    return make_indicator(code="NV 1", verifier=people.verifier)


@pytest.fixture
def open_pi(in_alpha, people, make_indicator):
    """A PI naming no verifier."""
    return make_indicator(code="OPEN 1")


# --- the rule, through the services ---------------------------------------------------------


def test_the_named_verifier_approves(named_pi, people):
    row = value_approve(actor=people.verifier, value=submitted(people, named_pi))
    assert (row.workflow_status, row.approved_by) == ("approved", people.verifier)
    entry = AuditEntry.objects.get(object_id=str(row.pk), action="approved")
    assert "cover_for" not in entry.new


def test_another_verifier_is_refused_with_a_message_naming_the_verifier(named_pi, people):
    row = submitted(people, named_pi)
    with pytest.raises(PermissionDenied) as refused:
        value_approve(actor=people.second_verifier, value=row)
    assert refused.value.code == "named_verifier"
    assert refused.value.message == (
        "NV 1 names Vera Verifier as its verifier: only they, or a performance officer or "
        "organisation administrator covering for them, may approve its values."
    )
    with pytest.raises(PermissionDenied, match="may send back its values"):
        value_send_back(actor=people.second_verifier, value=row, reason="Looks wrong")
    assert status_of(row) == "submitted"
    assert not AuditEntry.objects.filter(
        object_id=str(row.pk), action__in=["approved", "sent_back"]
    ).exists()
    # The named verifier may send it back.
    assert value_send_back(actor=people.verifier, value=row, reason="Check it").returned_reason


@pytest.mark.parametrize("cover", ["officer", "admin"])
def test_the_performance_team_covers_for_the_named_verifier_and_the_history_says_so(
    named_pi, people, cover
):
    row = value_approve(actor=getattr(people, cover), value=submitted(people, named_pi))
    assert row.workflow_status == "approved"
    entry = AuditEntry.objects.get(object_id=str(row.pk), action="approved")
    assert entry.new["cover_for"] == "Vera Verifier"
    assert entry.actor == getattr(people, cover)


def test_cover_never_extends_to_approving_ones_own_entry(named_pi, people):
    row = submitted(people, named_pi, by=people.officer)  # officers may enter any PI's values
    with pytest.raises(PermissionDenied) as refused:
        value_approve(actor=people.officer, value=row)
    assert refused.value.code == "self_approval"
    assert status_of(row) == "submitted"
    assert value_approve(actor=people.verifier, value=row).workflow_status == "approved"


def test_the_named_verifier_still_may_not_approve_their_own_entry(in_alpha, people, make_indicator):
    pi = make_indicator(code="NV 2", verifier=people.provider_verifier)
    row = submitted(people, pi, by=people.provider_verifier)
    with pytest.raises(PermissionDenied) as refused:
        value_approve(actor=people.provider_verifier, value=row)
    assert refused.value.code == "self_approval"
    with pytest.raises(PermissionDenied, match="names Dual Role as its verifier"):
        value_approve(actor=people.verifier, value=row)
    assert value_approve(actor=people.officer, value=row).workflow_status == "approved"


def test_with_nobody_named_any_verifier_approves_and_the_team_only_sends_back(open_pi, people):
    first = submitted(people, open_pi, "2024/25 Q1")
    assert value_approve(actor=people.second_verifier, value=first).approved_by == (
        people.second_verifier
    )
    second = submitted(people, open_pi, "2024/25 Q2")
    with pytest.raises(PermissionDenied, match="Only a verifier may approve"):
        value_approve(actor=people.officer, value=second)
    returned = value_send_back(actor=people.officer, value=second, reason="Recount")
    assert returned.workflow_status == "draft"


def test_only_a_person_with_the_verifier_role_can_be_named(in_alpha, people, make_indicator):
    with pytest.raises(DomainError, match="Max Manager does not hold the verifier role") as no:
        make_indicator(code="NV 3a", verifier=people.manager)
    assert no.value.extra["fields"]["verifier"] == [no.value.message]
    assert not Indicator.objects.filter(code="NV 3a").exists()
    pi = make_indicator(code="NV 3b")
    with pytest.raises(DomainError, match="does not hold the verifier role"):
        indicator_update(actor=people.officer, indicator=pi, verifier=people.manager)
    pi.refresh_from_db()
    assert pi.verifier_id is None


def test_a_named_verifier_who_lost_the_verifier_role_is_told_why(in_alpha, people, make_indicator):
    people.manager.roles = [*people.manager.roles, "verifier"]
    people.manager.save(update_fields=["roles"])
    pi = make_indicator(code="NV 3", verifier=people.manager)
    people.manager.roles = [r for r in people.manager.roles if r != "verifier"]
    people.manager.save(update_fields=["roles"])
    row = submitted(people, pi)
    with pytest.raises(PermissionDenied, match="do not hold the verifier role") as refused:
        value_approve(actor=people.manager, value=row)
    assert refused.value.code == "not_verifier"
    with pytest.raises(PermissionDenied, match="names Max Manager"):
        value_approve(actor=people.verifier, value=row)
    assert value_approve(actor=people.admin, value=row).workflow_status == "approved"


@pytest.mark.parametrize("role", ["provider", "councillor", "manager", "auditor"])
def test_nobody_outside_the_rule_approves_or_sends_back_a_named_pis_value(named_pi, people, role):
    row = submitted(people, named_pi)
    with pytest.raises(PermissionDenied):
        value_approve(actor=getattr(people, role), value=row)
    with pytest.raises(PermissionDenied):
        value_send_back(actor=getattr(people, role), value=row, reason="x")
    assert status_of(row) == "submitted"


# --- REST -----------------------------------------------------------------------------------


def _post(client, url, data=None):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def test_rest_transitions_obey_the_named_verifier(org_a, people, client_for, make_indicator):
    with schema_context(org_a.schema_name):
        pi = make_indicator(code="NV 4", verifier=people.verifier)
        row = submitted(people, pi)
    other = client_for(org_a, user=people.second_verifier)
    refused = _post(other, f"{API}{row.pk}/approve/")
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "named_verifier"
    assert body["message"].startswith("NV 4 names Vera Verifier as its verifier")
    sent_back = _post(other, f"{API}{row.pk}/send-back/", {"reason": "Wrong"})
    assert sent_back.status_code == 403 and sent_back.json()["code"] == "named_verifier"
    with schema_context(org_a.schema_name):
        assert status_of(row) == "submitted"
    approved = _post(client_for(org_a, user=people.verifier), f"{API}{row.pk}/approve/")
    assert approved.status_code == 200 and approved.json()["workflow_status"] == "approved"


def test_rest_cover_by_an_officer(org_a, people, client_for, make_indicator):
    with schema_context(org_a.schema_name):
        pi = make_indicator(code="NV 5", verifier=people.verifier)
        row = submitted(people, pi)
    response = _post(client_for(org_a, user=people.officer), f"{API}{row.pk}/approve/")
    assert response.status_code == 200 and response.json()["approved_by_id"] == people.officer.pk


# --- the approvals queue --------------------------------------------------------------------


@pytest.fixture
def queue_values(org_a, people, make_indicator):
    with schema_context(org_a.schema_name):
        named = make_indicator(code="NV 6", title="Named to Vera", verifier=people.verifier)
        unnamed = make_indicator(code="OPEN 6", title="Anyone's")
        return submitted(people, named), submitted(people, unnamed)


def sections(client) -> tuple[str, str]:
    html = client.get("/indicators/approvals/").content.decode()
    yours, _, others = html.partition(AWAITING)
    return yours, others


def test_the_named_verifier_sees_both_values_as_theirs(org_a, people, client_for, queue_values):
    named, unnamed = queue_values
    yours, others = sections(client_for(org_a, user=people.verifier))
    for row in (named, unnamed):
        assert f'action="/indicators/values/{row.pk}/approve/"' in yours
    assert others == ""


def test_another_verifier_sees_the_named_value_awaiting_its_verifier(
    org_a, people, client_for, queue_values
):
    named, unnamed = queue_values
    yours, others = sections(client_for(org_a, user=people.second_verifier))
    assert f'action="/indicators/values/{unnamed.pk}/approve/"' in yours
    assert "NV 6" not in yours
    assert "NV 6</a> Named to Vera: 2024/25 Q1" in others
    assert f"/indicators/values/{named.pk}/approve/" not in others
    assert f"/indicators/values/{named.pk}/send-back/" not in others
    assert "names Vera Verifier as its verifier" in others


def test_an_officer_sees_cover_for_the_named_value_and_only_send_back_for_the_other(
    org_a, people, client_for, queue_values
):
    named, unnamed = queue_values
    yours, others = sections(client_for(org_a, user=people.officer))
    assert others == ""
    assert f'action="/indicators/values/{named.pk}/approve/"' in yours
    assert "You would act as cover for Vera Verifier, the named verifier of NV 6" in yours
    assert f'action="/indicators/values/{unnamed.pk}/approve/"' not in yours
    assert f'action="/indicators/values/{unnamed.pk}/send-back/"' in yours


def test_another_verifier_approving_on_the_page_is_refused_with_the_reason(
    org_a, people, client_for, queue_values
):
    named, _ = queue_values
    response = client_for(org_a, user=people.second_verifier).post(
        f"/indicators/values/{named.pk}/approve/"
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "NV 6 names Vera Verifier as its verifier" in html and 'role="alert"' in html
    with schema_context(org_a.schema_name):
        assert status_of(named) == "submitted"


def test_the_queue_query_count_does_not_grow_with_its_values(
    org_a, people, client_for, make_indicator
):
    client = client_for(org_a, user=people.second_verifier)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/indicators/approvals/").status_code == 200
        return len(captured)

    with schema_context(org_a.schema_name):
        submitted(people, make_indicator(code="Q 0", verifier=people.verifier))
        submitted(people, make_indicator(code="Q 1"))
    few = queries()
    with schema_context(org_a.schema_name):
        for number in range(2, 8):
            verifier = (people.verifier, people.provider_verifier, None)[number % 3]
            submitted(people, make_indicator(code=f"Q {number}", verifier=verifier))
    assert queries() == few
