"""Per-request DataLoaders for benchmarking, on the shared base (`graphql.core.dataloaders`):
a resolver returning clubs primes every club loader with their ids, so each related list
loads in one query however many clubs, members or indicators there are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from goldenthread.graphql.core.dataloaders import BatchLoader, ListBatchLoader
from goldenthread.shared_indicators.benchmarking.models import (
    ClubConsent,
    ClubIndicator,
    ClubMembership,
    ComparatorGroup,
    NearestNeighbour,
)
from goldenthread.tenants.models import OrganisationType, Region


class ClubIndicatorsByClubIdLoader(ListBatchLoader):
    def batch_load(self, keys):
        found = defaultdict(list)
        rows = (
            ClubIndicator.objects.filter(club_id__in=keys)
            .select_related("catalogue_indicator")
            .order_by("catalogue_indicator__code")
        )
        for row in rows:
            found[row.club_id].append(row)
        return found


class ClubMembershipsByClubIdLoader(ListBatchLoader):
    """Current members of each club as plain dicts (id, name, type, region, county).
    Internal: what a reader sees of them is decided by the club's anonymisation rule."""

    def batch_load(self, keys):
        types, regions = dict(OrganisationType.choices), dict(Region.choices)
        found = defaultdict(list)
        rows = ClubMembership.objects.filter(club_id__in=keys, left_at__isnull=True).values_list(
            "club_id",
            "organisation_id",
            "organisation__name",
            "organisation__type",
            "organisation__region",
            "organisation__parent_county_id",
        )
        for club_id, org_id, name, type_, region, county in rows:
            found[club_id].append(
                {
                    "id": org_id,
                    "name": name,
                    "type": type_,
                    "type_label": types.get(type_, type_),
                    "region": region,
                    "region_label": regions.get(region, ""),
                    "parent_county_id": county,
                }
            )
        return found


class ClubConsentsByClubIdLoader(BatchLoader):
    """The reading organisation's own active consents per club: {club_indicator_id: consent}."""

    def default_value(self):
        return {}

    def batch_load(self, keys):
        found: dict = defaultdict(dict)
        rows = ClubConsent.objects.filter(
            membership__club_id__in=keys,
            membership__organisation_id=self.organisation.id,
            membership__left_at__isnull=True,
            withdrawn_at__isnull=True,
        ).select_related("membership")
        for consent in rows:
            found[consent.membership.club_id][consent.club_indicator_id] = consent
        return found


class ConsentsUnderAnonymityByClubIdLoader(BatchLoader):
    """How many active consents given under anonymity each club has (what naming its members
    would end)."""

    def default_value(self):
        return 0

    def batch_load(self, keys):
        from goldenthread.shared_indicators.benchmarking.selectors import (
            consents_given_under_anonymity_counts,
        )

        return consents_given_under_anonymity_counts(club_ids=keys)


class ComparatorGroupsByClubIdLoader(ListBatchLoader):
    def batch_load(self, keys):
        found = defaultdict(list)
        for group in ComparatorGroup.objects.filter(club_id__in=keys).order_by("name", "id"):
            found[group.club_id].append(group)
        return found


class NearestNeighbourIdsByOrganisationIdLoader(ListBatchLoader):
    def batch_load(self, keys):
        found = defaultdict(list)
        rows = NearestNeighbour.objects.filter(organisation_id__in=keys).values_list(
            "organisation_id", "neighbour_id"
        )
        for organisation_id, neighbour_id in rows:
            found[organisation_id].append(neighbour_id)
        return found


CLUB_LOADERS = (
    ClubIndicatorsByClubIdLoader,
    ClubMembershipsByClubIdLoader,
    ClubConsentsByClubIdLoader,
    ComparatorGroupsByClubIdLoader,
    ConsentsUnderAnonymityByClubIdLoader,
)


def prime_club_loaders(info, club_ids: Iterable[int]) -> None:
    ids = list(club_ids)
    for loader in CLUB_LOADERS:
        loader.for_request(info).prime_keys(ids)
