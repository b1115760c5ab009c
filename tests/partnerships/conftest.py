"""A county, a district, the police and a health body, plus an outsider, provisioned once per
run (committed), and helpers that run the real services in each organisation's schema.

Most tests run inside the usual rolled-back transaction, so the publication tasks that
services queue on commit never run there; `publish_pending` runs what the worker would
(`publish_existing_for`) directly, in the member's schema.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from goldenthread.tenants.models import Organisation
from tests.factories import provision_organisation

_counter = itertools.count(1)

ORGANISATIONS = {
    "county": ("pt-county", "Wealdshire County Council", "county"),
    "district": ("pt-district", "Ashford Vale District Council", "district"),
    "police": ("pt-police", "Wealdshire Police", "police"),
    "health": ("pt-health", "Wealdshire Health Board", "health"),
    "outsider": ("pt-outsider", "Elsewhere Borough Council", "london_borough"),
}


@pytest.fixture(scope="session")
def partnership_organisations(django_db_setup, django_db_blocker):
    made = {}
    with django_db_blocker.unblock():
        for key, (slug, name, kind) in ORGANISATIONS.items():
            existing = Organisation.objects.filter(slug=slug).first()
            made[key] = existing or provision_organisation(slug=slug, name=name, type=kind)
    return made


@dataclass
class Party:
    """An organisation in the scenario with one user per role we need."""

    organisation: Organisation
    admin: object  # org_admin: manages and signs
    officer: object  # performance officer: manages, cannot sign
    provider: object
    verifier: object
    reader: object  # no roles: reads only

    @property
    def name(self) -> str:
        return self.organisation.name


@pytest.fixture
def parties(partnership_organisations, make_user, db):
    def users(org):
        tag = next(_counter)
        return Party(
            organisation=org,
            admin=make_user(org, roles=["org_admin"], full_name=f"Admin {tag}").user,
            officer=make_user(org, roles=["performance_officer"], full_name=f"Officer {tag}").user,
            provider=make_user(org, roles=["data_provider"], full_name=f"Provider {tag}").user,
            verifier=make_user(org, roles=["verifier"], full_name=f"Verifier {tag}").user,
            reader=make_user(org, roles=[], full_name=f"Reader {tag}").user,
        )

    class Parties:
        county = users(partnership_organisations["county"])
        district = users(partnership_organisations["district"])
        police = users(partnership_organisations["police"])
        health = users(partnership_organisations["health"])
        outsider = users(partnership_organisations["outsider"])

    return Parties


def unique_code(prefix: str = "WLSP") -> str:
    return f"{prefix}-{next(_counter):04d}"


@pytest.fixture
def scenario(parties):
    """A partnership led by the county with the district, police and health as members, one
    partnership-defined indicator per aggregation rule, and a drafted agreement covering them
    with every party. Nothing is signed yet."""
    from goldenthread.partnerships import services

    county = parties.county
    partnership = services.partnership_create(
        organisation=county.organisation,
        actor=county.admin,
        name=f"Wealdshire LSP {next(_counter)}",
        type="lsp",
        starts_on=date(2024, 4, 1),
    )
    for party in (parties.district, parties.police, parties.health):
        services.partnership_member_add(
            partnership=partnership,
            organisation=county.organisation,
            actor=county.admin,
            member=party.organisation,
        )
    indicators = {}
    for rule in ("sum", "mean", "weighted", "recompute"):
        indicators[rule] = services.partnership_indicator_create(
            partnership=partnership,
            organisation=county.organisation,
            actor=county.admin,
            aggregation=rule,
            code=unique_code(),
            title=f"Shared {rule}",
            polarity="higher",
            frequency="quarterly",
            decimal_places=1,
            factor=100 if rule == "recompute" else 1,
        )
    version = services.agreement_create(
        partnership=partnership,
        organisation=county.organisation,
        actor=county.admin,
        title=f"{partnership.name} agreement",
        parties=[
            p.organisation for p in (county, parties.district, parties.police, parties.health)
        ],
        indicator_codes=[i.code for i in indicators.values()],
        fields=["values", "targets"],
        purpose="Joint reporting to the LSP board.",
        lawful_basis="not_personal",
        retention_months=24,
        starts_on=date(2024, 4, 1),
    )

    class Scenario:
        pass

    Scenario.partnership = partnership
    Scenario.indicators = indicators
    Scenario.version = version
    Scenario.parties = parties
    Scenario.members = (county, parties.district, parties.police, parties.health)
    return Scenario


def sign_all(scenario, version=None):
    """Send the version for acceptance and have every party's administrator accept it."""
    from goldenthread.partnerships import services

    version = version or scenario.version
    county = scenario.parties.county
    services.agreement_send_for_acceptance(
        version=version, organisation=county.organisation, actor=county.admin
    )
    for party in scenario.members:
        version = services.agreement_accept(
            version=version, organisation=party.organisation, actor=party.admin
        )
    return version


def local_pi(party: Party, code: str, **fields):
    """The member's own PI publishing under `code` (a partnership-defined code)."""
    from goldenthread.platform.indicators.models import Indicator
    from goldenthread.platform.indicators.services.indicators import indicator_create

    with schema_context(party.organisation.schema_name):
        existing = Indicator.objects.filter(code=code).first()
        if existing:
            return existing
        defaults = {
            "title": f"{party.name} {code}",
            "unit_kind": "number",
            "polarity": "higher",
            "frequency": "quarterly",
            "decimal_places": 1,
            "data_providers": [party.provider],
            "owner": party.officer,
        }
        defaults.update(fields)
        return indicator_create(actor=party.officer, code=code, **defaults)


def approve(
    party: Party,
    code: str,
    period_code: str,
    value=None,
    *,
    numerator=None,
    denominator=None,
    state="entered",
    commentary: str = "",
    publish: bool = True,
):
    """Enter, submit and approve a value in the member's own schema through the normal
    workflow, then (as the worker would) publish it."""
    from goldenthread.platform.indicators.services import values as value_services
    from goldenthread.platform.indicators.services import workflow

    pi = local_pi(party, code)
    with schema_context(party.organisation.schema_name):
        row = value_services.value_enter(
            actor=party.provider,
            indicator=pi,
            period_code=period_code,
            # A calculated PI's value comes from its numerator and denominator.
            value=None if value is None or numerator is not None else Decimal(str(value)),
            numerator=numerator,
            denominator=denominator,
            state=state,
        )
        if commentary:
            value_services.commentary_add(
                actor=party.provider, indicator=pi, period_code=period_code, text=commentary
            )
        workflow.value_submit(actor=party.provider, value=row)
        row = workflow.value_approve(actor=party.verifier, value=row)
    if publish:
        publish_pending(party, [code])
    return row


def publish_pending(party: Party, codes):
    """What `publish_existing_task` does on the worker, run here in the test's transaction."""
    from goldenthread.shared_indicators.publication.services import publish_existing_for

    return publish_existing_for(organisation=party.organisation, indicator_codes=list(codes))


def publish_everything(scenario):
    for party in scenario.members:
        publish_pending(party, [i.code for i in scenario.indicators.values()])
