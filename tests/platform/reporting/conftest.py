"""Fixtures for reporting: people in each role inside Alpha, and a small council's data.

Tests using `in_alpha` run with the connection on Alpha's schema."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context


@pytest.fixture
def in_alpha(org_a):
    with schema_context(org_a.schema_name):
        yield org_a


@pytest.fixture
def people(org_a, make_user):
    class People:
        officer = make_user(org_a, roles=["performance_officer"], full_name="Olive Officer").user
        admin = make_user(org_a, roles=["org_admin"], full_name="Adam Admin").user
        provider = make_user(org_a, roles=["data_provider"], full_name="Pat Provider").user
        councillor = make_user(org_a, roles=["councillor"], full_name="Cllr Carter").user
        manager = make_user(org_a, roles=["manager"], full_name="Max Manager").user
        auditor = make_user(org_a, roles=["auditor"], full_name="Aud Auditor").user

    return People


@pytest.fixture
def definition_data():
    """The content of a committee definition of every PI (change what a test needs)."""

    def make(**changes):
        data = {
            "title": "Quarterly performance",
            "layout": "committee",
            "scope": "all",
            "sections": [{"kind": "pis", "title": "Indicators", "narrative": "All is well."}],
        }
        data.update(changes)
        return data

    return make
