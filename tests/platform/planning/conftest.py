"""Fixtures for the golden thread: build PIs (with a stored latest status), plans, actions and
risks inside an organisation's schema."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.platform.planning.support import Build


@pytest.fixture
def in_org(org_a):
    """Run the test's own ORM calls in Alpha's schema."""
    connection.set_tenant(org_a)
    return org_a


@pytest.fixture
def people(in_org, make_user):
    """One user per role in Alpha, plus spare staff, by name."""
    roles = {
        "admin": ["org_admin"],
        "officer": ["performance_officer"],
        "provider": ["data_provider"],
        "verifier": ["verifier"],
        "manager": ["manager"],
        "councillor": ["councillor"],
        "auditor": ["auditor"],
        "liaison": ["partner_liaison"],
        "staff": [],
        "staff2": [],
    }
    made = {
        name: make_user(in_org, roles=r, full_name=name.title()).user for name, r in roles.items()
    }
    connection.set_tenant(in_org)
    return made


@pytest.fixture
def build(in_org) -> Build:
    return Build()
