"""The verifier's queue: approve, send back with a reason, and reopening approved values."""

from __future__ import annotations

from goldenthread.platform.indicators.models import AuditEntry, IndicatorValue
from tests.fixtures.accessibility import assert_form_markup, summaries, summary_links
from tests.fixtures.html import parse

from .conftest import enter


def test_the_queue_lists_submitted_values_with_what_a_verifier_needs(
    org_a, people, pi, as_user, alpha
):
    with alpha():
        waiting = enter(people, pi, "2024/25 Q2", "40", submit=True, commentary="Strike.")
        enter(people, pi, "2024/25 Q1", "52")  # a draft: not in the queue
    html = as_user(people.verifier).get("/indicators/approvals/").content.decode()
    assert "PG 1</a> Household waste recycled: 2024/25 Q2" in html
    assert "Household waste recycled: 2024/25 Q1" not in html  # no card for the draft
    # The jump is visible: the previous period's value (a draft still) and the change.
    assert "Previous value (2024/25 Q1)</dt><dd>52.0% (not yet approved)" in html
    assert "Down 12.0 percentage points (−23.1%)" in html
    assert 'data-status="off_target"' in html and "Strike." in html
    assert f'action="/indicators/values/{waiting.pk}/approve/"' in html
    assert " disabled " not in html  # Vera neither entered nor submitted it


def test_a_verifier_approves_a_value_which_locks_it(org_a, people, pi, as_user, alpha):
    with alpha():
        row = enter(people, pi, "2024/25 Q1", "52", submit=True)
    response = as_user(people.verifier).post(f"/indicators/values/{row.pk}/approve/")
    assert response.status_code == 302 and response["Location"] == "/indicators/approvals/"
    with alpha():
        row.refresh_from_db()
        assert (row.workflow_status, row.approved_by) == ("approved", people.verifier)
    again = as_user(people.second_verifier).post(f"/indicators/values/{row.pk}/approve/")
    assert again.status_code == 400
    assert "is approved, so it cannot be approved" in again.content.decode()
    # No longer in the queue, so its answer is in the page's summary, which takes focus.
    page = parse(again)
    (summary,) = summaries(page)
    assert "is approved, so it cannot be approved" in summary.text
    assert summary_links(page, summary) == []
    assert_form_markup(page)


def test_sending_back_needs_a_reason(org_a, people, pi, as_user, alpha):
    with alpha():
        row = enter(people, pi, "2024/25 Q1", "52", submit=True)
    client = as_user(people.verifier)
    refused = client.post(f"/indicators/values/{row.pk}/send-back/", {"reason": "  "})
    assert refused.status_code == 400
    assert "Give a reason for sending back the value." in refused.content.decode()
    # The refusal is beside the value, takes focus and describes the reason box.
    page = parse(refused)
    first_asking = next(e for e in page.elements if "autofocus" in e.attrs)
    assert "Give a reason" in first_asking.text
    assert_form_markup(page)
    with alpha():
        assert IndicatorValue.objects.get(pk=row.pk).workflow_status == "submitted"
    sent = client.post(
        f"/indicators/values/{row.pk}/send-back/", {"reason": "Check the March tonnage."}
    )
    assert sent.status_code == 302
    with alpha():
        row.refresh_from_db()
        assert (row.workflow_status, row.returned_reason) == ("draft", "Check the March tonnage.")
    # The provider sees why on the value's page.
    page = as_user(people.provider).get(f"/indicators/{pi.pk}/enter/?period=2024/25 Q1")
    assert "Check the March tonnage." in page.content.decode()


def test_an_officer_reopens_an_approved_value_with_a_reason(org_a, people, pi, as_user, alpha):
    with alpha():
        row = enter(people, pi, "2024/25 Q1", "52", approve=True)
    client = as_user(people.officer)
    assert (
        f"/indicators/values/{row.pk}/reopen/"
        in client.get(f"/indicators/{pi.pk}/").content.decode()
    )
    form = client.get(f"/indicators/values/{row.pk}/reopen/")
    assert form.status_code == 200 and "Reopen the value" in form.content.decode()
    no_reason = client.post(f"/indicators/values/{row.pk}/reopen/", {"reason": ""})
    assert no_reason.status_code == 400 and "Give a reason." in no_reason.content.decode()
    page = parse(no_reason)
    (summary,) = summaries(page)
    assert summary_links(page, summary) == ["#id_reason"]
    assert_form_markup(page)
    done = client.post(f"/indicators/values/{row.pk}/reopen/", {"reason": "Tonnage restated."})
    assert done.status_code == 302
    with alpha():
        row.refresh_from_db()
        assert row.workflow_status == "draft"
        assert AuditEntry.objects.get(action="reopened", object_id=str(row.pk)).reason == (
            "Tonnage restated."
        )


def test_only_managers_may_reopen(org_a, people, pi, as_user, alpha):
    with alpha():
        row = enter(people, pi, "2024/25 Q1", "52", approve=True)
    for person in (people.verifier, people.provider, people.councillor):
        client = as_user(person)
        assert client.get(f"/indicators/values/{row.pk}/reopen/").status_code == 403
        assert (
            client.post(f"/indicators/values/{row.pk}/reopen/", {"reason": "x"}).status_code == 403
        )
    with alpha():
        assert IndicatorValue.objects.get(pk=row.pk).workflow_status == "approved"
