"""Fixtures for the performance core: people in each role inside Alpha, and PI helpers.

Tests using `in_alpha` run with the connection on Alpha's schema. A test client request moves
the connection to the requested organisation's schema, so API tests read the database back
inside `schema_context(...)`.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_tenants.utils import schema_context


@pytest.fixture
def in_alpha(org_a):
    with schema_context(org_a.schema_name):
        yield org_a


@pytest.fixture
def alpha(org_a):
    """alpha() -> a context manager that puts the connection on Alpha's schema."""
    return lambda: schema_context(org_a.schema_name)


@pytest.fixture
def as_user(org_a, client_for):
    """as_user(user) -> a test client signed in as that Alpha user, on Alpha's host."""
    return lambda user: client_for(org_a, user=user)


@pytest.fixture
def people(org_a, make_user):
    """One user per role in Alpha (plus a second provider and a second verifier)."""

    class People:
        officer = make_user(org_a, roles=["performance_officer"], full_name="Olive Officer").user
        admin = make_user(org_a, roles=["org_admin"], full_name="Adam Admin").user
        provider = make_user(org_a, roles=["data_provider"], full_name="Pat Provider").user
        other_provider = make_user(org_a, roles=["data_provider"], full_name="Pam Other").user
        verifier = make_user(org_a, roles=["verifier"], full_name="Vera Verifier").user
        second_verifier = make_user(org_a, roles=["verifier"], full_name="Vic Verifier").user
        provider_verifier = make_user(
            org_a, roles=["data_provider", "verifier"], full_name="Dual Role"
        ).user
        councillor = make_user(org_a, roles=["councillor"], full_name="Cllr Carter").user
        manager = make_user(org_a, roles=["manager"], full_name="Max Manager").user
        auditor = make_user(org_a, roles=["auditor"], full_name="Aud Auditor").user

    return People


@pytest.fixture
def make_indicator(people):
    """make_indicator(code=..., **fields) -> a local PI in the current schema, created by the
    officer, with `people.provider` and `people.provider_verifier` as data providers."""
    from goldenthread.platform.indicators.services.indicators import indicator_create

    def make(code="PI 1", **fields):
        defaults = {
            "title": f"Indicator {code}",
            "unit_kind": "percentage",
            "polarity": "higher",
            "frequency": "quarterly",
            "decimal_places": 1,
            "data_providers": [people.provider, people.provider_verifier],
        }
        defaults.update(fields)
        return indicator_create(actor=people.officer, code=code, **defaults)

    return make


@pytest.fixture
def catalogue_entry(db):
    """make a national catalogue indicator (public schema; rolled back with the test)."""
    from goldenthread.shared_indicators.models import CatalogueIndicator

    def make(code="NI 195", **fields):
        defaults = {
            "title": "Improved street and environmental cleanliness",
            "definition": "Percentage of land with unacceptable litter.",
            "unit": "percentage",
            "polarity": "lower",
            "frequency": "quarterly",
            "decimal_places": 1,
        }
        defaults.update(fields)
        with schema_context("public"):
            return CatalogueIndicator.objects.create(code=code, **defaults)

    return make


def dec(text: str) -> Decimal:
    return Decimal(text)
