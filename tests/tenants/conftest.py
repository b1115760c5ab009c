"""Fixtures for provisioning and helpdesk tests: the platform's own row and its staff."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from goldenthread.tenants.models import Domain, Organisation


@pytest.fixture
def public_org(db):
    from goldenthread.tenants.services import ensure_public_organisation

    return ensure_public_organisation()


@pytest.fixture
def staff(public_org, make_user):
    """A helpdesk user: staff in the public schema."""
    return make_user(public_org, email="helpdesk@goldenthread.example", is_staff=True)


@pytest.fixture
def staff_client(staff, client_for):
    return client_for(None, user=staff.user)


@pytest.fixture
def fresh():
    """Re-read an organisation from the database, so a test never mutates the session-wide
    Alpha/Beta instances that other tests share."""

    def read(organisation: Organisation) -> Organisation:
        return Organisation.objects.get(pk=organisation.pk)

    return read


@pytest.fixture
def assert_nothing_provisioned():
    """assert_nothing_provisioned(slug): no row, no schema, no domain for that slug."""

    def check(slug: str) -> None:
        assert not Organisation.objects.filter(slug=slug).exists()
        assert not schema_exists(f"org_{slug.replace('-', '_')}")
        assert not Domain.objects.filter(domain__startswith=f"{slug}.").exists()
        # A rolled-back provisioning must not leave the connection in another schema.
        assert connection.schema_name == "public"

    return check
