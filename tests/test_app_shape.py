"""Every app has the same rooms (docs/architecture.md, "The shape of an app").

A newcomer finds each thing where the last one was: models, domain rules, services (writes),
selectors (reads), pages, REST, templates and static files in the same places in every app, and
tests/ mirroring the code tree.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# (folder, app label, folders inside it that are apps of their own)
APPS = [
    ("platform/accounts", "accounts", ()),
    ("platform/indicators", "indicators", ()),
    ("platform/planning", "planning", ()),
    ("platform/notifications", "notifications", ()),
    ("platform/reporting", "reporting", ()),
    ("partnerships", "partnerships", ()),
    ("tenants/support", "support", ()),
    ("shared_indicators", "shared_indicators", ("publication", "benchmarking")),
    ("shared_indicators/publication", "publication", ()),
    ("shared_indicators/benchmarking", "benchmarking", ()),
    ("tenants/archive", "archive", ()),
    ("tenants/deletion", "deletion", ()),
]
ROOM_FILES = {"__init__.py", "apps.py", "permissions.py", "tasks.py", "errors.py", "admin.py"}
ROOM_PACKAGES = {"models", "domain", "services", "selectors", "pages", "rest"}
ROOM_FOLDERS = {"templates", "static", "templatetags", "management", "migrations"}
# Test folders that mirror no single code folder on purpose.
CROSS_CUTTING_TESTS = {"tests/fixtures", "tests/browser"}


def entries(folder: Path) -> list[Path]:
    """What a folder really holds: caches and folders left holding only caches don't count."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.name != "__pycache__"
        and not p.name.startswith(".")
        and (p.is_file() or any(f.is_file() for f in p.rglob("*") if "__pycache__" not in f.parts))
    )


@pytest.mark.parametrize(("folder", "label", "subapps"), APPS)
def test_an_apps_top_level_holds_only_the_rooms(folder, label, subapps):
    unexpected = []
    for entry in entries(ROOT / folder):
        if entry.is_file():
            allowed = entry.name in ROOM_FILES
        else:
            allowed = entry.name in ROOM_PACKAGES | ROOM_FOLDERS | set(subapps)
        if not allowed:
            unexpected.append(entry.name)
    assert unexpected == [], f"{folder} holds {unexpected}: move each into its room"


@pytest.mark.parametrize(("folder", "label", "subapps"), APPS)
def test_the_code_rooms_are_packages(folder, label, subapps):
    for room in ROOM_PACKAGES:
        path = ROOT / folder / room
        if path.exists():
            assert (path / "__init__.py").is_file(), f"{folder}/{room} is not a package"
    assert (ROOT / folder / "models" / "__init__.py").is_file()


@pytest.mark.parametrize(("folder", "label", "subapps"), APPS)
@pytest.mark.parametrize("kind", ["templates", "static"])
def test_templates_and_static_files_sit_under_the_apps_own_namespace(folder, label, subapps, kind):
    path = ROOT / folder / kind
    if not path.exists():
        return
    assert [p.name for p in entries(path)] == [label]


def test_platform_templates_hold_no_apps_templates():
    labels = {label for _, label, _ in APPS}
    assert not labels & {p.name for p in entries(ROOT / "platform" / "templates")}


def test_every_test_folder_mirrors_a_code_folder():
    strays = []
    for folder in sorted((ROOT / "tests").rglob("*")):
        relative = folder.relative_to(ROOT).as_posix()
        if not folder.is_dir() or "__pycache__" in folder.parts:
            continue
        if any(relative == c or relative.startswith(c + "/") for c in CROSS_CUTTING_TESTS):
            continue
        if not any(f.suffix == ".py" for f in folder.iterdir()):
            continue  # a folder of data files for its tests
        code = relative.removeprefix("tests/")
        if not (ROOT / code).is_dir():
            strays.append(relative)
    assert strays == [], f"test folders with no code folder of the same path: {strays}"


def test_tasks_that_moved_keep_their_registered_names():
    # Queued messages and beat entries name tasks by the registered name, not the module.
    from goldenthread.platform.indicators.tasks import import_commit_task, import_preview_task

    old = "goldenthread.platform.indicators.importing.tasks."
    assert import_preview_task.name == old + "import_preview_task"
    assert import_commit_task.name == old + "import_commit_task"
