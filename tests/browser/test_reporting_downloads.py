"""An officer downloads the pack they previewed as PDF, Word, Excel and CSV from the pack page
(Chromium, real live server): each file opens and holds the same PI and value."""

from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.browser.test_reporting_pack import pack_scene  # noqa: F401  (the fixture)
from tests.browser.test_sign_in import sign_in_with_keyboard
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def download(page, name: str) -> bytes:
    with page.expect_download() as caught:
        page.get_by_role("link", name=name).click()
    with open(caught.value.path(), "rb") as file:
        return file.read()


def test_an_officer_downloads_the_previewed_pack_in_every_format(page, live_url, pack_scene):  # noqa: F811
    base = live_url(pack_scene["alpha"])
    tag = pack_scene["tag"]
    sign_in_with_keyboard(page, base, pack_scene["officer"].email, PASSWORD)
    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_role("link", name="New report definition").click()
    page.get_by_label("Title", exact=True).fill(f"Download pack {tag}")
    page.get_by_label("PIs linked to chosen priorities or themes").check()
    page.get_by_label(f"{pack_scene['node'].code} {pack_scene['node'].title}").check()
    page.get_by_role("button", name="Save the definition").click()
    page.get_by_label("Period").select_option("2024/25 Q2")
    page.get_by_role("button", name="Preview the pack").click()
    code = f"L{tag}1"

    pdf = download(page, "PDF file of the pack")
    word = download(page, "Word file of the pack")
    excel = download(page, "Excel file of the pack")
    text_file = download(page, "CSV file of the pack")

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert code in text and "80.0" in text
    cells = [c.text for t in Document(io.BytesIO(word)).tables for r in t.rows for c in r.cells]
    assert code in cells and "80.0%" in cells
    workbook = load_workbook(io.BytesIO(excel))
    values = [c.value for r in workbook.worksheets[2].iter_rows() for c in r]
    assert code in values and 80 in values
    assert code in text_file.decode("utf-8-sig")
