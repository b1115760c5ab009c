"""The factories build valid rows of the main models, in the schema the test is on."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.db import connection
from django_tenants.utils import schema_context

from tests.factories import (
    PASSWORD,
    ActionFactory,
    ClubFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    OrganisationFactory,
    PartnershipFactory,
    RiskFactory,
    StrategyNodeFactory,
    TargetFactory,
    UserFactory,
)


def test_tenant_factories_write_in_the_organisations_schema(org_a, org_b):
    with schema_context(org_a.schema_name):
        manager = UserFactory(roles=["manager"], full_name="Mo Manager")
        value = IndicatorValueFactory(
            period="2024/25 Q2", value=Decimal("61.5"), status="on_target"
        )
        target = TargetFactory(indicator=value.indicator, period="2024/25 Q2", value=Decimal("60"))
        action = ActionFactory(managed_by=manager, state="completed")
        risk = RiskFactory(current_likelihood=4, current_impact=5)
        node = StrategyNodeFactory()
        for row in (manager, value, target, action, risk, node):
            row.full_clean()
        assert manager.has_role("manager") and authenticate(
            username=manager.email, password=PASSWORD
        )
        assert (value.period_type, str(value.period_start)) == ("quarter", "2024-07-01")
        assert target.indicator_id == value.indicator_id
        assert action.completed_on is not None and action.plan.pk
        assert risk.current_score == 20 and risk.register.pk
        codes = {IndicatorFactory().code for _ in range(3)}
        assert len(codes) == 3  # unique codes from a sequence
    with schema_context(org_b.schema_name):
        # Beta's schema holds none of Alpha's rows.
        assert not type(manager).objects.filter(email=manager.email).exists()


def test_shared_factories_write_partnerships_and_clubs_in_public(org_a, org_b):
    connection.set_schema_to_public()
    partnership = PartnershipFactory(lead_organisation=org_a, members=[org_b])
    club = ClubFactory(members=[org_a, OrganisationFactory()])
    assert {(m.organisation_id, m.role) for m in partnership.members.all()} == {
        (org_a.id, "lead"),
        (org_b.id, "member"),
    }
    assert club.memberships.count() == 3 and club.anonymised
    assert club.memberships.filter(organisation=club.administering_organisation).exists()


@pytest.mark.parametrize("factory", [ActionFactory, RiskFactory])
def test_each_planning_factory_builds_a_fresh_parent(org_a, factory):
    with schema_context(org_a.schema_name):
        first, second = factory(), factory()
        parent = "plan_id" if factory is ActionFactory else "register_id"
        assert getattr(first, parent) != getattr(second, parent)
