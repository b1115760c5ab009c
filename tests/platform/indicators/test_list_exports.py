"""Downloads of the indicator lists (PIs, a PI's values, the values list, audit trails) as CSV
and XLSX, through the pages and REST: the list's own filters, people and organisation."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from goldenthread.platform.indicators.services.values import value_enter

HOSTILE_TITLE = '=HYPERLINK("http://evil.example","Click")'


@pytest.fixture
def listed(org_a, org_b, people, make_indicator, make_user):
    with schema_context(org_a.schema_name):
        hostile = make_indicator(code="HOS 1", title=HOSTILE_TITLE)
        plain = make_indicator(code="PCT 1", title="Café – satisfaction")
        value_enter(actor=people.provider, indicator=plain, period_code="2024/25 Q1", value="72.46")
        for number in range(2, 8):
            make_indicator(code=f"MORE {number}")
    outsider = make_user(org_b, roles=["performance_officer"]).user
    with schema_context(org_b.schema_name):
        from goldenthread.platform.indicators.services.indicators import indicator_create

        indicator_create(
            actor=outsider,
            code="BETA 1",
            title="Beta only",
            unit_kind="number",
            polarity="higher",
            frequency="quarterly",
        )
    return {"hostile": hostile, "plain": plain, "outsider": outsider}


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def workbook(response):
    return load_workbook(io.BytesIO(response.content))


def test_pi_list_page_downloads_the_filtered_list_as_csv(org_a, people, listed, client_for):
    client = client_for(org_a, user=people.councillor)

    response = client.get("/indicators/", {"q": "PCT", "export": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="indicators-' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:3] == ["Code", "Title", "Service area"]
    assert [row[0] for row in rows[1:]] == ["PCT 1"]
    assert rows[1][1] == "Café – satisfaction"


def test_pi_list_page_shows_download_links_that_keep_the_filters(org_a, people, listed, client_for):
    page = client_for(org_a, user=people.councillor).get("/indicators/", {"q": "PCT", "page": "1"})

    html = page.content.decode()
    assert 'href="?q=PCT&amp;export=csv"' in html
    assert 'href="?q=PCT&amp;export=xlsx"' in html


def test_hostile_title_is_disarmed_in_csv_and_stored_as_text_in_xlsx(
    org_a, people, listed, client_for
):
    client = client_for(org_a, user=people.councillor)

    rows = csv_rows(client.get("/indicators/", {"q": "HOS", "export": "csv"}))
    sheet = workbook(client.get("/indicators/", {"q": "HOS", "export": "xlsx"}))["Indicators"]

    assert rows[1][1] == "'" + HOSTILE_TITLE
    assert sheet["B2"].value == HOSTILE_TITLE
    assert sheet["B2"].data_type == "s"


def test_a_pis_values_download_marks_the_draft_and_keeps_the_number(
    org_a, people, listed, client_for
):
    client = client_for(org_a, user=people.councillor)
    url = f"/indicators/{listed['plain'].pk}/"

    sheet = workbook(client.get(url, {"export": "xlsx"}))["PCT 1"]
    rows = csv_rows(client.get(url, {"export": "csv"}))

    header = [cell.value for cell in sheet[1]]
    value = sheet.cell(row=2, column=header.index("Value") + 1)
    assert value.data_type == "n"
    assert Decimal(str(value.value)) == Decimal("72.5")
    assert value.number_format == '#,##0.0" %"'
    assert sheet.cell(row=2, column=header.index("Approval") + 1).value == "Draft"
    assert rows[1][header.index("Value")] == "72.5"
    assert rows[1][header.index("Approval")] == "Draft"


def test_history_and_rest_audit_downloads(org_a, people, listed, client_for):
    client = client_for(org_a, user=people.officer)
    pk = listed["plain"].pk

    page_rows = csv_rows(client.get(f"/indicators/{pk}/history/", {"export": "csv"}))
    api_rows = csv_rows(client.get(f"/api/v1/indicators/{pk}/audit/", {"export": "csv"}))
    whole = csv_rows(client.get("/api/v1/indicators/audit/", {"export": "csv"}))

    assert page_rows == api_rows
    assert {row[2] for row in page_rows[1:]} >= {"Created", "Value entered"}
    assert {row[3] for row in whole[1:]} >= {"PCT 1", "HOS 1"}


def test_rest_lists_download_with_the_same_filters(org_a, people, listed, client_for):
    client = client_for(org_a, user=people.officer)

    pis = workbook(client.get("/api/v1/indicators/", {"q": "MORE", "export": "xlsx"}))
    values = csv_rows(client.get("/api/v1/indicators/values/", {"export": "csv"}))

    assert pis.sheetnames == ["Indicators"]
    assert pis["Indicators"].max_row == 7  # header + MORE 2..7
    assert [row[0] for row in values[1:]] == ["PCT 1"]


def test_an_unknown_format_is_refused_by_name(org_a, people, listed, client_for):
    client = client_for(org_a, user=people.officer)

    api = client.get("/api/v1/indicators/", {"export": "pdf"})
    page = client.get("/indicators/", {"export": "pdf"})

    assert api.status_code == 400
    assert "use csv or xlsx" in api.json()["message"]
    assert page.status_code == 400


def test_another_organisation_never_appears_and_outsiders_are_refused(
    org_a, org_b, people, listed, client_for
):
    own = csv_rows(client_for(org_a, user=people.officer).get("/indicators/", {"export": "csv"}))
    at_home = client_for(org_b, user=listed["outsider"])
    theirs = csv_rows(at_home.get("/api/v1/indicators/", {"export": "csv"}))
    # Beta's session cookie carried to Alpha's host is nobody there.
    visiting = client_for(org_a)
    visiting.cookies = at_home.cookies

    assert "BETA 1" not in {row[0] for row in own}
    assert [row[0] for row in theirs[1:]] == ["BETA 1"]
    assert visiting.get("/indicators/", {"export": "csv"}).status_code == 302
    assert visiting.get("/api/v1/indicators/", {"export": "csv"}).status_code in (401, 403)
    anonymous = client_for(org_a)
    assert anonymous.get("/indicators/", {"export": "csv"}).status_code == 302
    assert anonymous.get("/api/v1/indicators/", {"export": "csv"}).status_code in (401, 403)


def test_query_count_does_not_grow_with_rows(
    org_a, people, listed, client_for, make_indicator, django_assert_max_num_queries
):
    client = client_for(org_a, user=people.officer)

    def count(url):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"export": "csv"})
            b"".join(response.streaming_content)
        return len(queries)

    before = [
        count(url)
        for url in ("/indicators/", "/api/v1/indicators/values/", "/api/v1/indicators/audit/")
    ]
    with schema_context(org_a.schema_name):
        for number in range(20):
            pi = make_indicator(code=f"EXTRA {number}")
            value_enter(actor=people.provider, indicator=pi, period_code="2024/25 Q1", value="5")
    after = [
        count(url)
        for url in ("/indicators/", "/api/v1/indicators/values/", "/api/v1/indicators/audit/")
    ]

    assert after == before
