"""The platform's own organisation (the public schema's row, slug "platform") is never a club
member or a club's runner: every door refuses it with the one message, and nothing is written."""

from __future__ import annotations

import pytest

from goldenthread.platform.core.errors import DomainError
from goldenthread.shared_indicators.benchmarking import services
from goldenthread.shared_indicators.benchmarking.models import Club, ClubEvent, ClubMembership
from goldenthread.tenants.services import ensure_public_organisation
from goldenthread.tenants.sharing import PLATFORM_CANNOT_SHARE
from tests.shared_indicators.benchmarking.graphql_support import post
from tests.shared_indicators.benchmarking.helpers import Actor, make_club, make_indicator, make_org

pytestmark = pytest.mark.django_db

ADD = """
mutation Add($club: ID!, $slug: String!) {
  benchmarkingClubMemberAdd(clubId: $club, organisationSlug: $slug) { club { memberCount } }
}
"""


@pytest.fixture
def platform():
    return ensure_public_organisation()


@pytest.fixture
def club_of_a(org_a):
    return make_club(org_a, [make_org()], make_indicator(), anonymised=False, consent=False)


@pytest.fixture
def runner(org_a, make_user, client_for):
    return client_for(org_a, user=make_user(org_a, roles=["org_admin"]).user)


def written(club) -> tuple:
    return (
        list(ClubMembership.objects.filter(club=club).values_list("id", flat=True)),
        ClubEvent.objects.filter(club=club).count(),
    )


def test_graphql_refuses_the_platform_as_a_member(runner, club_of_a, platform):
    before = written(club_of_a)
    response = post(runner, ADD, {"club": str(club_of_a.id), "slug": platform.slug}).json()
    (error,) = response["errors"]
    assert error["message"] == PLATFORM_CANNOT_SHARE
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert written(club_of_a) == before
    assert not ClubMembership.objects.filter(organisation=platform).exists()


def test_the_club_page_refuses_the_platform_as_a_member(runner, club_of_a, platform):
    before = written(club_of_a)
    response = runner.post(
        f"/benchmarking/{club_of_a.id}/members/",
        {"action": "add", "organisation_slug": platform.slug},
        follow=True,
    )
    assert PLATFORM_CANNOT_SHARE.replace("'", "&#x27;") in response.content.decode()
    assert written(club_of_a) == before


def test_the_services_refuse_the_platform_as_member_or_runner(club_of_a, org_a, platform):
    before = (written(club_of_a), Club.objects.count())
    with pytest.raises(DomainError, match="platform itself"):
        services.club_member_add(actor=Actor(), organisation=org_a, club=club_of_a, member=platform)
    with pytest.raises(DomainError, match="platform itself"):
        services.club_create(actor=Actor(), organisation=platform, name="Vendor club")
    assert (written(club_of_a), Club.objects.count()) == before
