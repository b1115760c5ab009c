"""An export of an organisation re-imports into a new organisation, table by table and row by
row; secrets never leave; a bad archive is refused with nothing written."""

from __future__ import annotations

import json
import zipfile

import pytest
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from goldenthread.platform.accounts.models import User
from goldenthread.platform.indicators.models import Indicator, IndicatorValue, Target
from goldenthread.platform.planning.models import Action, EvidenceDocument, Risk, StrategyNode
from goldenthread.tenants.archive.domain import format as fmt
from goldenthread.tenants.archive.errors import ArchiveRefused
from goldenthread.tenants.archive.selectors.coverage import archive_tables
from goldenthread.tenants.archive.services.exporting import write_archive
from goldenthread.tenants.archive.services.importing import organisation_import
from goldenthread.tenants.models import Organisation, PlatformAuditEvent

from .conftest import seed_demo_content


def _rows(schema: str, table) -> list[tuple]:
    columns = [c for c in table.columns if c not in table.withheld and c not in table.file_columns]
    select = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT {select} FROM "{schema}"."{table.table}" ORDER BY "{table.pk_column}"'  # noqa: S608
        )
        return cursor.fetchall()


@pytest.fixture
def exported(org_a, archive_dirs):
    seed_demo_content(org_a)
    path = archive_dirs / "alpha.zip"
    manifest = write_archive(organisation=org_a, target=path, created_by="admin@alpha.example")
    return path, manifest


def test_an_export_reimports_into_a_new_organisation_with_every_row_the_same(org_a, exported):
    path, manifest = exported

    # When the archive is imported as a new organisation
    imported = organisation_import(
        archive_path=path, name="Alpha Again", slug="alpha-again", actor="cli:test"
    )

    # Then every exported table holds the same rows, column by column (ids included)
    compared = 0
    for table in archive_tables():
        source = _rows(org_a.schema_name, table)
        target = _rows(imported.schema_name, table)
        assert source == target, f"{table.label} differs after the round trip"
        assert len(source) == manifest["counts"][table.label]
        compared += len(source)
    assert compared > 500
    # And the things people care about are there, by name
    with schema_context(org_a.schema_name):
        before = {
            "pis": sorted(Indicator.objects.values_list("code", "title")),
            "values": sorted(
                IndicatorValue.objects.values_list("indicator__code", "period_code", "value")
            ),
            "targets": sorted(
                Target.objects.values_list("indicator__code", "period_code", "value")
            ),
            "actions": sorted(Action.objects.values_list("title", "progress")),
            "risks": sorted(
                Risk.objects.values_list("title", "current_likelihood", "current_impact")
            ),
            "links": sorted(StrategyNode.objects.values_list("code", "indicators__code")),
        }
    with schema_context(imported.schema_name):
        after = {
            "pis": sorted(Indicator.objects.values_list("code", "title")),
            "values": sorted(
                IndicatorValue.objects.values_list("indicator__code", "period_code", "value")
            ),
            "targets": sorted(
                Target.objects.values_list("indicator__code", "period_code", "value")
            ),
            "actions": sorted(Action.objects.values_list("title", "progress")),
            "risks": sorted(
                Risk.objects.values_list("title", "current_likelihood", "current_impact")
            ),
            "links": sorted(StrategyNode.objects.values_list("code", "indicators__code")),
        }
        # the uploaded evidence came too, under the new organisation's folder
        document = EvidenceDocument.objects.get()
        assert document.file.name.startswith(imported.schema_name + "/evidence/")
        with document.file.open("rb") as handle:
            assert handle.read() == b"%PDF-1.4 evidence of the count\n"
        # and people come without passwords
        assert User.objects.count() > 3
        assert not any(user.has_usable_password() for user in User.objects.all())
    assert before == after
    assert before["pis"] and before["values"] and before["targets"]
    assert before["actions"] and before["risks"] and any(code for _, code in before["links"])
    assert PlatformAuditEvent.objects.filter(
        organisation=imported, action="organisation.imported"
    ).exists()


def test_the_archive_holds_no_password_hash_mfa_secret_or_api_key(org_a, make_user, archive_dirs):
    from goldenthread.platform.accounts.services import api_credential_issue

    person = make_user(org_a, roles=["org_admin"], password="a-secret-Passw0rd!")
    with schema_context(org_a.schema_name):
        hashed = User.objects.get(pk=person.user.pk).password
        _credential, raw_key = api_credential_issue(user=person.user, name="integration")
    path = archive_dirs / "alpha.zip"
    write_archive(organisation=org_a, target=path, created_by="t")

    with zipfile.ZipFile(path) as zf:
        everything = b"".join(zf.read(name) for name in zf.namelist())
        users = zf.read("tables/accounts.user.csv").decode()
        schema = json.loads(zf.read("schema.json"))
    assert hashed.encode() not in everything
    assert raw_key.encode() not in everything
    assert _credential.key_hash.encode() not in everything
    assert "tables/accounts.apicredential.csv" not in zf.namelist()
    assert person.user.email in users
    withheld = {entry["model"] for entry in schema["withheld_tables"]}
    assert {"accounts.totpdevice", "accounts.apicredential", "sessions.session"} <= withheld


def test_the_manifest_names_format_counts_and_checksums(org_a, archive_dirs):
    path = archive_dirs / "alpha.zip"
    write_archive(organisation=org_a, target=path, created_by="t")
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        names = set(zf.namelist())
    assert manifest["format"] == fmt.FORMAT_NAME
    assert manifest["format_version"] == fmt.FORMAT_VERSION
    assert manifest["organisation"]["slug"] == "alpha"
    assert set(manifest["files"]) == names - {"manifest.json"}
    assert manifest["counts"]["accounts.user"] >= 1
    assert "README.md" in names


def _rewrite(
    path, *, replace: dict[str, bytes] | None = None, extra: dict[str, bytes] | None = None, drop=()
):
    """A copy of the archive with members replaced, added or left out."""
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    members.update(replace or {})
    members.update(extra or {})
    for name in drop:
        members.pop(name)
    target = path.with_name("changed.zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return target


def _manifest_with(path, **changes) -> bytes:
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    manifest.update(changes)
    return json.dumps(manifest).encode()


def _assert_refused_and_nothing_written(path, words: str):
    with pytest.raises(ArchiveRefused) as refused:
        organisation_import(archive_path=path, name="Imported", slug="imported-one", actor="t")
    assert words in refused.value.message
    assert not Organisation.objects.filter(slug="imported-one").exists()
    assert not schema_exists("org_imported_one")
    return refused.value


@pytest.fixture
def small_archive(org_a, archive_dirs):
    path = archive_dirs / "alpha.zip"
    write_archive(organisation=org_a, target=path, created_by="t")
    return path


def test_a_tampered_table_is_refused_by_its_checksum(small_archive):
    with zipfile.ZipFile(small_archive) as zf:
        users = zf.read("tables/accounts.user.csv")
    tampered = _rewrite(
        small_archive, replace={"tables/accounts.user.csv": users.replace(b"alpha", b"evil!")}
    )
    _assert_refused_and_nothing_written(tampered, "does not match its checksum")


def test_another_format_version_is_refused(small_archive):
    changed = _rewrite(
        small_archive, replace={"manifest.json": _manifest_with(small_archive, format_version=99)}
    )
    _assert_refused_and_nothing_written(changed, "format version 99")


def test_a_missing_table_file_is_refused(small_archive):
    changed = _rewrite(small_archive, drop=["tables/indicators.indicator.csv"])
    _assert_refused_and_nothing_written(
        changed, "tables/indicators.indicator.csv, which is missing"
    )


@pytest.mark.parametrize(
    "hostile",
    ["../../etc/cron.d/evil", "/etc/passwd", "files/../../x", "files\\..\\x", "tables/x.csv"],
)
def test_a_hostile_file_name_is_refused(small_archive, hostile):
    changed = _rewrite(small_archive, extra={hostile: b"boom"})
    _assert_refused_and_nothing_written(changed, "name the format does not allow")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(small_archive, settings):
    settings.ARCHIVE_IMPORT_LIMITS = {"ratio_floor_bytes": 1000}
    changed = _rewrite(
        small_archive, extra={"files/org_alpha/evidence/x/zeros.bin": b"\0" * 5_000_000}
    )
    _assert_refused_and_nothing_written(changed, "possible zip bomb")


def test_an_archive_over_the_unpacked_limit_is_refused(small_archive, settings):
    settings.ARCHIVE_IMPORT_LIMITS = {"max_unpacked_bytes": 10_000}
    _assert_refused_and_nothing_written(small_archive, "unpacks to")


def test_rows_that_do_not_load_roll_everything_back(small_archive):
    # A checksum-valid archive (rebuilt with a fresh manifest) whose table has a bad row.
    with zipfile.ZipFile(small_archive) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    members["tables/indicators.indicator.csv"] = members["tables/accounts.user.csv"]
    manifest = json.loads(members.pop("manifest.json"))
    import hashlib

    manifest["files"] = {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        for name, data in members.items()
    }
    members["manifest.json"] = json.dumps(manifest).encode()
    broken = small_archive.with_name("broken.zip")
    with zipfile.ZipFile(broken, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    error = _assert_refused_and_nothing_written(broken, "could not be loaded")
    assert "tables/indicators.indicator.csv" in error.message


def test_an_archive_from_another_version_of_the_tables_is_refused(small_archive):
    with zipfile.ZipFile(small_archive) as zf:
        schema = json.loads(zf.read("schema.json"))
    schema["tables"][0]["columns"].append({"name": "added_later", "type": "text"})
    data = json.dumps(schema).encode()
    import hashlib

    with zipfile.ZipFile(small_archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    manifest["files"]["schema.json"] = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
    }
    changed = _rewrite(
        small_archive, replace={"schema.json": data, "manifest.json": json.dumps(manifest).encode()}
    )
    _assert_refused_and_nothing_written(changed, "different version of Golden Thread")


def test_a_file_that_is_not_a_zip_is_refused(db, archive_dirs):
    path = archive_dirs / "not.zip"
    path.write_bytes(b"PK\x03\x04 not really")
    _assert_refused_and_nothing_written(path, "not a readable ZIP")


def test_an_import_that_fails_late_removes_the_files_it_wrote(org_a, archive_dirs, monkeypatch):
    seed_demo_content(org_a)
    path = archive_dirs / "alpha.zip"
    write_archive(organisation=org_a, target=path, created_by="t")
    from goldenthread.tenants.archive.services import importing

    def fail(*args, **kwargs):
        raise ArchiveRefused("stopped on purpose")

    monkeypatch.setattr(importing, "platform_audit_record", fail)
    _assert_refused_and_nothing_written(path, "stopped on purpose")
    media = archive_dirs / "media"
    assert [p for p in (media / "org_imported_one").rglob("*") if p.is_file()] == []
    assert [p for p in (media / org_a.schema_name).rglob("*") if p.is_file()]
