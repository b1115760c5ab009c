"""`platform/` and `graphql/` must never shadow the standard library or graphql-core."""

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def run_from_repo_root(code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_import_platform_from_repo_root_is_the_standard_library():
    # Given the repository root as the working directory (first on sys.path)
    # When `platform` is imported
    origin = run_from_repo_root("import platform; print(platform.__file__); platform.system()")
    # Then it is the standard library's module, not our folder
    assert origin.endswith("platform.py")
    assert not origin.startswith(str(REPO_ROOT))


def test_import_graphql_from_repo_root_is_graphql_core():
    origin = run_from_repo_root("import graphql; print(graphql.__file__); graphql.GraphQLSchema")
    assert "site-packages" in origin
    assert not origin.startswith(str(REPO_ROOT / "graphql"))


def test_goldenthread_namespace_maps_the_folders():
    printed = run_from_repo_root(
        "import goldenthread.platform.core as c, goldenthread.graphql.core as g, "
        "goldenthread.tenants as t; print(c.__file__); print(g.__file__); print(t.__file__)"
    )
    core, gql, tenants = printed.splitlines()
    assert core == str(REPO_ROOT / "platform" / "core" / "__init__.py")
    assert gql == str(REPO_ROOT / "graphql" / "core" / "__init__.py")
    assert tenants == str(REPO_ROOT / "tenants" / "__init__.py")


def test_namespace_folders_have_no_top_level_init():
    assert not (REPO_ROOT / "platform" / "__init__.py").exists()
    assert not (REPO_ROOT / "graphql" / "__init__.py").exists()
