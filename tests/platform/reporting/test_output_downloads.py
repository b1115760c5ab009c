"""Downloading a definition's pack as PDF, Word, Excel and CSV through the pack page and REST:
the same figures as the preview, the period chosen, refusals for an unknown format, a pack
too large to draw on request, another organisation's definition and a signed-out visitor."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import override_settings
from django_tenants.utils import schema_context
from openpyxl import load_workbook
from pypdf import PdfReader

from goldenthread.platform.reporting.services import definition_create
from tests.factories import IndicatorFactory, IndicatorValueFactory

PERIOD = "2024/25 Q2"


@pytest.fixture
def definition(org_a, people, definition_data):
    with schema_context(org_a.schema_name):
        pi = IndicatorFactory(code="LIT1", title="Streets free of litter", decimal_places=1)
        IndicatorValueFactory(indicator=pi, period=PERIOD, value=Decimal("91.5"))
        return definition_create(user=people.officer, data=definition_data())


def test_the_pack_page_offers_each_format_for_the_period_shown(
    org_a, people, definition, client_for
):
    client = client_for(org_a, user=people.councillor)
    url = f"/reports/{definition.pk}/pack/"

    html = client.get(url, {"period": PERIOD}).content.decode()
    xlsx = client.get(url, {"period": PERIOD, "download": "xlsx"})
    pdf = client.get(url, {"period": PERIOD, "download": "pdf"})

    for fmt in ("pdf", "docx", "xlsx", "csv"):
        assert f"download={fmt}" in html
    assert "period=2024%2F25+Q2&amp;download=pdf" in html
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="quarterly-performance-2024-25-q2.xlsx"' in xlsx["Content-Disposition"]
    values = [
        cell.value
        for row in load_workbook(io.BytesIO(xlsx.content)).worksheets[2].iter_rows()
        for cell in row
    ]
    assert "LIT1" in values
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "LIT1" in text and "91.5" in text


def test_rest_downloads_each_format(org_a, people, definition, client_for):
    client = client_for(org_a, user=people.officer)
    base = f"/api/v1/reporting/definitions/{definition.pk}/preview"

    answers = {fmt: client.get(f"{base}/{fmt}/", {"period": PERIOD}) for fmt in ("docx", "csv")}

    assert answers["docx"].status_code == 200
    assert answers["docx"]["Content-Type"].endswith("wordprocessingml.document")
    assert "LIT1" in answers["csv"].content.decode("utf-8-sig")


def test_refusals(org_a, org_b, people, definition, client_for, make_user):
    client = client_for(org_a, user=people.officer)
    base = f"/api/v1/reporting/definitions/{definition.pk}/preview"

    unknown = client.get(f"{base}/odt/", {"period": PERIOD})
    page_unknown = client.get(
        f"/reports/{definition.pk}/pack/", {"period": PERIOD, "download": "odt"}
    )
    bad_period = client.get(f"{base}/pdf/", {"period": "soon"})
    with override_settings(REPORTING_SYNC_OUTPUT_MAX_ROWS=0):
        too_large = client.get(f"{base}/pdf/", {"period": PERIOD})
    outsider = make_user(org_b, roles=["performance_officer"]).user
    elsewhere = client_for(org_b, user=outsider).get(
        f"/api/v1/reporting/definitions/{definition.pk}/preview/csv/", {"period": PERIOD}
    )
    anonymous = client_for(org_a).get(f"{base}/csv/", {"period": PERIOD})
    anonymous_page = client_for(org_a).get(
        f"/reports/{definition.pk}/pack/", {"period": PERIOD, "download": "csv"}
    )

    assert unknown.status_code == 400 and "use pdf, docx, xlsx, csv" in unknown.json()["message"]
    assert page_unknown.status_code == 400
    assert bad_period.status_code == 400
    assert too_large.status_code == 400 and too_large.json()["code"] == "pack_too_large"
    assert elsewhere.status_code == 404
    assert anonymous.status_code in (401, 403)
    assert anonymous_page.status_code == 302
