"""Helpers for the publication tests: a basis provider the test controls, snapshots, a member
organisation's people and PIs, and approved values made through the real workflow."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from django_tenants.utils import schema_context

from goldenthread.shared_indicators.publication.domain.bases import Basis
from goldenthread.shared_indicators.publication.domain.snapshots import ValueSnapshot

# Basis ids far from anything a real agreement or consent would have in the test database,
# and unique across the run (worker tests commit their grants).
_basis_ids = itertools.count(9_000_000 + uuid.uuid4().int % 1_000_000 * 100)


def next_basis_id() -> int:
    return next(_basis_ids)


def agreement(*fields: str, label: str = "") -> Basis:
    basis_id = next_basis_id()
    return Basis(
        type="agreement",
        id=basis_id,
        fields=frozenset(fields or ("values",)),
        label=label or f"Test agreement v{basis_id}",
    )


def consent(*fields: str) -> Basis:
    basis_id = next_basis_id()
    return Basis(
        type="club_consent",
        id=basis_id,
        fields=frozenset(fields or ("values",)),
        label=f"Test club consent {basis_id}",
    )


@dataclass
class TestBases:
    """A basis provider: `cover(org, code, basis)` makes `basis` active for that pair."""

    active: dict[tuple[int, str], list[Basis]] = field(default_factory=dict)
    calls: list[tuple[int, str]] = field(default_factory=list)

    def __call__(self, organisation_id: int, indicator_code: str) -> list[Basis]:
        self.calls.append((organisation_id, indicator_code))
        return list(self.active.get((organisation_id, indicator_code), []))

    def cover(self, organisation, code: str, *bases: Basis) -> None:
        self.active.setdefault((organisation.pk, code), []).extend(bases)

    def end(self, basis: Basis) -> None:
        for key, listed in self.active.items():
            self.active[key] = [b for b in listed if b.key != basis.key]


def make_snapshot(**overrides) -> ValueSnapshot:
    fields = {
        "indicator_code": "NI 195",
        "catalogue_indicator_id": None,
        "indicator_title": "Street cleanliness",
        "unit": "percentage",
        "unit_label": "",
        "polarity": "lower",
        "frequency": "quarterly",
        "decimal_places": 1,
        "period_code": "2024/25 Q1",
        "period_type": "quarter",
        "period_start": date(2024, 4, 1),
        "period_end": date(2024, 6, 30),
        "sub_area_kind": "",
        "sub_area_name": "",
        "value": Decimal("12.5"),
        "numerator": None,
        "denominator": None,
        "value_state": "entered",
        "target": Decimal("10"),
        "commentary": "Litter rose after the festival.",
        "source_value_id": 1,
        "approved_by_name": "Vera Verifier",
        "approved_at": datetime(2024, 7, 20, 10, 0, tzinfo=UTC),
    }
    fields.update(overrides)
    return ValueSnapshot(**fields)


@dataclass
class Member:
    """People in one organisation able to take a value from entry to approval."""

    organisation: object
    officer: object
    provider: object
    verifier: object

    def schema(self):
        return schema_context(self.organisation.schema_name)


def make_member(organisation, make_user) -> Member:
    return Member(
        organisation=organisation,
        officer=make_user(organisation, roles=["performance_officer"], full_name="Olive O").user,
        provider=make_user(organisation, roles=["data_provider"], full_name="Pat Provider").user,
        verifier=make_user(organisation, roles=["verifier"], full_name="Vera Verifier").user,
    )


def local_indicator(member: Member, code: str, **fields):
    from goldenthread.platform.indicators.services.indicators import indicator_create

    defaults = {
        "title": f"Indicator {code}",
        "unit_kind": "percentage",
        "polarity": "higher",
        "frequency": "quarterly",
        "decimal_places": 1,
        "data_providers": [member.provider],
    }
    defaults.update(fields)
    with member.schema():
        return indicator_create(actor=member.officer, code=code, **defaults)


def approved_value(member: Member, indicator, period_code: str, value, **fields):
    """Enter, submit and approve a value through the workflow services."""
    from goldenthread.platform.indicators.services.values import value_enter
    from goldenthread.platform.indicators.services.workflow import value_approve, value_submit

    with member.schema():
        row = value_enter(
            actor=member.provider,
            indicator=indicator,
            period_code=period_code,
            value=value,
            **fields,
        )
        value_submit(actor=member.provider, value=row)
        return value_approve(actor=member.verifier, value=row)


def committed(work):
    """Run `work()` in a thread of its own (its own connection, autocommit) and return its
    result; what it writes is committed when it returns."""
    from tests.fixtures.threads import run_in_own_connection

    return run_in_own_connection(None, work)


def provision_committed_member(django_db_blocker, *, prefix: str, name: str) -> Member:
    """A newly provisioned organisation with an officer, a provider and a verifier, committed:
    for tests that run the real worker, which sees committed data only."""
    from tests.factories import provision_staffed_organisation

    staffed = provision_staffed_organisation(
        django_db_blocker,
        prefix=prefix,
        name=f"{name} Council",
        roles=("performance_officer", "data_provider", "verifier"),
    )
    return Member(
        organisation=staffed.organisation,
        officer=staffed.officer,
        provider=staffed.provider,
        verifier=staffed.verifier,
    )
