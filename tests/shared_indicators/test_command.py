"""`goldenthread catalogue import FILE [--dry-run]`: output and exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from goldenthread.shared_indicators.models import CatalogueIndicator
from tests.shared_indicators.helpers import HEADER, csv_bytes
from tests.support import subprocess_environment

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("catalogue", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_reports_counts(prefix, tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_bytes(csv_bytes([[f"{prefix} 1", "T", "number", "higher", "annual"]]))

    out, _ = run("import", str(path))
    assert out.strip() == (
        "catalogue.csv: 1 created, 0 updated (0 with a new version), 0 unchanged."
    )
    assert CatalogueIndicator.objects.filter(code=f"{prefix} 1").exists()

    out, _ = run("import", str(path))
    assert "0 created, 0 updated (0 with a new version), 1 unchanged." in out


def test_dry_run_writes_nothing(prefix, tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_bytes(csv_bytes([[f"{prefix} 1", "T", "number", "higher", "annual"]]))

    out, _ = run("import", str(path), "--dry-run")

    assert "1 created" in out and "dry run: nothing was written" in out
    assert not CatalogueIndicator.objects.filter(code=f"{prefix} 1").exists()


def test_a_bad_file_fails_with_every_problem_listed(prefix, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_bytes(
            [
                [f"{prefix} 1", "T", "number", "higher", "annual"],
                [f"{prefix} 2", "T", "number", "sideways", "annual"],
                [f"{prefix} 1", "T", "number", "higher", "annual"],
            ]
        )
    )
    err = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("catalogue", "import", str(path), stdout=StringIO(), stderr=err)

    assert failed.value.returncode == 1
    assert "nothing was imported" in str(failed.value)
    lines = err.getvalue().splitlines()
    assert any(line.strip().startswith("Row 3, column 'polarity': 'sideways'") for line in lines)
    assert any(line.strip().startswith("Row 4, column 'code':") for line in lines)
    assert not CatalogueIndicator.objects.filter(code__startswith=prefix).exists()


def test_a_missing_file_fails_clearly(tmp_path):
    with pytest.raises(CommandError, match="There is no file at"):
        run("import", str(tmp_path / "missing.csv"))


def _goldenthread(*args: str) -> subprocess.CompletedProcess:
    """The real console script, against this run's test database."""
    env = subprocess_environment()
    script = os.path.join(os.path.dirname(sys.executable), "goldenthread")
    return subprocess.run(
        [script, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_console_script_exits_non_zero_on_a_bad_file_and_zero_on_a_good_one(prefix, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["", "T", "number", "higher", "annual"]]))
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([[f"{prefix} 1", "T", "number", "higher", "annual"]], HEADER))

    refused = _goldenthread("catalogue", "import", str(bad))
    assert refused.returncode == 1
    assert "Row 2, column 'code': code is missing." in refused.stderr
    assert "nothing was imported" in refused.stderr

    checked = _goldenthread("catalogue", "import", str(good), "--dry-run")
    assert checked.returncode == 0, checked.stderr
    assert "good.csv: 1 created" in checked.stdout
