"""Issue #12's "done when", in one go in a real browser with the real worker: a performance
officer builds a definition by priority, previews its pack, downloads it as PDF, Word, Excel
and CSV (each file parsed: the same PIs and figures in all four, the draft value marked in
each), freezes it for one committee and then another, and reads what changed since the
previous pack."""

from __future__ import annotations

import csv
import io
import re
import uuid
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.browser.test_frozen_packs import _cleanup
from tests.browser.test_reporting_downloads import download
from tests.browser.test_sign_in import sign_in_with_keyboard
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

Q1, Q2 = "2024/25 Q1", "2024/25 Q2"
# Per PI (suffix): Q1 value, Q2 value, Q2 workflow; every target is 75 (higher is better).
FIGURES = {
    "1": ("70", "81.5", "approved"),
    "2": ("78", "62.5", "approved"),
    "3": ("79", "44.5", "draft"),  # not yet approved: shown only with its mark
}


@pytest.fixture
def scene(session_organisations, django_db_blocker):
    from goldenthread.platform.accounts.services import user_create
    from goldenthread.platform.indicators.models import ServiceArea
    from tests.factories import (
        IndicatorFactory,
        IndicatorValueFactory,
        StrategyNodeFactory,
        TargetFactory,
    )

    alpha = session_organisations["alpha"]
    tag = uuid.uuid4().hex[:6].upper()
    with django_db_blocker.unblock(), schema_context(alpha.schema_name):
        officer = user_create(
            email=f"e2e-{tag.lower()}@alpha.example",
            full_name=f"Erin Endtoend {tag}",
            roles=["performance_officer"],
            password=PASSWORD,
        )
        node = StrategyNodeFactory(code=f"EP{tag}", title=f"Thriving places {tag}", level=1)
        area = ServiceArea.objects.create(name=f"Places {tag}")
        for suffix, (q1, q2, workflow) in FIGURES.items():
            pi = IndicatorFactory(
                code=f"E{tag}{suffix}", title=f"Measure {suffix}", service_area=area
            )
            node.indicators.add(pi)
            IndicatorValueFactory(
                indicator=pi, period=Q1, value=Decimal(q1), workflow_status="approved"
            )
            IndicatorValueFactory(
                indicator=pi, period=Q2, value=Decimal(q2), workflow_status=workflow
            )
            for period in (Q1, Q2):
                TargetFactory(indicator=pi, period=period, value=Decimal("75"))
    yield {"alpha": alpha, "officer": officer, "node": node, "tag": tag}
    from goldenthread.platform.reporting.models import ReportDefinition

    with django_db_blocker.unblock(), schema_context(alpha.schema_name):
        for pk in ReportDefinition.objects.filter(name__contains=tag).values_list("pk", flat=True):
            _cleanup(pk)


def freeze(page, base, definition_url, period, committee, meeting_date):
    page.goto(definition_url)
    page.get_by_role("link", name="Freeze a pack for a committee").click()
    page.get_by_label("Period").select_option(period)
    page.get_by_label("Committee").fill(committee)
    page.get_by_label("Meeting date").fill(meeting_date)
    page.get_by_role("button", name="Freeze the pack").click()
    page.wait_for_url(f"{base}/reports/runs/*/")
    page.get_by_text("The pack is frozen").wait_for(timeout=60_000)


def test_an_officer_builds_previews_exports_freezes_and_compares_a_committee_pack(
    page, live_url, scene, celery_worker
):
    base = live_url(scene["alpha"])
    node, tag = scene["node"], scene["tag"]
    codes = {suffix: f"E{tag}{suffix}" for suffix in FIGURES}
    draft = codes["3"]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in_with_keyboard(page, base, scene["officer"].email, PASSWORD)

    # Build the definition by priority, including values not yet approved.
    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_role("link", name="New report definition").click()
    page.get_by_label("Title", exact=True).fill(f"Places pack {tag}")
    page.get_by_label("PIs linked to chosen priorities or themes").check()
    page.get_by_label(f"{node.code} {node.title}").check()
    page.get_by_label("Approved values only").uncheck()
    page.get_by_role("button", name="Save the definition").click()
    assert "saved as version 1" in page.locator(".messages").inner_text()
    definition_url = page.url.split("?")[0]

    # Preview it.
    page.get_by_label("Period").select_option(Q2)
    page.get_by_role("button", name="Preview the pack").click()
    assert "Includes unapproved values" in page.locator(".pack-cover").inner_text()
    rows = page.locator("#pack-section-pis tbody tr")
    assert rows.count() == 3
    draft_row = rows.filter(has_text=draft).inner_text()
    assert "44.5%" in draft_row and "not yet approved" in draft_row.lower()

    # Export the same pack four ways; each holds every code and figure, the draft marked.
    pdf = download(page, "PDF file of the pack")
    word = download(page, "Word file of the pack")
    excel = download(page, "Excel file of the pack")
    text_file = download(page, "CSV file of the pack").decode("utf-8-sig")

    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    flat_pdf = re.sub(r"\s+", " ", pdf_text)
    for suffix, code in codes.items():
        assert code in pdf_text and f"{FIGURES[suffix][1]}%" in pdf_text
    assert re.search(r"44\.5% ?Draft, not yet approved", flat_pdf), flat_pdf[-600:]
    assert flat_pdf.count("not yet approved") >= 1

    cells = {
        row.cells[0].text: [cell.text for cell in row.cells]
        for table in Document(io.BytesIO(word)).tables
        for row in table.rows
    }
    for suffix, code in codes.items():
        value = FIGURES[suffix][1]
        assert f"{value}%" in cells[code][2]
    assert cells[draft][2] == "44.5% (Draft, not yet approved)"
    assert "not yet approved" not in cells[codes["1"]][2].lower()

    workbook = load_workbook(io.BytesIO(excel))
    sheet = workbook.worksheets[2]
    header_row = next(r for r in sheet.iter_rows(values_only=True) if r and "Code" in r)
    code_at, value_at = header_row.index("Code"), header_row.index("Value")
    by_code = {
        r[code_at]: r
        for r in sheet.iter_rows(values_only=True)
        if r and r[code_at] in codes.values()
    }
    for suffix, code in codes.items():
        assert by_code[code][value_at] == float(FIGURES[suffix][1])
    assert by_code[draft][-1] and "Value" in by_code[draft][-1]
    assert not by_code[codes["1"]][-1]
    draft_cell = next(
        c for row in sheet.iter_rows() for c in row if c.value == 44.5 and c.column == value_at + 1
    )
    assert "not yet approved" in draft_cell.number_format

    lines = {r["Code"]: r for r in csv.DictReader(io.StringIO(text_file)) if r.get("Code")}
    for suffix, code in codes.items():
        assert float(lines[code]["Value"]) == float(FIGURES[suffix][1])
    assert "Value" in lines[draft]["Not yet approved"]
    assert lines[codes["1"]]["Not yet approved"] == ""

    # Freeze Q1 for scrutiny, then Q2 for cabinet, and read what changed between them.
    freeze(page, base, definition_url, Q1, f"Scrutiny {tag}", "2024-08-20")
    freeze(page, base, definition_url, Q2, f"Cabinet {tag}", "2024-11-20")
    page.get_by_role("link", name="What changed since the previous pack").click()
    page.get_by_role("heading", name="What changed since the previous pack").wait_for()
    changes = page.locator("main").inner_text()
    for suffix, code in codes.items():
        q1, q2, _ = FIGURES[suffix]
        assert code in changes and f"{q1}.0%" in changes and f"{q2}%" in changes
    summary = page.locator("#compare-summary").inner_text()
    assert "Off target" in summary

    # The archive lists both packs; the frozen Q2 pack's own PDF has the same figures.
    page.goto(f"{base}/reports/packs/?committee={tag}")
    archive = page.locator("main").inner_text()
    assert f"Scrutiny {tag}" in archive and f"Cabinet {tag}" in archive
    assert not [e for e in errors if "Content Security Policy" in e]
