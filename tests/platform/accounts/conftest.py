from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context


@pytest.fixture
def public_org(db):
    from goldenthread.tenants.services import ensure_public_organisation

    return ensure_public_organisation()


@pytest.fixture
def admin(org_a, make_user):
    """An organisation administrator of Alpha who holds every role (so may give any)."""
    from goldenthread.platform.accounts.models import Role

    return make_user(org_a, roles=list(Role.values), access_expires_at=None).user


@pytest.fixture
def in_a_year():
    return timezone.now() + timedelta(days=365)


@pytest.fixture
def sole_administrator(org_a, make_user):
    """Alpha with exactly one active administrator: every other one is deactivated (inside
    the test's transaction)."""
    from goldenthread.platform.accounts.models import Role, User

    only = make_user(org_a, roles=[Role.ORGANISATION_ADMIN]).user
    with schema_context(org_a.schema_name):
        User.objects.filter(roles__contains=[Role.ORGANISATION_ADMIN]).exclude(pk=only.pk).update(
            is_active=False
        )
    return only
