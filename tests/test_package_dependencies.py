"""Shared packages must not depend on tenant packages (read from the source, with `ast`).

The shared packages (`shared_indicators/`, with publication and benchmarking, and
`partnerships/`) live in the public schema; the tenant packages (`platform/indicators/`,
`platform/planning/`) own tables that exist only in each organisation's schema. The rule:

1. At module level, a shared module may import a tenant module only when that module is
   *table-free*: it is not a `models` module and nothing it imports at module level from the
   tenant packages (following each import, and the packages' `__init__` files an import runs)
   is a `models` module. So the tenant's pure rules (`domain`, `choices`) may be shared; its
   models, services and selectors may not. Work that is deliberately run in a member's schema
   (a partnership submission reading the member's PIs) imports inside the function.
2. Publication imports nothing from the tenant packages, not even inside a function: the
   tenant side builds the `ValueSnapshot` and hands it over through the snapshot source it
   registers (`publication.domain.snapshots`), so the dependency points one way only.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
PREFIX = "goldenthread"
FOLDERS = ("platform", "graphql", "tenants", "shared_indicators", "partnerships")
SHARED_FOLDERS = ("shared_indicators", "partnerships")
TENANT_PACKAGES = (
    "goldenthread.platform.indicators",
    "goldenthread.platform.planning",
    "goldenthread.platform.reporting",
)
TENANT_MODELS = tuple(f"{package}.models" for package in TENANT_PACKAGES)
PUBLICATION = "goldenthread.shared_indicators.publication"


def _within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == package or name.startswith(package + ".") for package in packages)


def path_of(module: str) -> Path | None:
    """The source file of a `goldenthread.*` module (a package's `__init__.py`), or None."""
    parts = module.split(".")
    if parts[0] != PREFIX or len(parts) < 2 or parts[1] not in FOLDERS:
        return None
    base = REPO_ROOT.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def module_of(path: Path) -> str:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([PREFIX, *parts])


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.Module, *, module_level: bool):
    """Import statements run on import (module level, including `if`/`try` blocks but not
    `if TYPE_CHECKING:`), or every import statement anywhere."""
    if not module_level:
        yield from (n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom))
        return
    pending = list(tree.body)
    while pending:
        node = pending.pop(0)
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and not _is_type_checking(node):
            pending += node.body + node.orelse
        elif isinstance(node, ast.Try):
            pending += node.body + node.orelse + node.finalbody
            for handler in node.handlers:
                pending += handler.body


def _with_parents(module: str) -> list[str]:
    """Importing a.b.c runs a, a.b and a.b.c."""
    parts = module.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts) + 1)]


@cache
def imports_of(path: Path, *, module_level: bool = True) -> tuple[tuple[str, int], ...]:
    """(module, line) for every `goldenthread.*` module the file's imports run."""
    module = module_of(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: list[tuple[str, int]] = []
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in _import_nodes(tree, module_level=module_level):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # `from pkg import name` imports pkg, and pkg.name when that is a module.
            targets = [base] + [
                f"{base}.{alias.name}" for alias in node.names if path_of(f"{base}.{alias.name}")
            ]
        for target in targets:
            if target.startswith(PREFIX + "."):
                found += [(each, node.lineno) for each in _with_parents(target)]
    return tuple(found)


@cache
def reaches_tenant_models(module: str) -> bool:
    """True when importing this tenant module loads a tenant `models` module (following its
    module-level imports within the tenant packages; import cycles are visited once)."""
    seen, pending = set(), [module]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        if _within(current, TENANT_MODELS):
            return True
        path = path_of(current)
        if path is not None:
            pending += [t for t, _ in imports_of(path) if _within(t, TENANT_PACKAGES)]
    return False


def shared_files() -> list[Path]:
    return sorted(
        path
        for folder in SHARED_FOLDERS
        for path in (REPO_ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
    )


def test_the_scan_sees_the_tenant_models_and_the_table_free_modules():
    # The rule is only as good as the scan: it must tell the two kinds of tenant module apart.
    assert reaches_tenant_models("goldenthread.platform.indicators.models")
    assert reaches_tenant_models("goldenthread.platform.indicators.services.common")
    assert reaches_tenant_models("goldenthread.platform.planning.selectors.actions")
    assert not reaches_tenant_models("goldenthread.platform.indicators.domain.status")
    assert not reaches_tenant_models("goldenthread.platform.indicators.domain.choices")
    assert len(shared_files()) > 50


def test_shared_modules_import_no_tenant_tables_at_module_level():
    offences = [
        f"{path.relative_to(REPO_ROOT)}:{line} imports {target}"
        for path in shared_files()
        for target, line in imports_of(path)
        if _within(target, TENANT_PACKAGES) and reaches_tenant_models(target)
    ]
    assert offences == [], "Shared packages must not depend on tenant tables:\n" + "\n".join(
        sorted(set(offences))
    )


def test_publication_imports_nothing_from_the_tenant_packages_even_inside_functions():
    offences = [
        f"{path.relative_to(REPO_ROOT)}:{line} imports {target}"
        for path in shared_files()
        if _within(module_of(path), (PUBLICATION,))
        for target, line in imports_of(path, module_level=False)
        if _within(target, TENANT_PACKAGES)
    ]
    assert offences == []


@pytest.mark.parametrize("module", [PUBLICATION + ".domain.snapshots", PUBLICATION + ".services"])
def test_the_scan_follows_publications_own_modules(module):
    assert path_of(module) is not None
