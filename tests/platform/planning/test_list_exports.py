"""Downloads of the action and risk lists (CSV and XLSX) through the pages and REST: the
list's filters, words not codes, hostile text disarmed, another organisation absent, signed
out refused, and a query count that does not grow with the rows."""

from __future__ import annotations

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from tests.factories import ActionFactory, RiskFactory

HOSTILE = "@SUM(1+1)*cmd|' /C calc'!A0"


def csv_rows(response):
    body = b"".join(response.streaming_content)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_action_list_downloads_with_its_filters(in_org, people, client_for):
    ActionFactory(code="ACT-A", title="Fix the roads", progress=40)
    ActionFactory(code="ACT-B", title=HOSTILE)
    client = client_for(in_org, user=people["councillor"])

    page = client.get("/planning/actions/", {"q": "roads"}).content.decode()
    rows = csv_rows(client.get("/planning/actions/", {"q": "roads", "export": "csv"}))
    everything = csv_rows(client.get("/api/v1/planning/actions/", {"export": "csv"}))
    sheet = load_workbook(io.BytesIO(client.get("/planning/actions/", {"export": "xlsx"}).content))[
        "Actions"
    ]

    assert 'href="?q=roads&amp;export=csv"' in page
    assert [row[0] for row in rows[1:]] == ["ACT-A"]
    assert rows[1][8] == "40"
    assert rows[1][10]  # status in words
    hostile = next(row for row in everything if row[0] == "ACT-B")
    assert hostile[1] == "'" + HOSTILE
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert cells["ACT-B"][1].value == HOSTILE and cells["ACT-B"][1].data_type == "s"
    assert cells["ACT-A"][8].value == 40 and cells["ACT-A"][8].data_type == "n"


def test_risk_list_downloads_through_page_and_rest(in_org, people, client_for):
    RiskFactory(code="RISK-A", title="Flooding")
    client = client_for(in_org, user=people["officer"])

    page = csv_rows(client.get("/planning/risks/", {"export": "csv"}))
    api = load_workbook(
        io.BytesIO(client.get("/api/v1/planning/risks/", {"export": "xlsx"}).content)
    )["Risks"]

    assert page[0][:5] == ["Code", "Title", "Register", "Owner", "Current score"]
    assert page[1][0] == "RISK-A" and page[1][4] == "9"
    assert api["A2"].value == "RISK-A" and api["E2"].value == 9


def test_refusals_and_other_organisations(in_org, org_b, people, client_for, make_user):
    ActionFactory(code="ACT-A")
    outsider = make_user(org_b, roles=["performance_officer"]).user
    with schema_context(org_b.schema_name):
        ActionFactory(code="ACT-BETA")
    connection.set_tenant(in_org)

    own = csv_rows(
        client_for(in_org, user=people["officer"]).get(
            "/api/v1/planning/actions/", {"export": "csv"}
        )
    )
    theirs = csv_rows(client_for(org_b, user=outsider).get("/planning/actions/", {"export": "csv"}))
    anonymous = client_for(in_org)
    bad = client_for(in_org, user=people["officer"]).get(
        "/api/v1/planning/risks/", {"export": "docx"}
    )

    assert [row[0] for row in own[1:]] == ["ACT-A"]
    assert [row[0] for row in theirs[1:]] == ["ACT-BETA"]
    assert anonymous.get("/planning/actions/", {"export": "csv"}).status_code == 302
    assert anonymous.get("/api/v1/planning/risks/", {"export": "csv"}).status_code in (401, 403)
    assert bad.status_code == 400


def test_query_count_does_not_grow_with_rows(in_org, people, client_for):
    client = client_for(in_org, user=people["officer"])

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"export": "csv"})
            b"".join(response.streaming_content)
        return len(queries)

    ActionFactory()
    RiskFactory()
    connection.set_tenant(in_org)
    count("/planning/actions/")  # the first request of a session reads and caches settings
    before = [count("/planning/actions/"), count("/api/v1/planning/risks/")]
    connection.set_tenant(in_org)
    for _ in range(15):
        ActionFactory(assigned_to=people["staff"])
        RiskFactory(owner=people["staff"])
    after = [count("/planning/actions/"), count("/api/v1/planning/risks/")]

    assert after == before
