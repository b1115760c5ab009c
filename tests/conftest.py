"""Test harness.

The test database is created once per run (pytest-django), migrated by our `migrate` command
(public schema plus the template schema), and two organisations, Alpha and Beta, are
provisioned once, committed, for the whole run. Each test then runs in a transaction that is
rolled back, so tests may create what they like inside either organisation.

Tests that need data visible to another thread or process (the live server, a Celery worker)
use the `committed` helpers, which write outside the test transaction with unique names.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tests.factories import PASSWORD, OrganisationUser, provision_organisation

pytest_plugins = [
    "tests.fixtures.database",
    "tests.fixtures.live",
    "tests.fixtures.worker",
    "tests.fixtures.metrics",
    "tests.fixtures.browser",
    "tests.fixtures.cache",
    "tests.fixtures.oidc",
    "tests.fixtures.saml_idp",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        alpha = provision_organisation(slug="alpha", name="Alpha District Council", type="district")
        beta = provision_organisation(slug="beta", name="Beta District Council", type="district")
    yield {"alpha": alpha, "beta": beta}


@pytest.fixture(scope="session")
def session_organisations(django_db_setup):
    return django_db_setup


@pytest.fixture
def org_a(session_organisations, db):
    return session_organisations["alpha"]


@pytest.fixture
def org_b(session_organisations, db):
    return session_organisations["beta"]


@pytest.fixture(autouse=True)
def _back_to_public_schema():
    yield
    connection.set_schema_to_public()


def host_of(organisation) -> str:
    return organisation.get_primary_domain().domain


@pytest.fixture
def client_for():
    """A test client whose requests go to an organisation's host (or the public host)."""

    def make(organisation=None, *, user=None) -> Client:
        from django.conf import settings

        host = host_of(organisation) if organisation is not None else settings.PLATFORM_DOMAIN
        client = Client(HTTP_HOST=host)
        if user is not None:
            # The session and the last-login stamp live in the organisation's own schema.
            schema = organisation.schema_name if organisation is not None else "public"
            with schema_context(schema):
                client.force_login(user)
        return client

    return make


@pytest.fixture
def make_user():
    """Create a user inside an organisation's schema: make_user(org, roles=[...])."""

    def make(
        organisation, *, roles=(), email=None, password=PASSWORD, **fields
    ) -> OrganisationUser:
        from goldenthread.platform.accounts.services import user_create

        email = email or f"user-{uuid.uuid4().hex[:8]}@{organisation.slug}.example"
        with schema_context(organisation.schema_name):
            user = user_create(
                email=email,
                full_name=fields.pop("full_name", "Test User"),
                roles=list(roles),
                password=password,
                **fields,
            )
        return OrganisationUser(user=user, organisation=organisation, password=password)

    return make
