"""Every benchmarking mutation, executed: anonymous, another organisation, a user without the
right role, and the allowed role. A refused mutation changes nothing in the database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.services import api_credential_issue
from goldenthread.shared_indicators.benchmarking import services
from goldenthread.shared_indicators.benchmarking.models import (
    Club,
    ClubConsent,
    ClubIndicator,
    ClubMembership,
    ComparatorGroup,
)
from tests import refusals
from tests.shared_indicators.benchmarking.graphql_support import post
from tests.shared_indicators.benchmarking.helpers import ADMIN, make_club, make_indicator, make_org

pytestmark = pytest.mark.django_db


@dataclass
class World:
    """A club run by Alpha (the host's organisation) with one other member and one indicator;
    Beta is not a member."""

    club: Club
    member: object  # the other member (an organisation without a schema)
    indicator: object
    spare_indicator: object
    newcomer: object  # an organisation in no club


@dataclass
class Case:
    mutation: str
    query: str
    variables: Callable[[World], dict]
    done: Callable[[World], bool]
    allowed_roles: tuple[str, ...] = ("org_admin",)
    refused_roles: tuple[str, ...] = ("councillor",)
    given: Callable[[World], None] = field(default=lambda world: None)


def _consent(world: World, org) -> ClubConsent | None:
    return ClubConsent.objects.filter(
        membership__club=world.club,
        membership__organisation=org,
        club_indicator__catalogue_indicator=world.indicator,
        withdrawn_at__isnull=True,
    ).first()


def _give_alpha_consent(world: World) -> None:
    services.consent_give(
        actor=ADMIN,
        organisation=world.club.administering_organisation,
        club=world.club,
        indicator_code=world.indicator.code,
    )


CASES = [
    Case(
        "benchmarkingClubCreate",
        "mutation($name: String!) { benchmarkingClubCreate(name: $name) { club { name } } }",
        lambda world: {"name": "Shire districts (new)"},
        lambda world: Club.objects.filter(name="Shire districts (new)").exists(),
    ),
    Case(
        "benchmarkingClubUpdate",
        """mutation($club: ID!) { benchmarkingClubUpdate(clubId: $club, name: "Renamed",
             minimumMembersWithData: 3) { club { name } } }""",
        lambda world: {"club": str(world.club.id)},
        lambda world: Club.objects.get(pk=world.club.pk).name == "Renamed",
    ),
    Case(
        "benchmarkingClubMemberAdd",
        """mutation($club: ID!, $slug: String!) {
             benchmarkingClubMemberAdd(clubId: $club, organisationSlug: $slug) {
               club { memberCount } } }""",
        lambda world: {"club": str(world.club.id), "slug": world.newcomer.slug},
        lambda world: ClubMembership.objects.filter(
            club=world.club, organisation=world.newcomer, left_at__isnull=True
        ).exists(),
    ),
    Case(
        "benchmarkingClubMemberRemove",
        """mutation($club: ID!, $slug: String!) {
             benchmarkingClubMemberRemove(clubId: $club, organisationSlug: $slug) { ok } }""",
        lambda world: {"club": str(world.club.id), "slug": world.member.slug},
        lambda world: (
            not ClubMembership.objects.filter(
                club=world.club, organisation=world.member, left_at__isnull=True
            ).exists()
        ),
    ),
    Case(
        "benchmarkingClubIndicatorAdd",
        """mutation($club: ID!, $code: String!) {
             benchmarkingClubIndicatorAdd(clubId: $club, indicatorCode: $code) {
               club { indicators { code } } } }""",
        lambda world: {"club": str(world.club.id), "code": world.spare_indicator.code},
        lambda world: ClubIndicator.objects.filter(
            club=world.club, catalogue_indicator=world.spare_indicator
        ).exists(),
    ),
    Case(
        "benchmarkingClubIndicatorRemove",
        """mutation($club: ID!, $code: String!) {
             benchmarkingClubIndicatorRemove(clubId: $club, indicatorCode: $code) {
               club { indicators { code } } } }""",
        lambda world: {"club": str(world.club.id), "code": world.indicator.code},
        lambda world: (
            not ClubIndicator.objects.filter(
                club=world.club, catalogue_indicator=world.indicator
            ).exists()
        ),
    ),
    Case(
        "benchmarkingConsentGive",
        """mutation($club: ID!, $code: String!) {
             benchmarkingConsentGive(clubId: $club, indicatorCode: $code) {
               club { indicators { youConsent } } } }""",
        lambda world: {"club": str(world.club.id), "code": world.indicator.code},
        lambda world: _consent(world, world.club.administering_organisation) is not None,
        allowed_roles=("org_admin", "performance_officer"),
        refused_roles=("councillor", "data_provider", "verifier"),
    ),
    Case(
        "benchmarkingConsentWithdraw",
        """mutation($club: ID!, $code: String!) {
             benchmarkingConsentWithdraw(clubId: $club, indicatorCode: $code) {
               club { indicators { youConsent } } } }""",
        lambda world: {"club": str(world.club.id), "code": world.indicator.code},
        lambda world: _consent(world, world.club.administering_organisation) is None,
        allowed_roles=("org_admin", "performance_officer"),
        refused_roles=("councillor", "data_provider", "verifier"),
        given=_give_alpha_consent,
    ),
    Case(
        "benchmarkingComparatorGroupCreate",
        """mutation($club: ID!, $slugs: [String!]!) {
             benchmarkingComparatorGroupCreate(clubId: $club, name: "Our pair",
                                               memberSlugs: $slugs) {
               club { comparatorGroups { name } } } }""",
        lambda world: {
            "club": str(world.club.id),
            "slugs": [world.club.administering_organisation.slug, world.member.slug],
        },
        lambda world: ComparatorGroup.objects.filter(club=world.club, name="Our pair").exists(),
        refused_roles=("councillor", "performance_officer"),
    ),
]
BY_NAME = {case.mutation: case for case in CASES}


def test_every_mutation_in_the_schema_has_its_cases():
    from goldenthread.graphql.api import schema

    assert set(schema.graphql_schema.mutation_type.fields) == set(BY_NAME)


@pytest.fixture
def world(org_a) -> World:
    member = make_org()
    indicator = make_indicator()
    club = make_club(org_a, [member], indicator, consent=False)
    return World(club, member, indicator, make_indicator(), make_org())


def database_state() -> dict[str, str]:
    """A digest of every table of the public schema, where clubs, consents and the published
    values live (the REST refusal matrix's own measure)."""
    return refusals.database_state("public")


def refused(response, *, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body.get("data") in (None, {}) or all(v is None for v in body["data"].values()), body
    return body["errors"][0]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.mutation)
def test_anonymous_is_refused_and_nothing_changes(case, world, org_a, client_for):
    case.given(world)
    before = database_state()

    response = post(client_for(org_a), case.query, case.variables(world))

    assert refused(response, status=401)["extensions"]["code"] == "UNAUTHENTICATED"
    assert database_state() == before


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.mutation)
def test_another_organisation_is_refused_and_nothing_changes(
    case, world, org_a, org_b, make_user, client_for
):
    """Beta's administrator, on Beta's host, cannot reach Alpha's club (as if it did not
    exist); with nothing to reach (creating a club), Beta's key is refused on Alpha's host."""
    case.given(world)
    beta_admin = make_user(org_b, roles=["org_admin", "performance_officer"])
    before = database_state()

    if case.mutation == "benchmarkingClubCreate":
        with schema_context(org_b.schema_name):
            _, key = api_credential_issue(user=beta_admin.user, name="cross-organisation test")
        response = post(
            client_for(org_a), case.query, case.variables(world), HTTP_AUTHORIZATION=f"Bearer {key}"
        )
        assert refused(response, status=401)["extensions"]["code"] == "UNAUTHENTICATED"
    else:
        response = post(client_for(org_b, user=beta_admin.user), case.query, case.variables(world))
        assert refused(response)["extensions"]["code"] == "NOT_FOUND"

    assert database_state() == before


@pytest.mark.parametrize(
    ("case", "role"),
    [(case, role) for case in CASES for role in case.refused_roles],
    ids=lambda value: value.mutation if isinstance(value, Case) else value,
)
def test_a_user_without_the_role_is_refused_and_nothing_changes(
    case, role, world, org_a, make_user, client_for
):
    case.given(world)
    before = database_state()
    user = make_user(org_a, roles=[role]).user

    response = post(client_for(org_a, user=user), case.query, case.variables(world))

    error = refused(response)
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["message"].startswith("Only organisation administrators")
    assert database_state() == before


@pytest.mark.parametrize(
    ("case", "role"),
    [(case, role) for case in CASES for role in case.allowed_roles],
    ids=lambda value: value.mutation if isinstance(value, Case) else value,
)
def test_the_allowed_role_succeeds(case, role, world, org_a, make_user, client_for):
    case.given(world)
    assert not case.done(world)
    user = make_user(org_a, roles=[role]).user

    response = post(client_for(org_a, user=user), case.query, case.variables(world))

    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    assert body["data"][case.mutation] is not None
    assert case.done(world)


def test_the_public_host_is_refused_before_any_mutation_runs(world, client_for):
    from goldenthread.platform.accounts.services import user_create

    with schema_context("public"):
        staff = user_create(
            email="gql-staff@platform.example",
            full_name="Staff",
            roles=["org_admin"],
            password="correct-horse-battery-staple",
            is_staff=True,
        )
    case = BY_NAME["benchmarkingClubCreate"]
    client = client_for(None, user=staff)  # signing in stamps the staff account's last sign-in
    before = database_state()

    response = post(client, case.query, case.variables(world))

    error = refused(response)
    assert (error["extensions"]["code"], error["extensions"]["reason"]) == (
        "NOT_FOUND",
        "public_host",
    )
    assert database_state() == before
