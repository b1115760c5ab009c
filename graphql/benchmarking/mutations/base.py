"""What benchmarking mutations declare and fetch: the permissions they need (the domain's own
predicates, `benchmarking.permissions`), the club among the organisation's own clubs, and the
organisation a slug names. Which club and member may be changed is the services' rule."""

from __future__ import annotations

from goldenthread.graphql.core.permissions import Permission
from goldenthread.platform.core.errors import NotFound
from goldenthread.shared_indicators.benchmarking.permissions import (
    can_administer_clubs,
    can_manage_consent,
)
from goldenthread.shared_indicators.benchmarking.selectors import club_get_for
from goldenthread.tenants.models import Organisation

ADMINISTER_CLUBS = Permission(
    name="administer benchmarking clubs",
    allows=can_administer_clubs,
    refusal="Only organisation administrators may run benchmarking clubs or change membership.",
)
MANAGE_CONSENT = Permission(
    name="give and withdraw benchmarking consent",
    allows=can_manage_consent,
    refusal="Only organisation administrators and performance officers may give or withdraw "
    "consent.",
)


def own_club(organisation, club_id):
    return club_get_for(organisation=organisation, club_id=club_id)


def organisation_by_slug(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug.strip()).first()
    if organisation is None:
        raise NotFound(f"No organisation has the slug '{slug.strip()}'.")
    return organisation
