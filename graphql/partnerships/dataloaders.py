"""Per-request loaders for the partnership schema, named `<Model>By<Key>Loader`.

graphene-django executes synchronously, so these batch by priming rather than by deferring:
a resolver that returns a list primes the loaders its children will use with every key in the
list, and the first child to ask loads them all in one query. With that, the number of SQL
queries depends on which fields are asked for, never on how many partnerships, members,
indicators or periods there are (the tests assert it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import Any

from goldenthread.partnerships.dashboard import Dashboard, partnership_dashboard
from goldenthread.partnerships.models import (
    AgreementVersion,
    Partnership,
    PartnershipMember,
)
from goldenthread.partnerships.selectors import agreement_versions_visible_to
from goldenthread.tenants.models import Organisation


class BatchLoader:
    """Loads values by key, many keys per query, caching for the request."""

    default: Any = None

    def __init__(self, request):
        self.request = request
        self._cache: dict[Hashable, Any] = {}
        self._pending: set[Hashable] = set()

    @property
    def organisation(self) -> Organisation:
        return self.request.organisation

    def prime_keys(self, keys: Iterable[Hashable]) -> None:
        """Announce keys that are about to be asked for, so they load in the same batch."""
        self._pending.update(key for key in keys if key not in self._cache)

    def load(self, key: Hashable):
        if key not in self._cache:
            keys = self._pending | {key}
            self._pending = set()
            found = self.batch_load(sorted(keys, key=repr))
            for each in keys:
                self._cache[each] = found.get(each, self.default)
        return self._cache[key]

    def load_many(self, keys: Iterable[Hashable]) -> list:
        keys = list(keys)
        self.prime_keys(keys)
        return [self.load(key) for key in keys]

    def batch_load(self, keys: list) -> dict:
        raise NotImplementedError


class PartnershipMembersByPartnershipIdLoader(BatchLoader):
    default: list = []

    def batch_load(self, keys):
        members = defaultdict(list)
        for member in (
            PartnershipMember.objects.filter(partnership_id__in=keys)
            .select_related("organisation")
            .order_by("organisation__name")
        ):
            members[member.partnership_id].append(member)
        return members


class OrganisationByIdLoader(BatchLoader):
    def batch_load(self, keys):
        return Organisation.objects.in_bulk(keys)


class AgreementVersionsByPartnershipIdLoader(BatchLoader):
    """Only the versions the requesting organisation may see (see `selectors`)."""

    default: list = []

    def batch_load(self, keys):
        versions: dict[int, list[AgreementVersion]] = defaultdict(list)
        for version in agreement_versions_visible_to(organisation=self.organisation).filter(
            agreement__partnership_id__in=keys
        ):
            versions[version.agreement.partnership_id].append(version)
        return versions


class DashboardByPartnershipIdLoader(BatchLoader):
    """Keys are (partnership id, periods, period codes, as-of date). The dashboard reads a
    fixed number of queries per partnership and logs every cross-organisation read."""

    def batch_load(self, keys):
        partnerships = Partnership.objects.in_bulk({key[0] for key in keys})
        user = getattr(self.request, "user", None)
        result: dict[tuple, Dashboard] = {}
        for key in keys:
            partnership_id, periods, period_codes, as_of = key
            partnership = partnerships.get(partnership_id)
            if partnership is None:
                continue
            result[key] = partnership_dashboard(
                partnership=partnership,
                reader=self.organisation,
                reader_user=user,
                interface="graphql",
                periods=periods,
                period_codes=list(period_codes) if period_codes else None,
                as_of=as_of,
            )
        return result


class Loaders:
    """The request's loaders, created on first use."""

    def __init__(self, request):
        self.members_by_partnership_id = PartnershipMembersByPartnershipIdLoader(request)
        self.organisation_by_id = OrganisationByIdLoader(request)
        self.agreement_versions_by_partnership_id = AgreementVersionsByPartnershipIdLoader(request)
        self.dashboard_by_partnership_id = DashboardByPartnershipIdLoader(request)


def loaders_for(info) -> Loaders:
    request = info.context
    loaders = getattr(request, "_partnership_loaders", None)
    if loaders is None:
        loaders = Loaders(request)
        request._partnership_loaders = loaders
    return loaders
