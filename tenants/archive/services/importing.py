"""Importing an archive into a NEW organisation: all or nothing.

Everything about the archive is checked before anything is written: its ZIP directory
(names the format allows, sizes, compression ratios, duplicates), its manifest (format,
version, the list of files), every member's SHA-256 and size, its tables and columns against
this platform's models, and its migration history against the template schema's. Then ONE
transaction creates the organisation's row, its schema (cloned from the template), its host,
loads every table with COPY (column names checked against each CSV's header by PostgreSQL's
`HEADER MATCH`), checks the row counts, puts the uploaded files in place and records the
import. Any failure rolls all of it back — PostgreSQL's DDL is transactional, so the schema
goes too — and removes the files already written.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, transaction
from django_tenants.utils import schema_context

from goldenthread.tenants.models import Domain, Organisation, PlatformAuditAction
from goldenthread.tenants.services import (
    _organisation_errors,
    organisation_host,
    platform_audit_record,
    schema_name_for,
)
from goldenthread.tenants.template_schema import (
    clone_template_into,
    ensure_template_schema,
    template_schema_name,
)

from ..domain import format as fmt
from ..errors import ArchiveRefused
from ..selectors.coverage import archive_tables
from .exporting import _quoted

MAX_JSON_MEMBER_BYTES = 64 * 1024 * 1024


def import_limits() -> fmt.Limits:
    overrides = getattr(settings, "ARCHIVE_IMPORT_LIMITS", {}) or {}
    return fmt.Limits(**overrides)


@dataclass(frozen=True)
class CheckedArchive:
    manifest: dict[str, Any]
    schema: dict[str, Any]
    organisation: dict[str, Any]
    sha256: str


def _refuse(problems: list[str]) -> None:
    if problems:
        raise ArchiveRefused(
            "The archive was refused: "
            + " ".join(problems[:10])
            + (f" (and {len(problems) - 10} more problems)" if len(problems) > 10 else ""),
            extra={"problems": problems},
        )


def _read_json(zf: zipfile.ZipFile, name: str) -> Any:
    info = zf.getinfo(name)
    if info.file_size > MAX_JSON_MEMBER_BYTES:
        _refuse([f"{name} is too large ({info.file_size:,} bytes)."])
    try:
        return json.loads(zf.read(name).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        _refuse([f"{name} is not valid JSON ({exc.__class__.__name__})."])


def _digest_member(zf: zipfile.ZipFile, name: str) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with zf.open(name) as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def check_archive(path: Path, *, limits: fmt.Limits | None = None) -> CheckedArchive:
    """Every check that needs no database write; raises `ArchiveRefused` naming the problems."""
    limits = limits or import_limits()
    path = Path(path)
    try:
        archive_bytes = path.stat().st_size
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ArchiveRefused(f"The file is not a readable ZIP archive ({exc}).") from None
    with zf:
        infos = zf.infolist()
        members = [
            fmt.MemberInfo(
                name=i.filename, compressed=i.compress_size, unpacked=i.file_size, is_dir=i.is_dir()
            )
            for i in infos
        ]
        _refuse(fmt.members_problems(members, archive_bytes=archive_bytes, limits=limits))
        names = {i.filename for i in infos if not i.is_dir()}
        manifest = _read_json(zf, fmt.MANIFEST)
        _refuse(fmt.manifest_problems(manifest, member_names=names))
        problems = []
        try:
            for name, expected in sorted(manifest["files"].items()):
                digest, size = _digest_member(zf, name)
                if size != expected["bytes"] or digest != expected["sha256"]:
                    problems.append(
                        f"{name} does not match its checksum in the manifest: the archive was "
                        "changed or damaged after it was made."
                    )
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            problems.append(f"The archive is damaged ({exc}).")
        _refuse(problems)
        schema = _read_json(zf, fmt.SCHEMA)
        organisation = _read_json(zf, fmt.ORGANISATION)
    _refuse(_schema_problems(schema, manifest))
    if not isinstance(organisation, dict) or not isinstance(organisation.get("schema"), str):
        _refuse(["organisation.json does not describe an organisation."])
    whole = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            whole.update(block)
    return CheckedArchive(
        manifest=manifest, schema=schema, organisation=organisation, sha256=whole.hexdigest()
    )


def _schema_problems(schema: Any, manifest: dict) -> list[str]:
    """The archive's tables and columns must be exactly this platform's: an archive from
    another version of Golden Thread is refused rather than loaded half-right."""
    if not isinstance(schema, dict) or not isinstance(schema.get("tables"), list):
        return ["schema.json does not list the archive's tables."]
    ours = {table.label: table for table in archive_tables()}
    theirs = {}
    for entry in schema["tables"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("model"), str):
            return ["schema.json has a table entry without a model."]
        theirs[entry["model"]] = entry
    problems = []
    for label in sorted(set(ours) - set(theirs)):
        problems.append(f"The archive has no table for {label}.")
    for label in sorted(set(theirs) - set(ours)):
        problems.append(f"The archive has a table for {label}, which this platform does not have.")
    for label in sorted(set(ours) & set(theirs)):
        columns = [c.get("name") for c in theirs[label].get("columns", []) if isinstance(c, dict)]
        if columns != list(ours[label].columns):
            problems.append(f"The columns of {label} differ from this platform's.")
        if theirs[label].get("file") != fmt.table_member(label):
            problems.append(f"schema.json names the wrong file for {label}.")
        if fmt.table_member(label) not in manifest["files"]:
            problems.append(f"The archive has no {fmt.table_member(label)}.")
    if problems:
        problems.insert(0, "The archive was made by a different version of Golden Thread.")
    counts = manifest.get("counts")
    if not isinstance(counts, dict) or set(counts) != set(theirs):
        problems.append("manifest.json's counts do not match the tables of schema.json.")
    return problems


def _migration_problems(manifest: dict, schema_name: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT app, name FROM {_quoted(schema_name)}.django_migrations"  # noqa: S608
        )
        ours = {tuple(row) for row in cursor.fetchall()}
    theirs = {tuple(row) for row in manifest.get("migrations", []) if isinstance(row, list)}
    if ours == theirs:
        return []
    return [
        "The archive was made at a different database version "
        f"({len(theirs - ours)} migrations this platform lacks, {len(ours - theirs)} it has "
        "that the archive lacks): import it on a platform at the same version."
    ]


@transaction.atomic
def organisation_import(
    *,
    archive_path: Path,
    name: str,
    slug: str,
    actor: str,
    checked: CheckedArchive | None = None,
    audit_detail: dict[str, Any] | None = None,
) -> Organisation:
    """Create a new organisation from an archive: same tables and rows (ids included), same
    uploaded files, same audit trails. People come without passwords or MFA: each sets a
    password through "Forgot your password?" (or an administrator's invitation).
    `audit_detail` adds to the audit entry's detail (the console's import run)."""
    checked = checked or check_archive(archive_path)
    source = checked.organisation
    slug = slug.strip().lower()
    organisation = Organisation(
        name=name.strip(),
        slug=slug,
        schema_name=schema_name_for(slug),
        type=source.get("type", ""),
        ons_code="",  # an ONS code belongs to one live organisation; set it by hand if needed
        region=source.get("region", "") or "",
        licensed_modules=list(source.get("licensed_modules") or []),
        mfa_required_for_everyone=bool(source.get("mfa_required_for_everyone")),
    )
    errors = _organisation_errors(organisation)
    if errors:
        raise ValidationError(errors)
    # The new schema is a copy of the template, so the template's history is the one to match.
    ensure_template_schema()
    _refuse(_migration_problems(checked.manifest, template_schema_name()))
    organisation.save()
    clone_template_into(organisation.schema_name)
    Domain.objects.create(domain=organisation_host(slug), tenant=organisation, is_primary=True)

    written: list[str] = []
    try:
        with zipfile.ZipFile(archive_path) as zf:
            _load_tables(zf, organisation.schema_name, checked)
            written = _load_files(zf, organisation.schema_name, checked)
        with schema_context(organisation.schema_name):
            models = [table.model for table in archive_tables()]
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
        ContentType.objects.clear_cache()
        platform_audit_record(
            actor=actor,
            action=PlatformAuditAction.ORGANISATION_IMPORTED,
            organisation=organisation,
            detail={
                "source_organisation": checked.manifest.get("organisation"),
                "archive_created_at": checked.manifest.get("created_at"),
                "archive_sha256": checked.sha256,
                "rows": sum(checked.manifest["counts"].values()),
                "files": len(written),
                **(audit_detail or {}),
            },
        )
    except BaseException:
        for name_written in written:
            default_storage.delete(name_written)
        raise
    return organisation


def _load_tables(zf: zipfile.ZipFile, schema_name: str, checked: CheckedArchive) -> None:
    tables = archive_tables()
    qualified = {t.label: f"{_quoted(schema_name)}.{_quoted(t.table)}" for t in tables}
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        # Foreign keys are DEFERRABLE INITIALLY DEFERRED (Django's default), so tables load
        # in any order and are checked at commit.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        # Rows the template brought (content types, permissions, seeded rows) give way to
        # the archive's, ids included.
        cursor.execute("TRUNCATE " + ", ".join(qualified.values()) + " CASCADE")
        for table in tables:
            columns = ", ".join(_quoted(c) for c in table.columns)
            sql = (
                f"COPY {qualified[table.label]} ({columns}) FROM STDIN "
                "WITH (FORMAT csv, HEADER MATCH, ENCODING 'UTF8')"
            )
            try:
                with zf.open(fmt.table_member(table.label)) as handle, cursor.copy(sql) as copy:
                    for block in iter(lambda h=handle: h.read(1024 * 1024), b""):
                        copy.write(block)
            except Exception as exc:  # psycopg's errors name the line and column
                raise ArchiveRefused(
                    f"{fmt.table_member(table.label)} could not be loaded: "
                    f"{str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__}"
                ) from None
            cursor.execute(f"SELECT count(*) FROM {qualified[table.label]}")  # noqa: S608
            loaded = cursor.fetchone()[0]
            expected = checked.manifest["counts"].get(table.label)
            if loaded != expected:
                raise ArchiveRefused(
                    f"{fmt.table_member(table.label)} holds {loaded} rows; the manifest says "
                    f"{expected}."
                )
        try:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        except Exception as exc:
            raise ArchiveRefused(
                "The archive's rows do not hold together (a reference points at a row that is "
                f"not there): {str(exc).splitlines()[0]}"
            ) from None


def _load_files(zf: zipfile.ZipFile, schema_name: str, checked: CheckedArchive) -> list[str]:
    """Uploaded files move from the source schema's folder to the new one's, and the file
    columns are rewritten to match."""
    source_prefix = checked.organisation["schema"] + "/"
    written: list[str] = []
    try:
        for member in sorted(checked.manifest["files"]):
            if not member.startswith("files/"):
                continue
            old_name = member.removeprefix("files/")
            if not old_name.startswith(source_prefix):
                raise ArchiveRefused(
                    f"{member} is not under the exported organisation's folder ({source_prefix})."
                )
            new_name = schema_name + "/" + old_name.removeprefix(source_prefix)
            saved = default_storage.save(new_name, ContentFile(zf.read(member)))
            written.append(saved)
            if saved != new_name:
                raise ArchiveRefused(
                    f"A file named {new_name} is already stored: remove the stray files of "
                    f"{schema_name} first."
                )
        with connection.cursor() as cursor:
            for table in archive_tables():
                for column in table.file_columns:
                    col = _quoted(column)
                    cursor.execute(
                        f"UPDATE {_quoted(schema_name)}.{_quoted(table.table)} "  # noqa: S608
                        f"SET {col} = %s || substr({col}, %s) WHERE {col} LIKE %s",
                        [
                            schema_name + "/",
                            len(source_prefix) + 1,
                            source_prefix.replace("_", r"\_") + "%",
                        ],
                    )
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return written
