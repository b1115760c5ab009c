"""A frozen pack's PDF, downloaded as a reader gets it (the page and REST), read back with a
PDF text extractor: every PI code and frozen value is searchable text, each page is numbered
"Page n of N" and carries content, and a correction made after freezing is not in it."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context
from pypdf import PdfReader

from goldenthread.platform.indicators.models import Commentary, IndicatorValue
from goldenthread.platform.reporting.services import (
    definition_create,
    pack_freeze,
    pack_run_execute,
)
from tests.factories import IndicatorFactory, IndicatorValueFactory, TargetFactory

Q2 = "2024/25 Q2"
# Code -> the approved value frozen (percentages shown with one decimal place).
FROZEN = {"FZ1": "61.5", "FZ2": "72.2", "FZ3": "38.4", "FZ4": "55.6"}
CORRECTED = "13.7"
COMMENTARY = (
    "Performance improved this quarter after the new contract started; the service expects "
    "to meet its target by the year end, subject to staffing and the winter pressures that "
    "usually affect demand in the third quarter."
)


@pytest.fixture
def frozen_and_corrected(org_a, people, definition_data):
    with schema_context(org_a.schema_name):
        for code, value in FROZEN.items():
            indicator = IndicatorFactory(code=code, title=f"Measure {code}")
            IndicatorValueFactory(
                indicator=indicator, period=Q2, value=Decimal(value), workflow_status="approved"
            )
            TargetFactory(indicator=indicator, period=Q2, value=Decimal("50"))
            # A committee's usual commentary: long enough to press on the other columns.
            Commentary.objects.create(
                indicator=indicator, period_code=Q2, author=people.officer, text=COMMENTARY
            )
            # A lower figure the quarter before: each PI's short-term trend reads "Improving".
            IndicatorValueFactory(
                indicator=indicator,
                period="2024/25 Q1",
                value=Decimal(value) - 10,
                workflow_status="approved",
            )
        definition = definition_create(
            user=people.officer, data=definition_data(title="Frozen PDF pack")
        )
        run = pack_freeze(
            user=people.officer,
            definition=definition,
            period=Q2,
            committee="Audit Committee",
            meeting_date=date(2024, 11, 20),
        )
        frozen = pack_run_execute(run_id=run.pk).frozen_pack
        # Corrected after the committee saw the pack: the pack must not change.
        IndicatorValue.objects.filter(indicator__code="FZ1", period_code=Q2).update(
            value=Decimal(CORRECTED)
        )
    return frozen


def pages_text(content: bytes) -> list[str]:
    assert content.startswith(b"%PDF")
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def check_pdf(content: bytes) -> None:
    pages = pages_text(content)
    count = len(pages)
    assert count >= 2  # the cover, then the pack
    whole = "\n".join(pages)
    for code, value in FROZEN.items():
        assert code in whole, code
        assert f"{value}%" in whole, value
    assert CORRECTED not in whole
    # Words whole: a trend never split mid-word to squeeze a column ("Improvin" / "g").
    assert whole.count("Improving") >= len(FROZEN), whole
    assert "Frozen PDF pack" in pages[0]
    # Numbered "Page n of N" from the first page after the cover (which carries none).
    assert "Page 1 of" not in pages[0]
    for number, text in enumerate(pages, start=1):
        if number > 1:
            assert f"Page {number} of {count}" in text, (number, text)
        assert "Data as at" in text  # the running header, on every page
        # No blank page: something besides the running header and the page number.
        body = re.sub(r"Page \d+ of \d+", "", text)
        body = "\n".join(line for line in body.splitlines() if "Data as at" not in line)
        assert len(body.strip()) > 40, (number, text)


def test_the_frozen_pdf_from_the_page_and_rest_holds_the_frozen_figures_only(
    org_a, people, client_for, frozen_and_corrected
):
    frozen = frozen_and_corrected
    client = client_for(org_a, user=people.councillor)
    page = client.get(f"/reports/packs/{frozen.pk}/download/pdf/")
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf"
    assert page["Content-Disposition"].endswith(f'-frozen-{frozen.pk}.pdf"')
    check_pdf(page.content)

    api = client.get(f"/api/v1/reporting/packs/{frozen.pk}/download/pdf/")
    assert api.status_code == 200 and api["Content-Type"] == "application/pdf"
    assert api.content == page.content  # one file, drawn once when frozen
    check_pdf(api.content)

    # The quick formats, drawn on download from the stored JSON, hold the frozen figure too.
    csv = client.get(f"/api/v1/reporting/packs/{frozen.pk}/download/csv/").content.decode()
    assert "61.5" in csv and CORRECTED not in csv


def test_an_unknown_format_and_a_stranger_get_nothing(
    org_a, org_b, people, make_user, client_for, frozen_and_corrected
):
    frozen = frozen_and_corrected
    client = client_for(org_a, user=people.councillor)
    assert client.get(f"/reports/packs/{frozen.pk}/download/exe/").status_code == 404
    assert client.get(f"/api/v1/reporting/packs/{frozen.pk}/download/exe/").status_code == 404
    stranger = client_for(org_b, user=make_user(org_b, roles=["performance_officer"]).user)
    assert stranger.get(f"/reports/packs/{frozen.pk}/download/pdf/").status_code == 404
    assert stranger.get(f"/api/v1/reporting/packs/{frozen.pk}/download/pdf/").status_code == 404
    anonymous = client_for(org_a)
    assert anonymous.get(f"/reports/packs/{frozen.pk}/download/pdf/").status_code == 302
    assert anonymous.get(f"/api/v1/reporting/packs/{frozen.pk}/download/pdf/").status_code in (
        401,
        403,
    )
