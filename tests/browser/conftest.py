"""Browser tests drive the real live server, which reads only committed data."""

from __future__ import annotations

import uuid

import pytest
from django_tenants.utils import schema_context

from tests.conftest import PASSWORD
from tests.factories import OrganisationUser


@pytest.fixture
def committed_user(session_organisations, django_db_blocker):
    """committed_user("alpha") -> a user committed in that organisation, unique e-mail."""

    def make(slug: str, *, roles=("performance_officer",)) -> OrganisationUser:
        from goldenthread.platform.accounts.services import user_create

        organisation = session_organisations[slug]
        with django_db_blocker.unblock(), schema_context(organisation.schema_name):
            user = user_create(
                email=f"browser-{uuid.uuid4().hex[:10]}@{slug}.example",
                full_name="Browser Tester",
                roles=list(roles),
                password=PASSWORD,
            )
        return OrganisationUser(user=user, organisation=organisation, password=PASSWORD)

    return make
