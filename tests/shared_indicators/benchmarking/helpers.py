"""Building clubs, members and published values for benchmarking tests.

Members other than the fixtures' Alpha and Beta are organisation rows without a schema: a
comparison reads only the public schema (the published-values store), so they need none.
Values are published through the real pipeline (`publish_value`, which asks the registered
basis providers, i.e. the members' consents).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from django.db import connection

from goldenthread.platform.core.periods import parse_period
from goldenthread.shared_indicators.benchmarking import services
from goldenthread.shared_indicators.models import CatalogueIndicator
from goldenthread.shared_indicators.publication.domain.snapshots import ValueSnapshot
from goldenthread.shared_indicators.publication.services import publish_value
from goldenthread.tenants.models import Module, Organisation


@dataclass
class Actor:
    """The user a service acts as, for organisations that have no schema (hence no users)."""

    email: str = "admin@example.test"
    roles: list[str] = field(default_factory=lambda: ["org_admin"])
    is_authenticated: bool = True
    is_active: bool = True

    def has_role(self, *roles: str) -> bool:
        return bool(set(self.roles) & set(roles))


ADMIN = Actor()


def unique(text: str = "") -> str:
    return f"{text}{uuid.uuid4().hex[:8]}"


def make_org(name: str | None = None, *, type: str = "district", region: str = "", **extra):
    slug = unique("bm-")
    # A request leaves the connection on its organisation's schema; tenants are public rows.
    connection.set_schema_to_public()
    return Organisation.objects.create(
        schema_name=slug.replace("-", "_"),
        slug=slug,
        name=name or f"Council {slug}",
        type=type,
        region=region,
        **{"licensed_modules": list(Module.values), **extra},
    )


def make_indicator(
    *, polarity: str = "higher", frequency: str = "quarterly", decimal_places: int = 1
) -> CatalogueIndicator:
    return CatalogueIndicator.objects.create(
        code=unique("BM "),
        title="Benchmarked indicator",
        unit="percentage",
        polarity=polarity,
        frequency=frequency,
        decimal_places=decimal_places,
    )


def make_club(
    admin_org,
    members,
    indicator,
    *,
    anonymised: bool = True,
    minimum: int = 5,
    embargo_until=None,
    consent: bool = True,
    rollup_rule: str = "",
    name: str | None = None,
):
    """A club run by `admin_org` with `members` (besides it), comparing `indicator`, with
    every member's consent given unless `consent` is False."""
    club = services.club_create(
        actor=ADMIN,
        organisation=admin_org,
        name=name or unique("Club "),
        anonymised=anonymised,
        minimum_members_with_data=minimum,
        embargo_until=embargo_until,
    )
    for member in members:
        if member.id != admin_org.id:
            services.club_member_add(actor=ADMIN, organisation=admin_org, club=club, member=member)
    services.club_indicator_add(
        actor=ADMIN,
        organisation=admin_org,
        club=club,
        indicator_code=indicator.code,
        rollup_rule=rollup_rule,
    )
    if consent:
        for member in {admin_org.id: admin_org, **{m.id: m for m in members}}.values():
            services.consent_give(
                actor=ADMIN, organisation=member, club=club, indicator_code=indicator.code
            )
    return club


def publish(
    organisation,
    indicator,
    period_code: str,
    value,
    *,
    numerator=None,
    denominator=None,
    state: str = "entered",
):
    """Publish an approved value through the pipeline; None when no basis allows it."""
    return publish_value(
        organisation=organisation,
        snapshot=snapshot(
            organisation,
            indicator,
            period_code,
            value,
            numerator=numerator,
            denominator=denominator,
            state=state,
        ),
    )


def snapshot(
    organisation,
    indicator,
    period_code: str,
    value,
    *,
    numerator=None,
    denominator=None,
    state: str = "entered",
) -> ValueSnapshot:
    """An approved value of `organisation` as the pipeline publishes it."""
    period = parse_period(period_code)
    return ValueSnapshot(
        indicator_code=indicator.code,
        catalogue_indicator_id=indicator.id,
        indicator_title=indicator.title,
        unit="percentage",
        unit_label="%",
        polarity=indicator.polarity,
        frequency=indicator.frequency,
        decimal_places=indicator.decimal_places,
        period_code=period.code,
        period_type=period.type.value,
        period_start=period.start,
        period_end=period.end,
        sub_area_kind="",
        sub_area_name="",
        value=None if value is None else Decimal(str(value)),
        numerator=None if numerator is None else Decimal(str(numerator)),
        denominator=None if denominator is None else Decimal(str(denominator)),
        value_state=state,
        target=None,
        commentary="",
        source_value_id=abs(hash((organisation.id, period_code))) % 10**9,
        approved_by_name="Approver",
        approved_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
