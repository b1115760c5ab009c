"""The shared DataLoader base: one query per batch of primed keys, a cache per request, and
the domains' loaders on it (query counts asserted)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.graphql.benchmarking.dataloaders import (
    CLUB_LOADERS,
    ClubIndicatorsByClubIdLoader,
    ClubMembershipsByClubIdLoader,
    prime_club_loaders,
)
from goldenthread.graphql.core.dataloaders import BatchLoader, ListBatchLoader
from goldenthread.graphql.partnerships.dataloaders import OrganisationByIdLoader
from tests.shared_indicators.benchmarking.helpers import make_club, make_indicator, make_org

pytestmark = pytest.mark.django_db


def reads(captured) -> int:
    """Queries run, leaving out django-tenants' switch of search_path."""
    return sum(1 for query in captured if not query["sql"].startswith("SET search_path"))


def info_for(organisation):
    """What a resolver gets: `info.context` is the request, with the host's organisation."""
    return SimpleNamespace(context=SimpleNamespace(organisation=organisation, user=None))


def test_primed_keys_load_in_one_query_and_are_then_cached(org_a, org_b):
    loader = OrganisationByIdLoader.for_request(info_for(org_a))
    loader.prime_keys([org_a.id, org_b.id, 0])
    with CaptureQueriesContext(connection) as first:
        assert loader.load(org_b.id) == org_b
    with CaptureQueriesContext(connection) as later:
        assert loader.load(org_a.id) == org_a
        assert loader.load(0) is None
        assert loader.load_many([org_b.id, org_a.id]) == [org_b, org_a]
    assert (reads(first), reads(later)) == (1, 0)


def test_a_loader_lives_for_one_request(org_a):
    info, other = info_for(org_a), info_for(org_a)
    loader = OrganisationByIdLoader.for_request(info)
    assert OrganisationByIdLoader.for_request(info) is loader
    assert OrganisationByIdLoader.for_request(other) is not loader
    assert ClubIndicatorsByClubIdLoader.for_request(info).organisation == org_a


def test_a_list_loader_gives_each_missing_key_its_own_empty_list(org_a):
    class NothingByIdLoader(ListBatchLoader):
        def batch_load(self, keys):
            return {}

    loader = NothingByIdLoader.for_request(info_for(org_a))
    loader.prime_keys([1, 2])
    loader.load(1).append("x")
    assert loader.load(2) == []


def test_the_base_leaves_batch_load_to_each_loader(org_a):
    with pytest.raises(NotImplementedError):
        BatchLoader.for_request(info_for(org_a)).load(1)


def test_the_club_loaders_load_any_number_of_clubs_in_one_query_each(org_a):
    clubs = [make_club(make_org(), [org_a, make_org()], make_indicator()) for _ in range(3)]
    info = info_for(org_a)
    prime_club_loaders(info, [club.id for club in clubs])
    with CaptureQueriesContext(connection) as captured:
        for club in clubs:
            for loader in CLUB_LOADERS:
                loader.for_request(info).load(club.id)
    assert reads(captured) == len(CLUB_LOADERS)
    members = ClubMembershipsByClubIdLoader.for_request(info).load(clubs[0].id)
    assert len(members) == 3 and org_a.id in {member["id"] for member in members}
