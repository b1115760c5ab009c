"""The organisation archive's format, and the checks an archive must pass before anything is
read from it (pure: no ORM, no settings, no clock).

An archive is a ZIP holding (see docs/archive-format.md, also copied into each archive as
README.md):

    README.md            the format, for people
    manifest.json        format and version, organisation, created at, counts, checksums
    organisation.json    the organisation's own row (name, type, modules, ...)
    schema.json          every table: model, columns (database types), what was withheld
    tables/<app>.<model>.csv   one CSV per table, PostgreSQL's CSV dialect
    files/<path>         uploaded files (evidence), under the path the tables name
    platform_audit.csv   the platform's audit entries about the organisation (information)

Every member except manifest.json is listed in the manifest with its SHA-256 and size; a
member that is missing, extra, a different size or a different digest refuses the archive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

FORMAT_NAME = "goldenthread-organisation-archive"
FORMAT_VERSION = 1

MANIFEST = "manifest.json"
README = "README.md"
SCHEMA = "schema.json"
ORGANISATION = "organisation.json"
PLATFORM_AUDIT = "platform_audit.csv"
FIXED_MEMBERS = (README, SCHEMA, ORGANISATION, PLATFORM_AUDIT)

TABLE_MEMBER = re.compile(r"^tables/[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.csv$")
# A file's path: plain segments of letters, digits and . _ - (and spaces), no "..", no
# leading slash, no backslash or drive letter. Generous enough for uploaded names, which
# Django's storage has already cleaned.
_SEGMENT = r"[A-Za-z0-9_][A-Za-z0-9_. ()+,-]{0,200}"
FILE_MEMBER = re.compile(rf"^files/{_SEGMENT}(/{_SEGMENT}){{0,10}}$")


@dataclass(frozen=True)
class Limits:
    """What an archive may hold before it is read at all (zip bombs, hostile sizes)."""

    max_archive_bytes: int = 2 * 1024**3
    max_unpacked_bytes: int = 20 * 1024**3
    max_members: int = 200_000
    # Compressed-to-unpacked ratio above which one member is refused (a CSV compresses ~10x).
    max_ratio: int = 200
    # Members smaller than this are never refused for their ratio (tiny files compress oddly).
    ratio_floor_bytes: int = 1024 * 1024


def table_member(label: str) -> str:
    """`indicators.indicator` -> `tables/indicators.indicator.csv`."""
    return f"tables/{label}.csv"


def member_name_problem(name: str) -> str | None:
    """Why a member name is not acceptable, or None. Only the names the format defines pass,
    so a hostile name (`../../etc/passwd`, `/abs`, `C:\\x`, a NUL) can never be extracted."""
    if name in FIXED_MEMBERS or name == MANIFEST:
        return None
    if TABLE_MEMBER.match(name):
        return None
    if FILE_MEMBER.match(name) and ".." not in name.split("/"):
        return None
    return f"The archive holds a file with a name the format does not allow: {name!r}."


@dataclass(frozen=True)
class MemberInfo:
    name: str
    compressed: int
    unpacked: int
    is_dir: bool = False


def members_problems(members: list[MemberInfo], *, archive_bytes: int, limits: Limits) -> list[str]:
    """Every problem with the ZIP's directory, read before any member is decompressed."""
    problems: list[str] = []
    if archive_bytes > limits.max_archive_bytes:
        problems.append(
            f"The archive is {archive_bytes:,} bytes; the limit is {limits.max_archive_bytes:,}."
        )
    if len(members) > limits.max_members:
        problems.append(
            f"The archive holds {len(members):,} files; the limit is {limits.max_members:,}."
        )
    seen: set[str] = set()
    total = 0
    for member in members:
        if member.is_dir:
            continue
        problem = member_name_problem(member.name)
        if problem:
            problems.append(problem)
            continue
        if member.name in seen:
            problems.append(f"The archive holds {member.name!r} twice.")
        seen.add(member.name)
        total += member.unpacked
        if member.unpacked > limits.ratio_floor_bytes and member.unpacked > limits.max_ratio * max(
            member.compressed, 1
        ):
            problems.append(
                f"{member.name} unpacks to {member.unpacked:,} bytes from {member.compressed:,}: "
                "refused as a possible zip bomb."
            )
    if total > limits.max_unpacked_bytes:
        problems.append(
            f"The archive unpacks to {total:,} bytes; the limit is {limits.max_unpacked_bytes:,}."
        )
    if MANIFEST not in seen:
        problems.append("The archive has no manifest.json: it is not an organisation archive.")
    return problems


def manifest_problems(manifest: Any, *, member_names: set[str]) -> list[str]:
    """What is wrong with a manifest's shape, its version and its list of files."""
    if not isinstance(manifest, dict):
        return ["manifest.json is not a JSON object."]
    if manifest.get("format") != FORMAT_NAME:
        return [
            f"manifest.json does not describe a {FORMAT_NAME} "
            f"(format is {manifest.get('format')!r})."
        ]
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        return [
            f"The archive is format version {version!r}; this platform reads version "
            f"{FORMAT_VERSION} only."
        ]
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(
        isinstance(v, dict) and isinstance(v.get("sha256"), str) and isinstance(v.get("bytes"), int)
        for v in files.values()
    ):
        return ["manifest.json has no valid list of files with their checksums."]
    problems = []
    listed = set(files)
    present = member_names - {MANIFEST}
    for name in sorted(listed - present):
        problems.append(f"The manifest lists {name}, which is missing from the archive.")
    for name in sorted(present - listed):
        problems.append(f"The archive holds {name}, which the manifest does not list.")
    for name in FIXED_MEMBERS:
        if name not in listed:
            problems.append(f"The archive has no {name}.")
    return problems


# Cells: PostgreSQL's CSV dialect (COPY ... WITH (FORMAT csv, HEADER true)): an unquoted empty
# cell is NULL, a quoted empty cell ("") is the empty string; everything else is the column's
# text form (timestamps with their offset, JSON as text, arrays as {a,b}, booleans t/f).
CSV_OPTIONS = "FORMAT csv, HEADER true, ENCODING 'UTF8'"
