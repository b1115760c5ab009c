"""Demo partnership: the Wealdshire Community Safety Partnership and its active agreement.

The county forms the partnership and adds the districts and the police; it drafts a
data-sharing agreement over the street-cleanliness PIs every party adopts, sends it for
acceptance and each party's administrator (an authorised signatory) accepts it, which
makes it active. Publication is then run directly for each party, since the worker may not
be running while the demo seeds. Idempotent: the partnership is looked up by name and only
created once; publishing approved values that are already published changes nothing.
"""

from __future__ import annotations

from datetime import date

from django_tenants.utils import schema_context

from goldenthread.partnerships.models import Partnership, PartnershipIndicator
from goldenthread.partnerships.services import (
    agreement_accept,
    agreement_create,
    agreement_send_for_acceptance,
    partnership_create,
    partnership_indicator_create,
    partnership_member_add,
)
from goldenthread.shared_indicators.publication.services import publish_existing_for
from goldenthread.tenants.models import Organisation

from .common import Tally, cast_for

NAME = "Wealdshire Community Safety Partnership"
CODES = ("NI 195c", "NI 195d")


def seed_partnership(
    *, lead: Organisation, members: list[Organisation], tally: Tally
) -> Partnership:
    if (partnership := Partnership.objects.filter(name=NAME).first()) is None:
        partnership = _create(lead=lead, members=members, tally=tally)
    _shared_indicators(partnership=partnership, lead=lead, tally=tally)
    for party in (lead, *members):
        publish_existing_for(organisation=party, indicator_codes=CODES)
    return partnership


def _shared_indicators(*, partnership: Partnership, lead: Organisation, tally: Tally) -> None:
    """The agreement's PIs as shared indicators, so the partnership report has its figure
    (the mean of the members' percentages) beside each member's contribution."""
    present = set(
        PartnershipIndicator.objects.filter(partnership=partnership).values_list("code", flat=True)
    )
    missing = [code for code in CODES if code not in present]
    if not missing:
        return
    with schema_context(lead.schema_name):
        admin = cast_for(lead.slug).admin
        for code in missing:
            partnership_indicator_create(
                partnership=partnership,
                organisation=lead,
                actor=admin,
                aggregation="mean",
                catalogue_code=code,
            )
            tally.add("shared indicators")


def _create(*, lead: Organisation, members: list[Organisation], tally: Tally) -> Partnership:
    with schema_context(lead.schema_name):
        admin = cast_for(lead.slug).admin
        partnership = partnership_create(
            organisation=lead,
            actor=admin,
            name=NAME,
            type="community_safety",
            starts_on=date(2024, 4, 1),
            description="Reducing crime and disorder across Wealdshire together.",
        )
        for member in members:
            partnership_member_add(
                partnership=partnership, organisation=lead, actor=admin, member=member
            )
        version = agreement_create(
            partnership=partnership,
            organisation=lead,
            actor=admin,
            title="Community safety performance data sharing",
            parties=[lead, *members],
            indicator_codes=CODES,
            fields=["values", "targets", "commentary"],
            purpose="Tackling graffiti and fly-posting across the county together.",
            lawful_basis="not_personal",
            retention_months=36,
            starts_on=date(2024, 4, 1),
        )
        agreement_send_for_acceptance(version=version, organisation=lead, actor=admin)
    for party in (lead, *members):
        with schema_context(party.schema_name):
            agreement_accept(version=version, organisation=party, actor=cast_for(party.slug).admin)
    tally.add("partnerships")
    tally.add("active agreements")
    return partnership
