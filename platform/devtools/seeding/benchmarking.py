"""Demo benchmarking club: the three Wealdshire districts comparing waste PIs.

The county administers the club (and so is its first member); the districts join and each
consents to compare NI 191 and NI 192, named (not anonymised), with no embargo. Publication
is run directly, since the worker may not be running while the demo seeds. Idempotent: the
club is looked up by name; consent already given is left as it is.
"""

from __future__ import annotations

from django_tenants.utils import schema_context

from goldenthread.shared_indicators.benchmarking.models import Club
from goldenthread.shared_indicators.benchmarking.services import (
    club_create,
    club_indicator_add,
    club_member_add,
    consent_give,
)
from goldenthread.shared_indicators.publication.services import publish_existing_for
from goldenthread.tenants.models import Organisation

from .common import Tally, cast_for

NAME = "Wealdshire districts benchmarking club"
CODES = ("NI 191", "NI 192")


def seed_club(*, county: Organisation, districts: list[Organisation], tally: Tally) -> Club:
    if (club := Club.objects.filter(name=NAME).first()) is None:
        club = _create(county=county, districts=districts, tally=tally)
    for district in districts:
        publish_existing_for(organisation=district, indicator_codes=CODES)
    return club


def _create(*, county: Organisation, districts: list[Organisation], tally: Tally) -> Club:
    with schema_context(county.schema_name):
        admin = cast_for(county.slug).admin
        club = club_create(
            actor=admin,
            organisation=county,
            name=NAME,
            description="Quarterly waste performance of the Wealdshire districts.",
            anonymised=False,
            minimum_members_with_data=3,
            embargo_until=None,
        )
        for code in CODES:
            club_indicator_add(actor=admin, organisation=county, club=club, indicator_code=code)
        for district in districts:
            club_member_add(actor=admin, organisation=county, club=club, member=district)
    for district in districts:
        with schema_context(district.schema_name):
            district_admin = cast_for(district.slug).admin
            for code in CODES:
                consent_give(
                    actor=district_admin, organisation=district, club=club, indicator_code=code
                )
    tally.add("benchmarking clubs")
    return club
