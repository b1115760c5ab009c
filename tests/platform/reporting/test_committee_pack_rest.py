"""Issue #12's "done when" over REST, with the real broker and worker: a performance officer
creates a definition by priority, previews its pack, downloads it as PDF, Word, Excel and CSV
(each parsed: the same figures, the draft value marked in every one), freezes it for two
committees (202, the run polled until the worker is done) and reads what changed since the
previous pack; a councillor may read and download but not freeze.

No test transaction here: the worker reads committed data, removed at the end."""

from __future__ import annotations

import csv
import io
import time
import uuid
from decimal import Decimal

from django.test import Client
from django_tenants.utils import schema_context
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import host_of
from tests.platform.reporting.test_scheduled_distribution import _remove

API = "/api/v1/reporting/"
Q1, Q2 = "2024/25 Q1", "2024/25 Q2"
FIGURES = {
    "1": ("70", "81.5", "approved"),
    "2": ("78", "62.5", "approved"),
    "3": ("79", "44.5", "draft"),
}


def _client(org, user, blocker) -> Client:
    client = Client(HTTP_HOST=host_of(org))
    with blocker.unblock(), schema_context(org.schema_name):
        client.force_login(user)
    return client


def _remove_packs(definition_id: int) -> None:
    from goldenthread.platform.reporting.models import FrozenPack, FrozenPackFile, PackRun

    PackRun.objects.filter(definition_id=definition_id).delete()
    FrozenPackFile.objects.filter(frozen_pack__definition_id=definition_id).delete()
    # Newest first: each pack points at the one before it.
    packs = FrozenPack.objects.filter(definition_id=definition_id).order_by("-pk")
    for pk in packs.values_list("pk", flat=True):
        FrozenPack.objects.filter(pk=pk).delete()


def _freeze(client, definition_id, period, committee, meeting_date) -> int:
    answer = client.post(
        f"{API}definitions/{definition_id}/freeze/",
        {"period": period, "committee": committee, "meeting_date": meeting_date},
        content_type="application/json",
    )
    assert answer.status_code == 202, answer.content
    run_id = answer.json()["id"]
    deadline = time.monotonic() + 120
    while True:
        run = client.get(f"{API}runs/{run_id}/").json()
        if run["status"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert run["status"] == "done", run
    return run["frozen_pack"]


def test_the_committee_pack_flow_through_rest(
    session_organisations, celery_worker, django_db_blocker
):
    from goldenthread.platform.accounts.services import user_create
    from goldenthread.platform.indicators.models import ServiceArea
    from goldenthread.platform.reporting.models import FrozenPack
    from tests.factories import (
        IndicatorFactory,
        IndicatorValueFactory,
        StrategyNodeFactory,
        TargetFactory,
    )

    org = session_organisations["alpha"]
    tag = uuid.uuid4().hex[:6].upper()
    codes = {suffix: f"R{tag}{suffix}" for suffix in FIGURES}
    with django_db_blocker.unblock(), schema_context(org.schema_name):
        officer = user_create(
            email=f"rest-po-{tag.lower()}@alpha.example",
            full_name="Rest Officer",
            roles=["performance_officer"],
        )
        councillor = user_create(
            email=f"rest-cllr-{tag.lower()}@alpha.example",
            full_name="Rest Councillor",
            roles=["councillor"],
        )
        node = StrategyNodeFactory(code=f"RP{tag}", title=f"Thriving places {tag}", level=1)
        area = ServiceArea.objects.create(name=f"Rest area {tag}")
        for suffix, (q1, q2, workflow) in FIGURES.items():
            pi = IndicatorFactory(code=codes[suffix], title=f"Measure {suffix}", service_area=area)
            node.indicators.add(pi)
            IndicatorValueFactory(
                indicator=pi, period=Q1, value=Decimal(q1), workflow_status="approved"
            )
            IndicatorValueFactory(
                indicator=pi, period=Q2, value=Decimal(q2), workflow_status=workflow
            )
            for period in (Q1, Q2):
                TargetFactory(indicator=pi, period=period, value=Decimal("75"))
    definition_id = None
    # The requests run in this thread, outside a test transaction: committed, as the worker reads.
    with django_db_blocker.unblock():
        try:
            client = _client(org, officer, django_db_blocker)
            created = client.post(
                f"{API}definitions/",
                {
                    "title": f"Rest pack {tag}",
                    "layout": "committee",
                    "scope": "priorities",
                    "strategy_node_ids": [node.pk],
                    "approved_only": False,
                    "sections": [{"kind": "pis", "title": "Indicators", "narrative": "Steady."}],
                },
                content_type="application/json",
            )
            assert created.status_code == 201, created.content
            definition_id = created.json()["id"]

            # Preview: the Pack's JSON, the draft marked.
            preview = client.get(
                f"{API}definitions/{definition_id}/preview/", {"period": Q2}
            ).json()
            assert preview["includes_unapproved"] is True
            section = preview["sections"][0]
            rows = {row["key"]: row for group in section["groups"] for row in group["rows"]}
            assert set(rows) == set(codes.values())
            value_at = [c["key"] for c in section["columns"]].index("value")
            assert rows[codes["3"]]["cells"][value_at]["unapproved"] is True
            assert rows[codes["1"]]["cells"][value_at]["unapproved"] is False

            files = {}
            for fmt in ("pdf", "docx", "xlsx", "csv"):
                answer = client.get(
                    f"{API}definitions/{definition_id}/preview/{fmt}/", {"period": Q2}
                )
                assert answer.status_code == 200, (fmt, answer.content[:300])
                files[fmt] = answer.content
            pdf_text = " ".join(
                " ".join(p.extract_text().split())
                for p in PdfReader(io.BytesIO(files["pdf"])).pages
            )
            word_cells = {
                row.cells[0].text: row.cells[2].text
                for table in Document(io.BytesIO(files["docx"])).tables
                for row in table.rows
            }
            sheet = load_workbook(io.BytesIO(files["xlsx"])).worksheets[2]
            header = next(r for r in sheet.iter_rows(values_only=True) if r and "Code" in r)
            excel = {
                r[header.index("Code")]: r
                for r in sheet.iter_rows(values_only=True)
                if r and r[header.index("Code")] in codes.values()
            }
            lines = {
                r["Code"]: r
                for r in csv.DictReader(io.StringIO(files["csv"].decode("utf-8-sig")))
                if r.get("Code")
            }
            for suffix, code in codes.items():
                figure = FIGURES[suffix][1]
                assert code in pdf_text and f"{figure}%" in pdf_text
                assert word_cells[code].startswith(f"{figure}%")
                assert excel[code][header.index("Value")] == float(figure)
                assert float(lines[code]["Value"]) == float(figure)
            draft = codes["3"]
            assert "44.5% Draft, not yet approved" in pdf_text
            assert word_cells[draft] == "44.5% (Draft, not yet approved)"
            assert "Value" in (excel[draft][-1] or "") and not excel[codes["1"]][-1]
            assert "Value" in lines[draft]["Not yet approved"]

            # A councillor reads but cannot freeze; the officer freezes for two committees.
            reader = _client(org, councillor, django_db_blocker)
            refused = reader.post(
                f"{API}definitions/{definition_id}/freeze/",
                {"period": Q2, "committee": "Cabinet", "meeting_date": "2024-11-20"},
                content_type="application/json",
            )
            assert refused.status_code == 403
            first = _freeze(client, definition_id, Q1, f"Scrutiny {tag}", "2024-08-20")
            second = _freeze(client, definition_id, Q2, f"Cabinet {tag}", "2024-11-20")

            compared = reader.get(f"{API}packs/{second}/compare/").json()
            assert compared["previous"] == first
            changed = {row["key"]: row for row in compared["comparison"]["sections"][0]["changed"]}
            value = next(c for c in changed[codes["2"]]["cells"] if c["column"] == "value")
            assert (value["before"], value["after"]) == ("78.0%", "62.5%")
            frozen_pdf = reader.get(f"{API}packs/{second}/download/pdf/")
            assert frozen_pdf.status_code == 200 and frozen_pdf.content.startswith(b"%PDF")
            listed = reader.get(f"{API}packs/", {"definition": definition_id}).json()
            assert [p["id"] for p in listed] == [second, first]
            with django_db_blocker.unblock(), schema_context(org.schema_name):
                assert FrozenPack.objects.filter(definition_id=definition_id).count() == 2
        finally:
            with schema_context(org.schema_name):
                if definition_id:
                    _remove_packs(definition_id)
                    _remove(definition_id, [])
                for person in (officer, councillor):
                    person.delete()
