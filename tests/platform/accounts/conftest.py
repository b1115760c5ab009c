from __future__ import annotations

import pytest


@pytest.fixture
def public_org(db):
    from goldenthread.tenants.services import ensure_public_organisation

    return ensure_public_organisation()
