"""Submit, approve, send back, reopen: who may, and what is refused."""

from decimal import Decimal

import pytest

from goldenthread.platform.core.errors import Conflict, DomainError, PermissionDenied
from goldenthread.platform.indicators.models import AuditEntry
from goldenthread.platform.indicators.services.targets import target_set
from goldenthread.platform.indicators.services.values import commentary_add, value_enter
from goldenthread.platform.indicators.services.workflow import (
    value_approve,
    value_reopen,
    value_send_back,
    value_submit,
)


@pytest.fixture
def draft(in_alpha, people, make_indicator):
    pi = make_indicator()
    return value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="50")


def test_draft_submitted_approved(draft, people):
    value_submit(actor=people.provider, value=draft)
    approved = value_approve(actor=people.verifier, value=draft)
    assert approved.workflow_status == "approved" and approved.is_locked
    assert (approved.submitted_by, approved.approved_by) == (people.provider, people.verifier)
    actions = list(
        AuditEntry.objects.filter(object_type="indicatorvalue", object_id=str(draft.pk))
        .order_by("id")
        .values_list("action", "old", "new")
    )
    assert [a for a, _, _ in actions] == ["value_entered", "submitted", "approved"]
    assert actions[2][1]["workflow_status"] == "submitted"
    assert actions[2][2]["workflow_status"] == "approved"


@pytest.mark.parametrize("role", ["officer", "provider", "councillor", "manager"])
def test_only_verifiers_approve(draft, people, role):
    value_submit(actor=people.provider, value=draft)
    with pytest.raises(PermissionDenied, match="Only a verifier"):
        value_approve(actor=getattr(people, role), value=draft)
    draft.refresh_from_db()
    assert draft.workflow_status == "submitted"


def test_self_approval_is_refused(in_alpha, people, make_indicator):
    pi = make_indicator()
    row = value_enter(
        actor=people.provider_verifier, indicator=pi, period_code="2024/25 Q1", value="5"
    )
    value_submit(actor=people.provider_verifier, value=row)
    with pytest.raises(PermissionDenied, match="someone else must approve it") as refused:
        value_approve(actor=people.provider_verifier, value=row)
    assert refused.value.code == "self_approval"
    row.refresh_from_db()
    assert row.workflow_status == "submitted"
    # Nor may the verifier approve what they submitted for someone else's entry.
    second = value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q2", value="5")
    value_submit(actor=people.provider_verifier, value=second)
    with pytest.raises(PermissionDenied):
        value_approve(actor=people.provider_verifier, value=second)
    assert value_approve(actor=people.verifier, value=second).workflow_status == "approved"


def test_a_draft_cannot_be_approved(draft, people):
    with pytest.raises(Conflict, match="is draft, so it cannot be approved"):
        value_approve(actor=people.verifier, value=draft)


def test_send_back_needs_a_reason_and_returns_a_draft(draft, people):
    value_submit(actor=people.provider, value=draft)
    with pytest.raises(DomainError, match="Give a reason"):
        value_send_back(actor=people.verifier, value=draft, reason=" ")
    with pytest.raises(PermissionDenied):
        value_send_back(actor=people.provider, value=draft, reason="no")
    returned = value_send_back(actor=people.verifier, value=draft, reason="Check June's figure")
    assert returned.workflow_status == "draft" and returned.returned_reason.startswith("Check")
    entry = AuditEntry.objects.get(
        object_type="indicatorvalue", object_id=str(draft.pk), action="sent_back"
    )
    assert entry.reason == "Check June's figure" and entry.actor == people.verifier
    # The provider can now correct it.
    corrected = value_enter(
        actor=people.provider, indicator=draft.indicator, period_code="2024/25 Q1", value="52"
    )
    assert corrected.value == Decimal("52")


def test_reopen_needs_an_officer_and_a_reason(draft, people):
    value_submit(actor=people.provider, value=draft)
    value_approve(actor=people.verifier, value=draft)
    with pytest.raises(DomainError, match="Give a reason for reopening"):
        value_reopen(actor=people.officer, value=draft, reason="")
    for role in ("verifier", "provider", "councillor"):
        with pytest.raises(PermissionDenied):
            value_reopen(actor=getattr(people, role), value=draft, reason="Because")
    draft.refresh_from_db()
    assert draft.workflow_status == "approved"

    reopened = value_reopen(actor=people.admin, value=draft, reason="Supplier restated June")
    assert reopened.workflow_status == "draft" and reopened.approved_by is None
    entry = AuditEntry.objects.get(
        object_type="indicatorvalue", object_id=str(draft.pk), action="reopened"
    )
    assert entry.old["workflow_status"] == "approved" and entry.new["workflow_status"] == "draft"
    assert entry.reason == "Supplier restated June"


def test_off_target_needs_commentary_before_submit(in_alpha, people, make_indicator):
    pi = make_indicator()
    target_set(actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="80")
    row = value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="40")
    assert row.status == "off_target"
    with pytest.raises(DomainError, match="add commentary") as refused:
        value_submit(actor=people.provider, value=row)
    assert refused.value.code == "commentary_required"
    row.refresh_from_db()
    assert row.workflow_status == "draft"
    commentary_add(actor=people.provider, indicator=pi, period_code="2024/25 Q1", text="Strike")
    assert value_submit(actor=people.provider, value=row).workflow_status == "submitted"


def test_commentary_is_optional_when_the_pi_says_so(in_alpha, people, make_indicator):
    pi = make_indicator(commentary_required_when_off_target=False)
    target_set(actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="80")
    row = value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="40")
    assert value_submit(actor=people.provider, value=row).workflow_status == "submitted"


def test_another_provider_cannot_submit(draft, people):
    with pytest.raises(PermissionDenied):
        value_submit(actor=people.other_provider, value=draft)
    draft.refresh_from_db()
    assert draft.workflow_status == "draft"


def test_approved_status_keeps_its_colours_when_the_target_changes(draft, people):
    target_set(
        actor=people.officer, indicator=draft.indicator, period_code="2024/25 Q1", value="50"
    )
    value_submit(actor=people.provider, value=draft)
    value_approve(actor=people.verifier, value=draft)
    target_set(
        actor=people.officer, indicator=draft.indicator, period_code="2024/25 Q1", value="90"
    )
    draft.refresh_from_db()
    assert draft.status == "on_target" and draft.status_target == Decimal("50")
