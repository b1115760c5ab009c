"""Resolvers for partnerships: the requesting organisation (the door's
`require_organisation`, which refuses the public host) is the principal; resolvers call the
partnership selectors and the dashboard, never the store directly."""

from __future__ import annotations

from goldenthread.graphql.core.errors import bad_input, forbidden
from goldenthread.partnerships.domain.periods import check_dashboard_periods
from goldenthread.partnerships.permissions import can_read_access_log, is_active_user
from goldenthread.partnerships.selectors import (
    partnership_get_for,
    partnerships_visible_to,
    reads_of_organisation,
)
from goldenthread.platform.core.door import require_organisation
from goldenthread.platform.core.errors import DomainError, NotFound

from .dataloaders import (
    AgreementVersionsByPartnershipIdLoader,
    DashboardByPartnershipWindowLoader,
    OrganisationByIdLoader,
    PartnershipMembersByPartnershipIdLoader,
)
from .types import SharedIndicator

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _organisation(info):
    if not is_active_user(getattr(info.context, "user", None)):
        raise forbidden("Sign in to read partnerships.")
    return require_organisation(info)


def resolve_partnerships(info):
    partnerships = list(partnerships_visible_to(organisation=_organisation(info)))
    ids = [p.pk for p in partnerships]
    PartnershipMembersByPartnershipIdLoader.for_request(info).prime_keys(ids)
    AgreementVersionsByPartnershipIdLoader.for_request(info).prime_keys(ids)
    OrganisationByIdLoader.for_request(info).prime_keys(
        {p.lead_organisation_id for p in partnerships}
    )
    return partnerships


def resolve_partnership(info, *, id):
    try:
        partnership_id = int(id)
    except (TypeError, ValueError):
        return None
    try:
        return partnership_get_for(reader=_organisation(info), partnership_id=partnership_id)
    except NotFound:
        return None


def resolve_shared_indicators(info, *, partnership, periods, period_codes, as_of):
    # Checked before the (batched) dashboard is loaded, with the dashboard's own rule.
    try:
        check_dashboard_periods(periods=periods, period_codes=period_codes)
    except DomainError as error:
        raise bad_input(f"{error.message} It was {periods}.") from None
    key = (partnership.pk, periods, tuple(period_codes) if period_codes else None, as_of)
    dashboard = DashboardByPartnershipWindowLoader.for_request(info).load(key)
    if dashboard is None:
        return []
    return [SharedIndicator.wrap(item) for item in dashboard.indicators]


def resolve_reads_of_our_data(info, *, first, offset):
    organisation = _organisation(info)
    if not can_read_access_log(info.context.user):
        raise forbidden(
            "Only administrators, performance officers, partner liaison officers and auditors "
            "may read the log of reads of this organisation's data."
        )
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise bad_input(f"first must be between 1 and {MAX_PAGE_SIZE}; it was {first}.")
    if offset < 0:
        raise bad_input(f"offset cannot be negative; it was {offset}.")
    return list(reads_of_organisation(organisation=organisation)[offset : offset + first])
