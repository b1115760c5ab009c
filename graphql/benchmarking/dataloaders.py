"""Per-request DataLoaders for benchmarking, named `<What>By<Key>Loader`.

graphene-django executes synchronously, so these batch without promises: a resolver that
returns a list of parents announces their keys (`prime_keys`) before any child is resolved;
the first child that asks for a missing key loads every announced key in ONE query, and the
rest are answered from the per-request cache. The number of queries therefore depends on the
shape of the GraphQL query, never on how many clubs, members or indicators it returns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable

from goldenthread.shared_indicators.benchmarking.models import (
    ClubConsent,
    ClubIndicator,
    ClubMembership,
    ComparatorGroup,
    NearestNeighbour,
)
from goldenthread.tenants.models import OrganisationType, Region


class BatchLoader:
    default: object = None

    def __init__(self, context):
        self.context = context
        self.cache: dict[Hashable, object] = {}
        self.pending: set[Hashable] = set()

    @classmethod
    def for_request(cls, info) -> BatchLoader:
        loaders = info.context.__dict__.setdefault("_benchmarking_loaders", {})
        if cls not in loaders:
            loaders[cls] = cls(info.context)
        return loaders[cls]

    def prime_keys(self, keys: Iterable[Hashable]) -> None:
        self.pending.update(key for key in keys if key not in self.cache)

    def load(self, key: Hashable):
        if key not in self.cache:
            batch = sorted(self.pending | {key})
            found = self.batch_load(batch)
            for each in batch:
                self.cache[each] = found.get(each, self.default_value())
            self.pending.clear()
        return self.cache[key]

    def default_value(self):
        return []

    def batch_load(self, keys: list) -> dict:
        raise NotImplementedError


class IndicatorsByClubIdLoader(BatchLoader):
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


class MembersByClubIdLoader(BatchLoader):
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


class ReaderConsentsByClubIdLoader(BatchLoader):
    """The reading organisation's active consents per club: {club_indicator_id: consent}."""

    def default_value(self):
        return {}

    def batch_load(self, keys):
        found: dict = defaultdict(dict)
        rows = ClubConsent.objects.filter(
            membership__club_id__in=keys,
            membership__organisation_id=self.context.tenant.id,
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


class ComparatorGroupsByClubIdLoader(BatchLoader):
    def batch_load(self, keys):
        found = defaultdict(list)
        for group in ComparatorGroup.objects.filter(club_id__in=keys).order_by("name", "id"):
            found[group.club_id].append(group)
        return found


class NeighbourIdsByOrganisationIdLoader(BatchLoader):
    def batch_load(self, keys):
        found = defaultdict(list)
        rows = NearestNeighbour.objects.filter(organisation_id__in=keys).values_list(
            "organisation_id", "neighbour_id"
        )
        for organisation_id, neighbour_id in rows:
            found[organisation_id].append(neighbour_id)
        return found


CLUB_LOADERS = (
    IndicatorsByClubIdLoader,
    MembersByClubIdLoader,
    ReaderConsentsByClubIdLoader,
    ComparatorGroupsByClubIdLoader,
    ConsentsUnderAnonymityByClubIdLoader,
)


def prime_club_loaders(info, club_ids: Iterable[int]) -> None:
    ids = list(club_ids)
    for loader in CLUB_LOADERS:
        loader.for_request(info).prime_keys(ids)
