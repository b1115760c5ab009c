"""The audit trail of an account downloads as CSV and XLSX from its page and REST, for
administrators only; another role and a signed-out visitor are refused."""

from __future__ import annotations

import csv
import io

from django_tenants.utils import schema_context
from openpyxl import load_workbook

from goldenthread.platform.accounts.models import Role
from goldenthread.platform.accounts.services.users import user_update


def test_an_administrator_downloads_an_accounts_changes(org_a, admin, make_user, client_for):
    person = make_user(org_a, roles=[Role.COUNCILLOR], full_name="=cmd|' /C calc'!A0").user
    with schema_context(org_a.schema_name):
        user_update(actor=admin, user=person, roles=[Role.COUNCILLOR, Role.VERIFIER])
    client = client_for(org_a, user=admin)

    page = client.get(f"/users/{person.pk}/")
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client.get(f"/users/{person.pk}/", {"export": "csv"}).streaming_content
                ).decode("utf-8-sig")
            )
        )
    )
    api = client.get(f"/api/v1/accounts/users/{person.pk}/history/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(api.content)).active

    assert "export=csv" in page.content.decode()
    assert rows[0] == ["When", "Who", "What", "Account", "Before", "After"]
    assert rows[1][1] == admin.email
    assert "verifier" in rows[1][5]
    assert sheet.max_row == len(rows)


def test_other_roles_and_visitors_cannot_download_it(org_a, admin, make_user, client_for):
    person = make_user(org_a, roles=[Role.COUNCILLOR]).user
    officer = make_user(org_a, roles=[Role.PERFORMANCE_OFFICER]).user
    client = client_for(org_a, user=officer)
    anonymous = client_for(org_a)

    assert client.get(f"/users/{person.pk}/", {"export": "csv"}).status_code == 403
    api = client.get(f"/api/v1/accounts/users/{person.pk}/history/", {"export": "csv"})
    assert api.status_code == 403
    assert anonymous.get(f"/users/{person.pk}/", {"export": "csv"}).status_code == 302
