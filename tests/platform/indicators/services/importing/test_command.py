"""`goldenthread indicators import`: the same checks and all-or-nothing import from the shell."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context

from goldenthread.platform.indicators.models import IndicatorValue


@pytest.fixture
def alpha_pi(org_a, people, make_indicator):
    with schema_context(org_a.schema_name):
        return make_indicator("PI 1")


def run(*args) -> tuple[str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    call_command("indicators", "import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_checks_then_imports_with_commit(org_a, people, alpha_pi, values_csv, tmp_path):
    path = tmp_path / "values.csv"
    path.write_bytes(values_csv({"indicator code": "PI 1", "period": "2024/25 Q1", "value": "5"}))
    args = ["--org", "alpha", "--user", people.provider.email, str(path)]
    out, _ = run(*args)
    assert "1 rows: 1 new, 0 changed" in out and "Checked only" in out
    with schema_context(org_a.schema_name):
        assert IndicatorValue.objects.count() == 0
    out, _ = run(*args, "--commit")
    assert "Imported 1 new and 0 changed values." in out
    with schema_context(org_a.schema_name):
        assert IndicatorValue.objects.get().entered_by == people.provider


def test_the_command_lists_problems_and_imports_nothing(
    org_a, people, alpha_pi, values_csv, tmp_path
):
    path = tmp_path / "values.csv"
    path.write_bytes(
        values_csv(
            {"indicator code": "PI 1", "period": "2024/25 Q1", "value": "5"},
            {"indicator code": "PI 9", "period": "2024/25 Q1", "value": "5"},
        )
    )
    with pytest.raises(CommandError, match="1 problem"):
        run("--org", "alpha", "--user", people.provider.email, str(path), "--commit")
    with schema_context(org_a.schema_name):
        assert IndicatorValue.objects.count() == 0


def test_the_command_refuses_unknown_organisations_users_and_roles(
    org_a, org_b, people, make_user, alpha_pi, values_csv, tmp_path
):
    path = tmp_path / "values.csv"
    path.write_bytes(values_csv({"indicator code": "PI 1", "period": "2024/25 Q1", "value": "5"}))
    with pytest.raises(CommandError, match="--org: No organisation has the slug 'nowhere'"):
        run("--org", "nowhere", "--user", people.provider.email, str(path))
    # A user of Beta is not a user of Alpha
    beta_user = make_user(org_b, roles=["performance_officer"]).user
    with pytest.raises(CommandError, match="--user: there is no active user"):
        run("--org", "alpha", "--user", beta_user.email, str(path), "--commit")
    with pytest.raises(CommandError, match="Only data providers and performance officers"):
        run("--org", "alpha", "--user", people.councillor.email, str(path), "--commit")
    with pytest.raises(CommandError, match="Only performance officers"):
        run("--org", "alpha", "--user", people.provider.email, "--kind", "targets", str(path))
    with schema_context(org_a.schema_name):
        assert IndicatorValue.objects.count() == 0
