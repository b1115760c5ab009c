"""A report definition's optional PI columns (cost, data quality, off target in a row): saved
as options of a version, carried in the pack's PI rows (committee and corporate priorities
layouts), drawn by every output (HTML page, PDF, Word, Excel with money as numbers, CSV),
kept in a frozen pack's JSON, and read in a number of queries that does not grow with the PIs.

Worked figures: HH 1 counts households helped (200, 250, 240 in Q1 to Q3 of 2024/25) and is
paired with the spend HH COST (£50,000, £50,000, £48,000): Q3's unit cost is 48,000 / 240 =
£200.00, the same as Q2's 50,000 / 250, so the unit cost is unchanged. RED 1 was on target in
2023/24 Q4 and off target in each quarter since: off target 3 periods in a row at Q3.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from goldenthread.platform.indicators.models import CostPairing
from goldenthread.platform.indicators.selectors.data_quality import quality_by_indicator
from goldenthread.platform.reporting.domain.definitions import DefinitionSpec
from goldenthread.platform.reporting.domain.pack import Pack
from goldenthread.platform.reporting.selectors import pack_build, pack_from_spec
from goldenthread.platform.reporting.services import definition_create
from goldenthread.platform.reporting.services.outputs import render
from tests.factories import IndicatorFactory, IndicatorValueFactory, StrategyNodeFactory

Q3 = "2024/25 Q3"
TODAY = date(2025, 6, 1)
OPTIONS = {"cost": True, "data_quality": True, "persistence": True}
EXTRA = ["cost", "unit_cost", "data_quality", "off_target_run"]


def _values(pi, numbers, statuses=None):
    quarters = ["2023/24 Q4", "2024/25 Q1", "2024/25 Q2", "2024/25 Q3"][-len(numbers) :]
    for index, (code, number) in enumerate(zip(quarters, numbers, strict=True)):
        IndicatorValueFactory(
            indicator=pi,
            period=code,
            value=Decimal(str(number)),
            **({"status": statuses[index]} if statuses else {}),
        )


@pytest.fixture
def council(in_alpha):
    helped = IndicatorFactory(
        code="HH 1", title="Households helped", unit_kind="number", decimal_places=0
    )
    spend = IndicatorFactory(
        code="HH COST", title="Spend on help", unit_kind="money", polarity="lower"
    )
    _values(helped, [200, 250, 240])
    _values(spend, [50000, 50000, 48000])
    CostPairing.objects.create(
        indicator=helped, cost_indicator=spend, measure="spend", set_at=spend.created_at
    )
    red = IndicatorFactory(code="RED 1", title="Repairs on time", polarity="higher")
    _values(red, [60, 40, 41, 39], ["on_target", "off_target", "off_target", "off_target"])
    node = StrategyNodeFactory(code="P1", title="Homes", level=1)
    node.indicators.add(helped, red)
    return helped, spend, red, node


def build(data, **kwargs) -> Pack:
    return pack_from_spec(spec=DefinitionSpec.parse(data), period=Q3, today=TODAY, **kwargs)


def cells(pack: Pack, code: str) -> dict:
    section = pack.sections[0]
    row = next(row for row in section.rows if row.key == code)
    return {column.key: cell for column, cell in zip(section.columns, row.cells, strict=True)}


def test_the_options_are_saved_with_the_version_and_old_versions_read_without(
    in_alpha, people, definition_data
):
    definition = definition_create(user=people.officer, data=definition_data(**OPTIONS))
    spec = definition.versions.get().parsed
    assert (spec.cost, spec.data_quality, spec.persistence) == (True, True, True)
    assert definition.versions.get().spec["persistence"] is True
    # A version saved before the options existed has none of them.
    old = {key: value for key, value in spec.as_data().items() if key not in OPTIONS}
    assert DefinitionSpec.parse(old).extra_columns == ()
    assert DefinitionSpec.parse({**old, "cost": "on"}).extra_columns == ("cost",)


def test_a_pack_without_the_options_has_no_extra_columns(council, definition_data):
    keys = [column.key for column in build(definition_data()).sections[0].columns]
    assert not set(EXTRA) & set(keys)


def test_committee_rows_carry_cost_data_quality_and_the_off_target_run(council, definition_data):
    helped, spend, red, _ = council
    pack = build(definition_data(**OPTIONS))
    keys = [column.key for column in pack.sections[0].columns]
    assert keys[-4:] == EXTRA
    row = cells(pack, "HH 1")
    assert row["cost"].number == Decimal("48000") and row["cost"].unit == "money"
    assert row["cost"].text == "£48,000" and "HH COST" in row["cost"].note
    assert row["unit_cost"].number == Decimal("200") and row["unit_cost"].decimals == 2
    assert row["unit_cost"].text == "£200.00"
    assert "no change" in row["unit_cost"].note
    expected = quality_by_indicator([helped])[helped.id].summary
    assert row["data_quality"].text == expected
    assert expected.split(" ")[0] in ("Good", "Some", "Poor", "Not")
    assert row["off_target_run"].text == "Not off target"
    # A PI with no cost measure: dashes, never a zero.
    red_row = cells(pack, "RED 1")
    assert red_row["cost"].number is None and red_row["cost"].text == "—"
    assert red_row["off_target_run"].text == "Off target 3 periods in a row"


def test_the_off_target_run_is_as_of_the_packs_period(council, definition_data):
    pack = pack_from_spec(
        spec=DefinitionSpec.parse(definition_data(persistence=True)),
        period="2024/25 Q2",
        today=TODAY,
    )
    assert cells(pack, "RED 1")["off_target_run"].text == "Off target 2 periods in a row"


def test_the_priorities_layout_carries_them_after_its_own_columns(council, definition_data):
    *_, node = council
    pack = build(
        definition_data(
            layout="priorities", scope="priorities", strategy_node_ids=[node.pk], **OPTIONS
        )
    )
    keys = [column.key for column in pack.sections[0].columns]
    assert keys[-5:] == ["status", *EXTRA]
    assert cells(pack, "HH 1")["unit_cost"].number == Decimal("200")
    assert cells(pack, "RED 1")["off_target_run"].text == "Off target 3 periods in a row"


def test_a_frozen_pack_keeps_the_figures_in_its_json(council, people, definition_data):
    definition = definition_create(user=people.officer, data=definition_data(**OPTIONS))
    pack = pack_build(definition=definition, period=Q3, today=TODAY)
    again = Pack.from_json(pack.to_json())
    assert again == pack
    assert cells(again, "HH 1")["unit_cost"].number == Decimal("200")
    assert cells(again, "RED 1")["off_target_run"].text == "Off target 3 periods in a row"


@pytest.fixture
def pack(council, definition_data):
    return build(definition_data(**OPTIONS))


def test_pdf_text_holds_the_extra_columns(pack):
    content = render(pack, "pdf").content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    flat = " ".join(text.split())
    for words in ("Unit cost", "Data quality", "Off target in a row", "£48,000", "£200.00"):
        assert words in flat, words
    assert "Off target 3 periods in a" in flat


def test_word_tables_hold_the_extra_columns(pack):
    document = Document(io.BytesIO(render(pack, "docx").content))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    header = next(row for row in rows if "Unit cost" in row)
    assert header[-4:] == ["Cost", "Unit cost", "Data quality", "Off target in a row"]
    helped = next(row for row in rows if row[0] == "HH 1")
    assert helped[-4].startswith("£48,000") and helped[-3].startswith("£200.00")
    red = next(row for row in rows if row[0] == "RED 1")
    assert red[-1] == "Off target 3 periods in a row"


def test_excel_keeps_money_as_numbers_with_the_pound(pack):
    book = load_workbook(io.BytesIO(render(pack, "xlsx").content))
    sheet = book[pack.sections[0].title]
    rows = list(sheet.iter_rows())
    header_at = next(i for i, row in enumerate(rows) if any(c.value == "Unit cost" for c in row))
    headings = [cell.value for cell in rows[header_at]]
    helped = next(row for row in rows[header_at + 1 :] if "HH 1" in [c.value for c in row])
    spent = helped[headings.index("Cost")]
    unit = helped[headings.index("Unit cost")]
    assert spent.value == 48000 and "£" in spent.number_format
    assert unit.value == 200 and "£" in unit.number_format and "0.00" in unit.number_format
    red = next(row for row in rows[header_at + 1 :] if "RED 1" in [c.value for c in row])
    assert red[headings.index("Off target in a row")].value == "Off target 3 periods in a row"
    assert red[headings.index("Cost")].value is None


def test_csv_holds_the_extra_columns(pack):
    text = render(pack, "csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    helped = next(row for row in rows if row["Code"] == "HH 1")
    assert Decimal(helped["Cost"]) == Decimal("48000")
    assert Decimal(helped["Unit cost"]) == Decimal("200")
    assert helped["Data quality"]
    red = next(row for row in rows if row["Code"] == "RED 1")
    assert red["Off target in a row"] == "Off target 3 periods in a row"


def test_the_form_page_saves_the_options_and_the_pack_page_shows_them(
    council, org_a, people, client_for
):
    from goldenthread.platform.reporting.models import ReportDefinition

    officer = client_for(org_a, user=people.officer)
    form = officer.get("/reports/new/").content.decode()
    assert "Show the cost beside each PI" in form and 'name="persistence"' in form
    saved = officer.post(
        "/reports/new/",
        {
            "title": "With cost",
            "layout": "committee",
            "scope": "all",
            "sections": ["pis"],
            "approved_only": "on",
            "red_periods": "3",
            "cost": "on",
            "data_quality": "on",
            "persistence": "on",
        },
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    definition = ReportDefinition.objects.get()
    assert {key: definition.versions.get().spec[key] for key in OPTIONS} == OPTIONS
    client = client_for(org_a, user=people.councillor)
    detail = client.get(f"/reports/{definition.pk}/").content.decode()
    assert "Cost, Data quality, Off target in a row" in detail
    page = client.get(f"/reports/{definition.pk}/pack/", {"period": Q3})
    assert page.status_code == 200
    html = page.content.decode()
    for words in ("Unit cost", "Data quality", "Off target in a row", "£48,000", "£200.00"):
        assert words in html, words
    assert "Off target 3 periods in a row" in html


def test_rest_saves_the_options_as_a_version_and_previews_the_figures(
    council, org_a, people, client_for, definition_data
):
    api = "/api/v1/reporting/definitions/"
    created = client_for(org_a, user=people.officer).post(
        api, definition_data(**OPTIONS), content_type="application/json"
    )
    assert created.status_code == 201, created.json()
    assert {key: created.json()["version"]["spec"][key] for key in OPTIONS} == OPTIONS
    pk = created.json()["id"]
    # A councillor reads the pack; a bad option is refused naming it.
    answer = client_for(org_a, user=people.councillor).get(f"{api}{pk}/preview/", {"period": Q3})
    assert answer.status_code == 200
    assert cells(Pack.from_json(answer.json()), "HH 1")["unit_cost"].number == Decimal("200")
    refused = client_for(org_a, user=people.officer).post(
        api, definition_data(cost="maybe"), content_type="application/json"
    )
    assert refused.status_code == 400, refused.json()
    assert "cost" in str(refused.json()), refused.json()


def test_the_query_count_does_not_grow_with_costed_pis(council, definition_data):
    *_, node = council
    spend = council[1]
    data = definition_data(**OPTIONS)
    counted = []
    for batch in (range(2), range(2, 12)):
        for number in batch:
            pi = IndicatorFactory(code=f"N{number:03d}", unit_kind="number")
            _values(pi, [10, 20, 30], ["off_target", "off_target", "on_target"])
            CostPairing.objects.create(
                indicator=pi, cost_indicator=spend, measure="spend", set_at=spend.created_at
            )
        build(data)
        with CaptureQueriesContext(connection) as queries:
            build(data)
        counted.append(len(queries))
    assert counted[0] == counted[1], counted
    with CaptureQueriesContext(connection) as plain:
        build(definition_data())
    # Cost: the pairings and the cost PIs' report; data quality: up to four; persistence: two.
    assert len(plain) < counted[0] <= len(plain) + 1 + 10 + 4 + 2, (len(plain), counted)
