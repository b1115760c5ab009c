"""Maps the top-level folders into the one `goldenthread.*` import namespace.

pyproject.toml holds all metadata; this file exists only because setuptools cannot add a
prefix to the packages it discovers, and the mapping has to name every package.
"""

from pathlib import Path

from setuptools import find_packages, setup

ROOT = Path(__file__).parent
# Folders whose top level is a PEP 420 namespace portion (no __init__.py), so that they
# never shadow the standard library's `platform` or graphql-core's `graphql`.
NAMESPACE_FOLDERS = ("platform", "graphql")
PACKAGE_FOLDERS = ("tenants", "shared_indicators", "partnerships")


def mapped_packages() -> tuple[list[str], dict[str, str]]:
    packages: list[str] = []
    package_dir: dict[str, str] = {}
    for folder in NAMESPACE_FOLDERS + PACKAGE_FOLDERS:
        prefix = f"goldenthread.{folder}"
        package_dir[prefix] = folder
        packages.append(prefix)
        packages += [f"{prefix}.{sub}" for sub in find_packages(where=str(ROOT / folder))]
    return packages, package_dir


packages, package_dir = mapped_packages()
setup(packages=packages, package_dir=package_dir)
