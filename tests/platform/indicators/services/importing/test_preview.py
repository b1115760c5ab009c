"""Step 1 of an import: every row's problem with its row, column and message, and what would
change; nothing is written by a preview."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.platform.indicators.models import IndicatorValue, Target
from goldenthread.platform.indicators.services.indicators import sub_area_create
from goldenthread.platform.indicators.services.values import value_enter
from goldenthread.platform.indicators.services.workflow import value_approve, value_submit

from .conftest import VALUE_HEADER, problems_of, value_rows, xlsx_bytes


def test_a_good_csv_previews_new_values_and_writes_nothing(
    in_alpha, people, make_indicator, values_csv, start_import
):
    # Given two PIs the provider provides data for
    make_indicator("PI 1")
    make_indicator("PI 2", frequency="monthly", polarity="lower")
    # When they upload a good CSV
    job = start_import(
        people.provider,
        values_csv(
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "55.5"},
            {"indicator code": "pi 2", "period": "2024-04", "value": "12"},
        ),
    )
    # Then the preview lists two new values and no problems, and nothing is saved yet
    assert job.status == "previewed"
    assert job.problems == []
    assert [(c["row"], c["code"], c["period"], c["kind"], c["new"]) for c in job.changes] == [
        (2, "PI 1", "2024/25 Q1", "new", "55.5"),
        (3, "PI 2", "2024-04", "new", "12"),
    ]
    assert job.counts["new"] == 2 and job.counts["problems"] == 0
    assert job.can_commit
    assert IndicatorValue.objects.count() == 0


def test_a_good_xlsx_previews_the_same_as_csv(in_alpha, people, make_indicator, start_import):
    make_indicator("PI 1")
    make_indicator("PI 2", frequency="monthly")
    content = xlsx_bytes(
        VALUE_HEADER,
        value_rows(
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": 55.5},
            {"indicator code": "PI 2", "period": "2024-04", "value": 12},
        ),
    )
    job = start_import(people.provider, content, name="values.xlsx")
    assert job.problems == []
    assert [(c["code"], c["period"], c["new"]) for c in job.changes] == [
        ("PI 1", "2024/25 Q1", "55.5"),
        ("PI 2", "2024-04", "12"),
    ]


def test_changed_and_unchanged_values_show_old_and_new(
    in_alpha, people, make_indicator, values_csv, start_import
):
    pi = make_indicator("PI 1")
    value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="40")
    value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q2", value="41")
    job = start_import(
        people.provider,
        values_csv(
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "45"},
            {"indicator code": "PI 1", "period": "2024/25 Q2", "value": "41.0"},
        ),
    )
    assert [(c["kind"], c["old"], c["new"]) for c in job.changes] == [
        ("changed", "40", "45"),
        ("unchanged", "41", "41"),
    ]
    assert job.counts["changed"] == 1 and job.counts["unchanged"] == 1


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            {"indicator code": "NOPE 9", "period": "2024/25 Q1", "value": "5"},
            "indicator code",
            "There is no indicator with the code 'NOPE 9' in this organisation.",
        ),
        (
            {"indicator code": "", "period": "2024/25 Q1", "value": "5"},
            "indicator code",
            "The indicator code is empty.",
        ),
        (
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "lots"},
            "value",
            "The value must be a number, not 'lots'.",
        ),
        (
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "=1+1"},
            "value",
            "The value must be a number, not '=1+1'.",
        ),
        (
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "150"},
            "value",
            "150 is above the maximum of 100 for this percentage.",
        ),
        (
            {"indicator code": "PI 1", "period": "2024-04", "value": "5"},
            "period",
            "PI 1 is collected quarterly, so its values are for a quarter; '2024-04' is a month.",
        ),
        (
            {"indicator code": "PI 1", "period": "2024 Q1", "value": "5"},
            "period",
            "'2024 Q1' is not a valid period code: expected one of 2025/26 (financial year), "
            "2025/26 H1 (half), 2025/26 Q1 (quarter), 2025/26 T1 (tertial), 2025-04 (month), "
            "2025-W14 (ISO week), CY2025 (calendar year) or AY2025/26 (academic year).",
        ),
        (
            {"indicator code": "PI 1", "period": "2099/00 Q1", "value": "5"},
            "period",
            "Q1 2099/00 (Apr–Jun 2099) has not started yet, so it cannot have a value.",
        ),
        (
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "5", "sub-area": "Moon"},
            "sub-area",
            "There is no sub-area 'Moon' in this organisation.",
        ),
        (
            {"indicator code": "PI 1", "period": "2024/25 Q1", "state": "lost"},
            "state",
            "'lost' is not a state; leave it empty for a number, or write 'not collected' or "
            "'not applicable'.",
        ),
        (
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "5", "state": "n/a"},
            "state",
            "'n/a' is not a state; leave it empty for a number, or write 'not collected' or "
            "'not applicable'.",
        ),
        (
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "5", "numerator": "1"},
            "value",
            "PI 1 is not calculated: enter its value, not a numerator and denominator.",
        ),
    ],
)
def test_each_bad_row_is_reported_with_its_row_column_and_message(
    in_alpha, people, make_indicator, values_csv, start_import, row, column, message
):
    # Given a quarterly percentage PI whose range is 0 to 100
    make_indicator("PI 1", valid_minimum=Decimal("0"), valid_maximum=Decimal("100"))
    # When a file has a good row and then the bad one
    job = start_import(
        people.provider,
        values_csv({"indicator code": "PI 1", "period": "2024/25 Q2", "value": "50"}, row),
    )
    # Then the bad row (row 3) is reported by column, and the file cannot be imported
    assert problems_of(job) == [(3, column, message)]
    assert not job.can_commit
    assert IndicatorValue.objects.count() == 0


def test_a_duplicate_row_names_the_row_it_repeats(
    in_alpha, people, make_indicator, values_csv, start_import
):
    make_indicator("PI 1")
    job = start_import(
        people.provider,
        values_csv(
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "5"},
            {"indicator code": "PI 1", "period": "2024/25 Q2", "value": "6"},
            {"indicator code": "pi 1", "period": " 2024/25 q1 ", "value": "7"},
        ),
    )
    assert problems_of(job) == [
        (
            4,
            "indicator code, period and sub-area",
            "This repeats row 2: the same indicator, period and sub-area may appear only once "
            "in a file.",
        )
    ]


def test_the_same_period_for_two_sub_areas_is_not_a_duplicate(
    in_alpha, people, make_indicator, values_csv, start_import
):
    make_indicator("PI 1")
    north = sub_area_create(actor=people.officer, kind="ward", name="North", code="N1")
    sub_area_create(actor=people.officer, kind="ward", name="South")
    job = start_import(
        people.provider,
        values_csv(
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "5"},
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "6", "sub-area": "n1"},
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "7", "sub-area": "south"},
        ),
    )
    assert job.problems == []
    assert [c["sub_area"] for c in job.changes] == ["", north.name, "South"]


def test_approved_and_submitted_values_are_refused_as_locked(
    in_alpha, people, make_indicator, values_csv, start_import
):
    pi = make_indicator("PI 1", verifier=people.verifier)
    approved = value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value=1)
    value_submit(actor=people.provider, value=approved)
    value_approve(actor=people.verifier, value=approved)
    submitted = value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q2", value=2)
    value_submit(actor=people.provider, value=submitted)
    job = start_import(
        people.provider,
        values_csv(
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "10"},
            {"indicator code": "PI 1", "period": "2024/25 Q2", "value": "20"},
        ),
    )
    assert problems_of(job) == [
        (
            2,
            "period",
            "The value of PI 1 for 2024/25 Q1 is approved and locked; a performance officer "
            "must reopen it, with a reason, before it can change.",
        ),
        (
            3,
            "period",
            "The value of PI 1 for 2024/25 Q2 has been submitted for approval; the verifier "
            "must send it back before it can change.",
        ),
    ]


def test_a_provider_cannot_import_values_of_a_pi_they_do_not_provide(
    in_alpha, people, make_indicator, values_csv, start_import
):
    make_indicator("PI 1")
    make_indicator("OTHER", data_providers=[people.other_provider])
    job = start_import(
        people.provider,
        values_csv(
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "5"},
            {"indicator code": "OTHER", "period": "2024/25 Q1", "value": "5"},
        ),
    )
    assert problems_of(job) == [
        (
            3,
            "indicator code",
            "You are not a data provider for OTHER, so you cannot import its values.",
        )
    ]


def test_a_retired_pi_takes_no_values(in_alpha, people, make_indicator, values_csv, start_import):
    from goldenthread.platform.indicators.services.indicators import indicator_retire

    pi = make_indicator("OLD 1")
    indicator_retire(actor=people.officer, indicator=pi, reason="Replaced")
    job = start_import(
        people.officer, values_csv({"indicator code": "OLD 1", "period": "2024/25 Q1", "value": 5})
    )
    assert problems_of(job) == [(2, "indicator code", "OLD 1 is retired and takes no values.")]


def test_every_problem_of_a_row_is_listed(
    in_alpha, people, make_indicator, values_csv, start_import
):
    job = start_import(
        people.provider,
        values_csv(
            {"indicator code": "NOPE", "period": "someday", "value": "x", "sub-area": "Moon"}
        ),
    )
    assert [(row, column) for row, column, _ in problems_of(job)] == [
        (2, "indicator code"),
        (2, "period"),
        (2, "sub-area"),
        (2, "value"),
    ]
    assert job.counts["rows_with_problems"] == 1


def test_an_out_of_range_value_needs_a_note_when_the_pi_allows_confirming(
    in_alpha, people, make_indicator, values_csv, start_import
):
    make_indicator("PI 1", valid_maximum=Decimal("100"), out_of_range_policy="confirm")
    hostile = '=HYPERLINK("http://evil.example","click")'
    job = start_import(
        people.provider,
        values_csv(
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "120"},
            {"indicator code": "PI 1", "period": "2024/25 Q2", "value": "130", "note": hostile},
        ),
    )
    assert problems_of(job) == [
        (
            2,
            "value",
            "120 is above the maximum of 100 for this percentage. To import it anyway, explain "
            "the value in the note column.",
        )
    ]
    assert [c["row"] for c in job.changes] == [3]


def test_a_calculated_pi_takes_numerator_and_denominator(
    in_alpha, people, make_indicator, values_csv, start_import
):
    make_indicator(
        "CALC 1",
        is_calculated=True,
        factor=Decimal("100"),
        numerator_label="Households helped",
        denominator_label="Households asking",
    )
    job = start_import(
        people.provider,
        values_csv(
            {"indicator code": "CALC 1", "period": "2024/25 Q1", "numerator": 1, "denominator": 4},
            {"indicator code": "CALC 1", "period": "2024/25 Q2", "value": "25"},
            {"indicator code": "CALC 1", "period": "2024/25 Q3", "numerator": 1, "denominator": 0},
        ),
    )
    assert problems_of(job) == [
        (
            3,
            "value",
            "CALC 1 is calculated: enter the numerator and denominator, not the value.",
        ),
        (
            4,
            "denominator",
            "Cannot calculate the value: the denominator is zero (numerator 1); enter a "
            "denominator other than zero, or mark the period not collected or not applicable.",
        ),
    ]
    assert job.changes[0]["new"] == "25 (1 / 4)"


def test_states_not_collected_and_not_applicable_are_accepted(
    in_alpha, people, make_indicator, values_csv, start_import
):
    make_indicator("PI 1")
    job = start_import(
        people.provider,
        values_csv(
            {"indicator code": "PI 1", "period": "2024/25 Q1", "state": "Not collected"},
            {"indicator code": "PI 1", "period": "2024/25 Q2", "state": "not_applicable"},
            {"indicator code": "PI 1", "period": "2024/25 Q3", "value": "3", "state": "N/A"},
        ),
    )
    assert [c["new"] for c in job.changes] == ["Not collected", "Not applicable"]
    assert [(row, column) for row, column, _ in problems_of(job)] == [(4, "state")]


def test_empty_template_rows_are_skipped(
    in_alpha, people, make_indicator, values_csv, start_import
):
    make_indicator("PI 1")
    job = start_import(
        people.provider,
        values_csv(
            {"indicator code": "PI 1", "period": "2024/25 Q1"},
            {"indicator code": "PI 1", "period": "2024/25 Q2", "value": "4"},
        ),
    )
    assert job.problems == []
    assert job.counts["skipped"] == 1 and job.counts["new"] == 1


def test_a_number_too_big_for_the_database_is_a_row_problem(
    in_alpha, people, make_indicator, values_csv, start_import
):
    make_indicator("BIG", unit_kind="number")
    job = start_import(
        people.provider,
        values_csv({"indicator code": "BIG", "period": "2024/25 Q1", "value": "1" + "0" * 20}),
    )
    assert [(row, column) for row, column, _ in problems_of(job)] == [(2, "value")]
    assert "digits" in job.problems[0]["message"]


def test_a_file_problem_is_reported_for_the_whole_file(in_alpha, people, start_import):
    job = start_import(people.provider, b"indicator code,period,vaule\nPI 1,2024/25 Q1,4\n")
    assert problems_of(job) == [
        (
            None,
            "",
            "The file has column(s) we do not recognise: vaule. The columns are: indicator "
            "code, period, value, numerator, denominator, sub-area, state, note.",
        )
    ]
    assert not job.can_commit


def test_the_preview_runs_the_same_number_of_queries_for_ten_or_a_hundred_rows(
    in_alpha, people, make_indicator, values_csv, start_import
):
    from goldenthread.platform.indicators.services.importing.preview import run_preview

    for number in range(10):
        make_indicator(f"Q{number}", frequency="monthly")
    small = [
        {"indicator code": f"Q{n % 10}", "period": f"2023-{n // 10 + 1:02d}", "value": n}
        for n in range(10)
    ]
    large = [
        {
            "indicator code": f"Q{n % 10}",
            "period": f"20{20 + n // 120}-{n // 10 % 12 + 1:02d}",
            "value": n,
        }
        for n in range(100)
    ]
    counts = []
    for rows in (small, large):
        job = start_import(people.provider, values_csv(*rows))
        assert job.problems == []
        with CaptureQueriesContext(connection) as queries:
            run_preview(job=job)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_targets_preview_new_and_changed_targets(
    in_alpha, people, make_indicator, targets_csv, start_import
):
    pi = make_indicator("PI 1")
    Target.objects.create(
        indicator=pi,
        period_code="2024/25 Q1",
        period_type="quarter",
        period_start="2024-04-01",
        period_end="2024-06-30",
        value=Decimal("50"),
        set_at="2024-04-01T00:00Z",
    )
    job = start_import(
        people.officer,
        targets_csv(
            {"indicator code": "PI 1", "period": "2024/25 Q1", "target": "55"},
            {"indicator code": "PI 1", "period": "2024/25", "target": "60"},
            {"indicator code": "PI 1", "period": "2024-04", "target": "60"},
            {"indicator code": "PI 1", "period": "2024/25 Q2", "target": "high"},
        ),
        kind="targets",
        name="targets.csv",
    )
    assert [(c["period"], c["kind"], c["old"], c["new"]) for c in job.changes] == [
        ("2024/25 Q1", "changed", "50", "55"),
        ("2024/25", "new", None, "60"),
    ]
    assert problems_of(job) == [
        (
            4,
            "period",
            "A target for PI 1 must be for a quarter or a longer period made of whole quarters; "
            "'2024-04' is a month.",
        ),
        (5, "target", "The target must be a number, not 'high'."),
    ]
