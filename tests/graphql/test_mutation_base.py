"""The mutation base: permissions are declared, and checked before anything is looked up."""

from __future__ import annotations

import graphene
import pytest
from django.core.exceptions import ImproperlyConfigured

from goldenthread.graphql.core.mutations import OrganisationMutation
from tests.shared_indicators.benchmarking.graphql_support import post

pytestmark = pytest.mark.django_db


def test_a_mutation_that_declares_no_permissions_is_refused_when_the_schema_is_built():
    with pytest.raises(ImproperlyConfigured, match="must declare Meta.permissions"):

        class Forgetful(OrganisationMutation):
            ok = graphene.Boolean()

            @classmethod
            def perform(cls, info, *, actor, organisation):
                return cls(ok=True)


def test_the_declared_permission_is_checked_before_the_club_is_looked_up(
    org_a, make_user, client_for
):
    """A councillor is told what they lack, not whether a club exists."""
    client = client_for(org_a, user=make_user(org_a, roles=["councillor"]).user)
    query = 'mutation { benchmarkingClubUpdate(clubId: "999999999", name: "X") { club { id } } }'

    error = post(client, query).json()["errors"][0]

    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["message"] == (
        "Only organisation administrators may run benchmarking clubs or change membership."
    )
