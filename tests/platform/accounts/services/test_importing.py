"""Inviting many users from a spreadsheet: preview, then all or nothing."""

from __future__ import annotations

import io

import pytest
from django_tenants.utils import schema_context
from openpyxl import Workbook

from goldenthread.platform.accounts.models import Role, User, UserAuditEntry, UserImport
from goldenthread.platform.accounts.services.importing import user_import_commit
from goldenthread.platform.core.errors import DomainError, PermissionDenied
from tests.platform.accounts.user_imports import checked_import

BASE = "http://alpha.localhost/"


def csv_of(*rows: str) -> bytes:
    return ("name,email,roles,access ends\n" + "\n".join(rows) + "\n").encode()


def xlsx_of(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "E-mail address", "Roles", "Access ends"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_three_hundred_users_are_invited_from_an_xlsx_at_once(
    org_a, admin, django_capture_on_commit_callbacks
):
    rows = [
        [f"Person {n:03d}", f"person{n:03d}@alpha-import.example", "Data provider; verifier", None]
        for n in range(250)
    ] + [
        [f"Councillor {n:02d}", f"cllr{n:02d}@alpha-import.example", "councillor", None]
        for n in range(49)
    ]
    from datetime import date

    rows.append(["Ann Auditor", "ann@audit.example", "auditor", date(2099, 3, 31)])
    with schema_context(org_a.schema_name):
        before = User.objects.count()
        preview = checked_import(actor=admin, file_name="people.xlsx", content=xlsx_of(rows))
        assert preview.problems == [] and len(preview.rows) == 300 and preview.can_commit
        assert User.objects.count() == before  # a preview writes no user
        with django_capture_on_commit_callbacks() as emails:
            user_import_commit(actor=admin, user_import=preview, base_url=BASE)
        assert len(emails) == 300
        assert User.objects.count() == before + 300
        person = User.objects.get(email="person007@alpha-import.example")
        assert person.roles == ["data_provider", "verifier"]
        assert not person.has_usable_password()
        auditor = User.objects.get(email="ann@audit.example")
        assert auditor.access_expires_at.date().isoformat() == "2099-03-31"
        assert UserAuditEntry.objects.filter(action="invited").count() == 300
        preview.refresh_from_db()
        assert preview.status == "committed"
        with pytest.raises(DomainError, match="already imported"):
            user_import_commit(actor=admin, user_import=preview, base_url=BASE)


def test_every_bad_row_is_listed_with_its_row_number_and_nothing_is_written(
    org_a, admin, make_user
):
    existing = make_user(org_a, roles=[Role.VERIFIER], email="existing@alpha.example").user
    content = csv_of(
        "Good One,good@alpha.example,verifier,",
        "Bad Role,badrole@alpha.example,verifier;wizard,",
        "Bad Mail,not-an-email,verifier,",
        "Dup,good@alpha.example,manager,",
        f"Existing,{existing.email.upper()},verifier,",
        "No End,aud@alpha.example,auditor,",
        "Bad Date,aud2@alpha.example,auditor,31/02/2099",
        ",noname@alpha.example,verifier,",
    )
    with schema_context(org_a.schema_name):
        before = User.objects.count()
        preview = checked_import(actor=admin, file_name="people.csv", content=content)
        by_row = {}
        for problem in preview.problems:
            by_row.setdefault(problem["row"], []).append(problem["message"])
        assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9]
        assert "wizard" in by_row[3][0]
        assert "not an e-mail address" in by_row[4][0]
        assert "already on row 2" in by_row[5][0]
        assert "already has an account" in by_row[6][0]
        assert "needs an end date" in by_row[7][0]
        assert "is not a date" in by_row[8][0]
        assert "name" in by_row[9][0]
        assert not preview.can_commit
        with pytest.raises(DomainError, match="problems"):
            user_import_commit(actor=admin, user_import=preview, base_url=BASE)
        assert User.objects.count() == before
        assert not UserAuditEntry.objects.exists()


def test_a_row_gone_wrong_since_the_preview_refuses_the_whole_commit(org_a, admin, make_user):
    content = csv_of("One,one@alpha.example,verifier,", "Two,two@alpha.example,verifier,")
    with schema_context(org_a.schema_name):
        preview = checked_import(actor=admin, file_name="people.csv", content=content)
        assert preview.can_commit
    make_user(org_a, roles=[], email="two@alpha.example")  # invited meanwhile
    with schema_context(org_a.schema_name):
        with pytest.raises(DomainError) as refused:
            user_import_commit(actor=admin, user_import=preview, base_url=BASE)
        assert refused.value.extra["problems"] == [
            {"row": 3, "message": "two@alpha.example already has an account here."}
        ]
        assert not User.objects.filter(email="one@alpha.example").exists()


def test_importers_give_roles_they_do_not_hold_and_non_admins_cannot_import(org_a, make_user):
    actor = make_user(org_a, roles=[Role.ORGANISATION_ADMIN]).user
    officer = make_user(org_a, roles=[Role.PERFORMANCE_OFFICER]).user
    content = csv_of("Pat,pat@alpha.example,performance officer,")
    with schema_context(org_a.schema_name):
        preview = checked_import(actor=actor, file_name="p.csv", content=content)
        assert preview.problems == []
        count = UserImport.objects.count()
        with pytest.raises(PermissionDenied):
            checked_import(actor=officer, file_name="p.csv", content=content)
        assert UserImport.objects.count() == count


def test_a_file_without_the_columns_or_not_a_table_is_refused_as_a_whole(org_a, admin):
    with schema_context(org_a.schema_name):
        missing = checked_import(actor=admin, file_name="p.csv", content=b"who,what\na,b\n")
        assert "missing the column(s) 'name', 'email', 'roles'" in missing.problems[0]["message"]
        binary = checked_import(actor=admin, file_name="p.csv", content=b"%PDF-1.4 ...")
        assert "PDF" in binary.problems[0]["message"]
