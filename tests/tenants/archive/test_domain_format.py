"""The archive's member-name and directory checks (pure)."""

from __future__ import annotations

import pytest

from goldenthread.tenants.archive.domain import format as fmt


@pytest.mark.parametrize(
    "name",
    [
        "manifest.json",
        "tables/indicators.indicatorvalue.csv",
        "files/org_alpha/evidence/0a1b/waste audit (final).pdf",
    ],
)
def test_names_the_format_defines_pass(name):
    assert fmt.member_name_problem(name) is None


@pytest.mark.parametrize(
    "name",
    [
        "../x",
        "/etc/passwd",
        "files/../x",
        "files/a/../../x",
        "files/a\\b",
        "C:/x",
        "tables/../x.csv",
        "tables/x.csv",
        "files/.hidden",
        "files/a\x00b",
        "notes.txt",
    ],
)
def test_hostile_or_unknown_names_are_refused(name):
    assert "does not allow" in fmt.member_name_problem(name)


def test_directory_problems_are_all_named_at_once():
    members = [
        fmt.MemberInfo("manifest.json", 10, 10),
        fmt.MemberInfo("files/a/b", 1000, 10_000_000),
        fmt.MemberInfo("files/a/b", 10, 10),
    ]
    problems = fmt.members_problems(
        members, archive_bytes=5_000, limits=fmt.Limits(max_unpacked_bytes=1_000_000)
    )
    text = " ".join(problems)
    assert "zip bomb" in text and "twice" in text and "unpacks to" in text


def test_a_manifest_of_another_format_or_version_is_refused():
    assert (
        "format version 2"
        in fmt.manifest_problems(
            {"format": fmt.FORMAT_NAME, "format_version": 2}, member_names=set()
        )[0]
    )
    assert "does not describe" in fmt.manifest_problems({"format": "x"}, member_names=set())[0]
