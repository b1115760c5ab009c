"""Fixtures shared by the platform's page tests."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.fixtures.pages_data import build_pages_data


@pytest.fixture
def pages_data(org_a):
    """Alpha's demo-like data (`tests.fixtures.pages_data`): a person per role and an item of
    every kind, written in Alpha's schema."""
    connection.set_tenant(org_a)
    data = build_pages_data()
    connection.set_schema_to_public()
    return data
