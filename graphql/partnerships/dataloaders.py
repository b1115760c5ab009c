"""Per-request loaders for the partnership schema, on the shared base
(`graphql.core.dataloaders`): a resolver that returns partnerships primes the loaders its
children will use with every id, so the number of SQL queries depends on which fields are
asked for, never on how many partnerships, members, indicators or periods there are (the tests
assert it).
"""

from __future__ import annotations

from collections import defaultdict

from goldenthread.graphql.core.dataloaders import BatchLoader, ListBatchLoader
from goldenthread.partnerships.models import (
    AgreementVersion,
    Partnership,
    PartnershipMember,
)
from goldenthread.partnerships.selectors import agreement_versions_visible_to
from goldenthread.partnerships.selectors.dashboard import Dashboard, partnership_dashboard
from goldenthread.tenants.models import Organisation


class PartnershipMembersByPartnershipIdLoader(ListBatchLoader):
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


class AgreementVersionsByPartnershipIdLoader(ListBatchLoader):
    """Only the versions the requesting organisation may see (see `selectors`)."""

    def batch_load(self, keys):
        versions: dict[int, list[AgreementVersion]] = defaultdict(list)
        for version in agreement_versions_visible_to(organisation=self.organisation).filter(
            agreement__partnership_id__in=keys
        ):
            versions[version.agreement.partnership_id].append(version)
        return versions


class DashboardByPartnershipWindowLoader(BatchLoader):
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
