"""The agreed interface (DOMAIN_INTERFACE.md) other code is written against: names, enum values
and keyword-only signatures. A rename here breaks services and the API, so it fails here first."""

from __future__ import annotations

import inspect
from decimal import Decimal

import pytest

from goldenthread.platform.core import periods
from goldenthread.platform.indicators import domain
from goldenthread.platform.indicators.domain import calculation, status, targets, trends, validation

KW = inspect.Parameter.KEYWORD_ONLY


def keyword_only(function) -> set[str]:
    return {n for n, p in inspect.signature(function).parameters.items() if p.kind is KW}


@pytest.mark.parametrize(
    ("function", "names"),
    [
        (
            status.assess,
            {"value", "target", "polarity", "tolerance", "decimal_places", "band", "value_state"},
        ),
        (trends.trend, {"current", "previous", "polarity", "decimal_places"}),
        (calculation.calculated_value, {"numerator", "denominator", "factor", "decimal_places"}),
        (
            calculation.roll_up,
            {"rule", "values", "factor", "expected_count", "decimal_places"},
        ),
        (
            targets.profile_annual_target,
            {"annual", "periods", "method", "rollup", "decimal_places"},
        ),
        (validation.check_value, {"unit"}),
        (periods.period_due_date, {"day_of_following_month", "lag_months"}),
    ],
)
def test_domain_functions_take_the_agreed_keyword_arguments(function, names):
    assert keyword_only(function) == names


def test_enum_values_match_the_agreement_and_the_stored_choices():
    from goldenthread.platform.core.choices import Polarity as PolarityChoice

    assert set(status.Polarity) == set(PolarityChoice.values)
    assert [s.value for s in status.Status] == [
        "on_target", "warning", "off_target", "data_only", "missing", "not_due",
        "not_collected", "not_applicable",
    ]  # fmt: skip
    assert [t.value for t in trends.Trend] == [
        "improving", "no_change", "getting_worse", "increasing", "decreasing", "not_comparable",
    ]  # fmt: skip
    assert [r.value for r in calculation.Rollup] == ["sum", "average", "last", "recompute"]
    assert [t.value for t in periods.PeriodType] == [
        "week", "month", "quarter", "tertial", "half", "financial_year", "calendar_year",
        "academic_year",
    ]  # fmt: skip


def test_defaults_match_the_agreement():
    assert status.Tolerance() == status.Tolerance(kind="relative", amount=Decimal("5"))
    assert inspect.signature(status.assess).parameters["value_state"].default == "entered"
    assert issubclass(periods.PeriodError, ValueError)
    assert issubclass(calculation.CalculationError, ValueError)


def test_the_package_exports_every_public_name():
    for name in domain.__all__:
        assert getattr(domain, name) is not None
    assert domain.assess is status.assess
    assert domain.trend is trends.trend
