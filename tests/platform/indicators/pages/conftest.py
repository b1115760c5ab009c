"""Fixtures for the performance pages: quick data set-up (`alpha()` and `as_user(user)` come
from the performance tests' own conftest, one level up).

Data is made inside Alpha's schema; a request moves the connection to the host's schema, so
tests read the database back inside `alpha()` (a schema_context on Alpha).
"""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context


@pytest.fixture
def pi(org_a, people, make_indicator):
    """A quarterly, higher-is-better percentage PI with targets and a year of values."""
    from goldenthread.platform.indicators.services.targets import target_set

    with schema_context(org_a.schema_name):
        indicator = make_indicator(code="PG 1", title="Household waste recycled", valid_maximum=100)
        for period, target in (("2024/25 Q1", "50"), ("2024/25 Q2", "50"), ("2024/25 Q3", "55")):
            target_set(actor=people.officer, indicator=indicator, period_code=period, value=target)
        return indicator


def enter(people, indicator, period, value, *, submit=False, approve=False, commentary=""):
    """Enter (and optionally comment, submit and approve) a value as Alpha's provider."""
    from goldenthread.platform.indicators.services.values import commentary_add, value_enter
    from goldenthread.platform.indicators.services.workflow import value_approve, value_submit

    row = value_enter(actor=people.provider, indicator=indicator, period_code=period, value=value)
    if commentary:
        commentary_add(
            actor=people.provider, indicator=indicator, period_code=period, text=commentary
        )
    if submit or approve:
        row = value_submit(actor=people.provider, value=row)
    if approve:
        row = value_approve(actor=people.verifier, value=row)
    return row
