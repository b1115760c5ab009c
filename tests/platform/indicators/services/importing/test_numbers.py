"""Numbers in an import: CSV text read by the one parser (a decimal comma or an ambiguous
separator is a problem on its row, and nothing is written), XLSX numeric cells taken as the
numbers they are; a percentage's 0-100 default and a far move confirmed by the note column."""

from __future__ import annotations

from decimal import Decimal

import pytest

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.indicators.models import IndicatorValue, Target
from goldenthread.platform.indicators.services.values import value_enter

from .conftest import TARGET_HEADER, VALUE_HEADER, problems_of, value_rows, xlsx_bytes
from .steps import commit_and_write

Q1 = "2024/25 Q1"


@pytest.fixture
def pis(in_alpha, make_indicator):
    class PIs:
        percentage = make_indicator("PCT 1", unit_kind="percentage")
        count = make_indicator("NUM 1", unit_kind="number", decimal_places=0)
        confirmable = make_indicator("PCT 2", out_of_range_policy="confirm")

    return PIs


def stored():
    return {
        (row.indicator.code, row.period_code): row.value
        for row in IndicatorValue.objects.select_related("indicator")
    }


def test_a_csv_with_decimal_commas_lists_each_and_writes_nothing(
    pis, people, values_csv, start_import
):
    job = start_import(
        people.provider,
        values_csv(
            {"indicator code": "PCT 1", "period": Q1, "value": "12,5"},
            {"indicator code": "NUM 1", "period": Q1, "value": "1.234,5"},
            {"indicator code": "NUM 1", "period": "2024/25 Q2", "value": "1,234"},
            {"indicator code": "NUM 1", "period": "2024/25 Q3", "value": "1 234"},
            {"indicator code": "PCT 1", "period": "2024/25 Q2", "value": "12.5%"},
            {"indicator code": "NUM 1", "period": "2024/25 Q4", "value": "  7 "},
            {"indicator code": "NUM 1", "period": "2023/24 Q4", "value": "=1+1"},
            {"indicator code": "NUM 1", "period": "2023/24 Q3", "value": "NaN"},
            {"indicator code": "NUM 1", "period": "2023/24 Q2", "value": "9" * 80},
        ),
    )
    assert problems_of(job) == [
        (2, "value", "The value '12,5' looks like 12.5 written with a decimal comma; type 12.5."),
        (
            3,
            "value",
            "The value '1.234,5' looks like 1234.5 written with a decimal comma and dots between "
            "thousands; type 1234.5.",
        ),
        (
            4,
            "value",
            "The value '1,234' could be 1234 (a comma between thousands) or 1.234 (a decimal "
            "comma); type 1234 or 1.234.",
        ),
        (8, "value", "The value must be a number, not '=1+1'."),
        (9, "value", "The value must be a number, not 'NaN'."),
        (10, "value", f"The value '{'9' * 59}…' is too long to be a number (80 characters)."),
    ]
    assert not job.can_commit
    with pytest.raises(DomainError):
        commit_and_write(job=job, actor=people.provider)
    assert stored() == {}


def test_a_csv_of_numbers_written_plainly_is_stored_as_meant(pis, people, values_csv, start_import):
    job = start_import(
        people.provider,
        values_csv(
            {"indicator code": "NUM 1", "period": Q1, "value": "1 234"},
            {"indicator code": "NUM 1", "period": "2024/25 Q2", "value": "1,234,567"},
            {"indicator code": "PCT 1", "period": Q1, "value": "12.5%"},
            {"indicator code": "PCT 1", "period": "2024/25 Q2", "value": "  13 "},
            {"indicator code": "PCT 1", "period": "2024/25 Q3", "value": ""},  # skipped
        ),
    )
    assert problems_of(job) == []
    assert job.counts["skipped"] == 1
    commit_and_write(job=job, actor=people.provider)
    assert stored() == {
        ("NUM 1", Q1): Decimal("1234"),
        ("NUM 1", "2024/25 Q2"): Decimal("1234567"),
        ("PCT 1", Q1): Decimal("12.5"),
        ("PCT 1", "2024/25 Q2"): Decimal("13"),
    }


def test_xlsx_numbers_are_numbers_and_xlsx_text_is_read_like_csv(pis, people, start_import):
    content = xlsx_bytes(
        VALUE_HEADER,
        value_rows(
            {"indicator code": "PCT 1", "period": Q1, "value": 12.5},
            {"indicator code": "NUM 1", "period": Q1, "value": 1234567},
            {"indicator code": "NUM 1", "period": "2024/25 Q2", "value": "12,5"},
        ),
    )
    job = start_import(people.provider, content, name="values.xlsx")
    assert problems_of(job) == [
        (4, "value", "The value '12,5' looks like 12.5 written with a decimal comma; type 12.5.")
    ]
    fixed = xlsx_bytes(
        VALUE_HEADER,
        value_rows(
            {"indicator code": "PCT 1", "period": Q1, "value": 12.5},
            {"indicator code": "NUM 1", "period": Q1, "value": 1234567},
        ),
    )
    job = start_import(people.provider, fixed, name="values.xlsx")
    assert problems_of(job) == []
    commit_and_write(job=job, actor=people.provider)
    assert stored() == {("PCT 1", Q1): Decimal("12.5"), ("NUM 1", Q1): Decimal("1234567")}


def formatted_xlsx(header: list[str], rows: list[list], formats: dict[str, str]) -> bytes:
    """A workbook made by openpyxl whose cells in the named columns carry a number format, as
    Excel saves a cell the uploader formatted as a percentage (12.5% stored as 0.125)."""
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for column, number_format in formats.items():
        letter = chr(ord("A") + header.index(column))
        for cell in sheet[letter][1:]:
            cell.number_format = number_format
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_an_xlsx_cell_formatted_as_a_percentage_is_read_as_it_shows(pis, people, start_import):
    content = formatted_xlsx(
        VALUE_HEADER,
        value_rows(
            {"indicator code": "PCT 1", "period": Q1, "value": 0.125},
            {"indicator code": "PCT 1", "period": "2024/25 Q2", "value": 0.9},
        ),
        {"value": "0.0%"},
    )
    job = start_import(people.provider, content, name="values.xlsx")
    assert problems_of(job) == []
    commit_and_write(job=job, actor=people.provider)
    assert stored() == {("PCT 1", Q1): Decimal("12.5"), ("PCT 1", "2024/25 Q2"): Decimal("90")}


def test_a_percentage_formatted_cell_on_a_count_is_refused_and_a_literal_sign_is_not_scaled(
    pis, people, start_import
):
    content = formatted_xlsx(
        VALUE_HEADER,
        value_rows({"indicator code": "NUM 1", "period": Q1, "value": 0.25}),
        {"value": "0%"},
    )
    job = start_import(people.provider, content, name="values.xlsx")
    assert problems_of(job) == [
        (
            2,
            "value",
            "The value cell is formatted as a percentage (25%), but only a percentage PI's "
            "value or target can be a percentage; format the cell as a number.",
        )
    ]
    # A format that only prints a sign ("0.0" followed by a quoted %) does not scale.
    literal = formatted_xlsx(
        VALUE_HEADER,
        value_rows({"indicator code": "PCT 1", "period": Q1, "value": 12.5}),
        {"value": '0.0"%"'},
    )
    job = start_import(people.provider, literal, name="values.xlsx")
    assert problems_of(job) == []
    commit_and_write(job=job, actor=people.provider)
    assert stored() == {("PCT 1", Q1): Decimal("12.5")}


def test_a_percentage_formatted_target_cell_is_read_as_it_shows(pis, people, start_import):
    content = formatted_xlsx(
        TARGET_HEADER,
        [["PCT 1", Q1, 0.55, "", ""]],
        {"target": "0%"},
    )
    job = start_import(people.officer, content, kind="targets", name="targets.xlsx")
    assert problems_of(job) == []
    commit_and_write(job=job, actor=people.officer)
    assert Target.objects.get(indicator=pis.percentage, period_code=Q1).value == Decimal("55")


def test_targets_in_a_csv_are_read_by_the_same_parser(pis, people, targets_csv, start_import):
    job = start_import(
        people.officer,
        targets_csv(
            {"indicator code": "PCT 1", "period": Q1, "target": "12,5"},
            {"indicator code": "NUM 1", "period": Q1, "target": "1,234"},
            {"indicator code": "PCT 1", "period": "2024/25 Q2", "target": "55%"},
        ),
        kind="targets",
        name="targets.csv",
    )
    assert [(row, column) for row, column, _ in problems_of(job)] == [
        (2, "target"),
        (3, "target"),
    ]
    assert "looks like 12.5 written with a decimal comma" in problems_of(job)[0][2]
    assert Target.objects.count() == 0
    job = start_import(
        people.officer,
        targets_csv({"indicator code": "PCT 1", "period": "2024/25 Q2", "target": "55%"}),
        kind="targets",
        name="targets.csv",
    )
    commit_and_write(job=job, actor=people.officer)
    assert list(Target.objects.values_list("value", flat=True)) == [Decimal("55")]


# --- sensible defaults (item 5b) ------------------------------------------------------------


def test_150_per_cent_is_refused_or_needs_a_note(pis, people, values_csv, start_import):
    job = start_import(
        people.provider,
        values_csv(
            {"indicator code": "PCT 1", "period": Q1, "value": "150"},
            {"indicator code": "PCT 2", "period": Q1, "value": "150"},
        ),
    )
    assert problems_of(job) == [
        (2, "value", "150 is above the maximum of 100 for this percentage."),
        (
            3,
            "value",
            "150 is above the maximum of 100 for this percentage. To import it anyway, explain "
            "the value in the note column.",
        ),
    ]
    job = start_import(
        people.provider,
        values_csv(
            {"indicator code": "PCT 2", "period": Q1, "value": "150", "note": "Arrears collected."}
        ),
    )
    assert problems_of(job) == []
    commit_and_write(job=job, actor=people.provider)
    row = IndicatorValue.objects.get()
    assert row.out_of_range_confirmed and row.out_of_range_note == "Arrears collected."


def test_a_far_move_needs_a_note_in_the_import(pis, people, values_csv, start_import):
    for period, value in (("2024/25 Q1", "50"), ("2024/25 Q2", "52"), ("2024/25 Q3", "51")):
        value_enter(
            actor=people.provider, indicator=pis.percentage, period_code=period, value=value
        )
    value_enter(
        actor=people.provider, indicator=pis.percentage, period_code="2024/25 Q4", value="53"
    )
    job = start_import(
        people.provider,
        values_csv({"indicator code": "PCT 1", "period": "2025/26 Q1", "value": "90"}),
    )
    assert problems_of(job) == [
        (
            2,
            "value",
            "90 is far from 53, the value for 2024/25 Q4: a change of 37, more than 5 times the "
            "usual change of 2 between periods. To import it anyway, explain the value in the "
            "note column.",
        )
    ]
    job = start_import(
        people.provider,
        values_csv(
            {
                "indicator code": "PCT 1",
                "period": "2025/26 Q1",
                "value": "90",
                "note": "New contract.",
            }
        ),
    )
    assert problems_of(job) == []
    commit_and_write(job=job, actor=people.provider)
    row = IndicatorValue.objects.get(period_code="2025/26 Q1")
    assert row.large_change_confirmed and not row.out_of_range_confirmed
    assert row.out_of_range_note == "New contract."
