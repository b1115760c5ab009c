"""The lock file and pyproject.toml agree: every requirement pyproject.toml names (the
dependencies and the `dev` extra that `make install` installs, with the extras it pulls in)
is locked, at a version inside its range, with hashes. After changing a range: `make lock`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
LOCKED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+?)(?:\s*;\s*(.+?))?\s*\\?$")


def locked_versions(text: str) -> dict[str, tuple[Version, str | None]]:
    """Package name -> (version, marker) of each `name==version` line of a lock."""
    found = {}
    for line in text.splitlines():
        match = LOCKED.match(line)
        if match:
            name, version, marker = match.groups()
            found[canonicalize_name(name)] = (Version(version), marker)
    return found


def installed_requirements(project: dict, extras: tuple[str, ...]) -> list[Requirement]:
    """The project's requirements with those `extras`, following extras of the project itself
    (`goldenthread[embedded]`), for the Python the lock is made for (3.11, on Linux)."""
    name = canonicalize_name(project["name"])
    wanted, seen, requirements = (
        list(extras),
        set(),
        list(map(Requirement, project["dependencies"])),
    )
    while wanted:
        extra = wanted.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for line in project["optional-dependencies"][extra]:
            requirement = Requirement(line)
            if canonicalize_name(requirement.name) == name:
                wanted += requirement.extras
            else:
                requirements.append(requirement)
    environment = {**default_environment(), "python_version": "3.11", "sys_platform": "linux"}
    return [r for r in requirements if r.marker is None or r.marker.evaluate(environment)]


def disagreements(project: dict, lock: str) -> list[str]:
    """What of the project's requirements (with the `dev` extra) the lock does not satisfy."""
    locked = locked_versions(lock)
    problems = []
    for requirement in installed_requirements(project, ("dev",)):
        name = canonicalize_name(requirement.name)
        if name not in locked:
            problems.append(f"{requirement} is not in the lock")
        elif not requirement.specifier.contains(locked[name][0], prereleases=True):
            problems.append(f"{requirement} but the lock has {locked[name][0]}")
    return problems


def test_every_requirement_is_locked_at_a_version_inside_its_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert len(installed_requirements(project, ("dev",))) > 20  # the parsing found them
    problems = disagreements(project, (ROOT / "requirements.lock").read_text())
    assert problems == [], "pyproject.toml and requirements.lock disagree (run `make lock`)"


def test_every_locked_package_has_hashes_and_the_lock_says_how_to_remake_it():
    text = (ROOT / "requirements.lock").read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    assert entries and all("--hash=sha256:" in entry for entry in entries if "==" in entry)
    assert "make lock" in text.split("\n", 2)[1]


def test_a_drift_is_reported():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lock = (ROOT / "requirements.lock").read_text()
    moved = [
        "Django>=9,<10" if line.startswith("Django") else line for line in project["dependencies"]
    ]
    drifted = {**project, "dependencies": [*moved, "a-package-nobody-locked>=1"]}
    assert disagreements(drifted, lock) == [
        f"Django<10,>=9 but the lock has {locked_versions(lock)['django'][0]}",
        "a-package-nobody-locked>=1 is not in the lock",
    ]
