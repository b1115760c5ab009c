"""Fixtures for the publication pipeline (helpers in `helpers.py`)."""

from __future__ import annotations

import pytest

from goldenthread.shared_indicators.publication.domain.bases import (
    register_basis_provider,
    unregister_basis_provider,
)

from .helpers import Member, TestBases, make_member


@pytest.fixture
def bases():
    provider = TestBases()
    register_basis_provider(provider)
    yield provider
    unregister_basis_provider(provider)


@pytest.fixture
def member(org_a, make_user) -> Member:
    return make_member(org_a, make_user)
