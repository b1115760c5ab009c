"""Test data: organisations provisioned for real, and factory-boy factories for the main
models (users with roles, PIs, targets, values, strategy nodes, plans, actions, risk
registers, risks, organisations' rows, partnerships, clubs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from goldenthread.platform.core.periods import parse_period
from goldenthread.tenants.models import Organisation

# The password of every test user (hashed quickly: the test settings use MD5).
PASSWORD = "correct-horse-battery-staple"


@dataclass
class OrganisationUser:
    user: object
    organisation: Organisation
    password: str

    @property
    def email(self) -> str:
        return self.user.email


def provision_organisation(
    *, slug: str, name: str, type: str = "district", **extra
) -> Organisation:
    from django_tenants.utils import schema_context

    from goldenthread.tenants.models import Module
    from goldenthread.tenants.services import organisation_create

    # Test organisations hold every module unless a test says otherwise (module licensing
    # is tested on its own, tests/platform/core/test_licensing.py).
    extra.setdefault("licensed_modules", list(Module.values))
    result = organisation_create(
        name=name,
        slug=slug,
        type=type,
        admin_email=f"admin@{slug}.example",
        admin_name=f"{name} Administrator",
        **extra,
    )
    # Provisioning only invites the administrator; tests sign in as them with PASSWORD.
    with schema_context(result.organisation.schema_name):
        result.administrator.set_password(PASSWORD)
        result.administrator.save(update_fields=["password"])
    return result.organisation


# One person per role, named as the `people` fixture of the performance tests names them (the
# publication tests read "Vera Verifier" back from the snapshots her approvals make); a role
# not listed is named after itself.
PEOPLE_BY_ROLE = {
    "org_admin": "Adam Admin",
    "performance_officer": "Olive Officer",
    "data_provider": "Pat Provider",
    "verifier": "Vera Verifier",
    "councillor": "Cllr Carter",
    "manager": "Max Manager",
    "auditor": "Aud Auditor",
}


@dataclass
class StaffedOrganisation:
    """An organisation with one person per role (`people`, by role) and at most one PI."""

    organisation: Organisation
    people: dict[str, object]
    indicator: object | None = None

    @property
    def schema_name(self) -> str:
        return self.organisation.schema_name

    @property
    def indicator_code(self) -> str:
        return self.indicator.code

    @property
    def officer(self):
        return self.people["performance_officer"]

    @property
    def administrator(self):
        return self.people["org_admin"]

    @property
    def provider(self):
        return self.people["data_provider"]

    @property
    def verifier(self):
        return self.people["verifier"]

    @property
    def councillor(self):
        return self.people["councillor"]


def provision_staffed_organisation(
    django_db_blocker,
    *,
    prefix: str,
    name: str,
    roles: tuple[str, ...] = ("performance_officer", "org_admin"),
    indicator_code: str | None = None,
    indicator_title: str = "Counted",
    indicator_frequency: str = "quarterly",
    assign_data_provider: bool = False,
    assign_verifier: bool = False,
    **organisation_fields,
) -> StaffedOrganisation:
    """A newly provisioned organisation (slug `prefix-<random>`) with one user per role in
    `roles` (e-mail `<role>@<slug>.example`, password `PASSWORD`) and, given `indicator_code`,
    one local PI (a number, higher is better) that the performance officer creates, all
    committed: made on a connection of its own, so the real worker, a live server or another
    session sees them whatever transaction the caller is in. The PI has no data provider and
    no verifier unless `assign_data_provider` (the `data_provider` person provides its values)
    or `assign_verifier` (the `verifier` person approves them) says so; each needs its role in
    `roles`. `organisation_fields` go to `provision_organisation` (e.g. `licensed_modules`,
    or `invite_administrator=False` where no invitation e-mail may reach the worker)."""
    import uuid

    from tests.fixtures.threads import run_in_own_connection

    for wanted, role in ((assign_data_provider, "data_provider"), (assign_verifier, "verifier")):
        if wanted and (indicator_code is None or role not in roles):
            raise ValueError(
                f"Assigning the PI's {role} needs `indicator_code` and {role!r} in roles."
            )
    slug = f"{prefix}-{uuid.uuid4().hex[:8]}"

    def provision() -> StaffedOrganisation:
        from django_tenants.utils import schema_context

        from goldenthread.platform.accounts.services import user_create
        from goldenthread.platform.indicators.services.indicators import indicator_create

        organisation = provision_organisation(slug=slug, name=name, **organisation_fields)
        with schema_context(organisation.schema_name):
            people = {
                role: user_create(
                    email=f"{role}@{slug}.example",
                    full_name=PEOPLE_BY_ROLE.get(role, role),
                    roles=[role],
                    password=PASSWORD,
                )
                for role in roles
            }
            indicator = None
            if indicator_code is not None:
                assigned = {}
                if assign_data_provider:
                    assigned["data_providers"] = [people["data_provider"]]
                if assign_verifier:
                    assigned["verifier"] = people["verifier"]
                indicator = indicator_create(
                    actor=people["performance_officer"],
                    code=indicator_code,
                    title=indicator_title,
                    unit_kind="number",
                    polarity="higher",
                    frequency=indicator_frequency,
                    **assigned,
                )
        return StaffedOrganisation(organisation, people, indicator)

    with django_db_blocker.unblock():
        return run_in_own_connection(None, provision)


# factory-boy factories for the main models. They write straight to the models (test data,
# not behaviour under test: use the services when the write itself is what a test is about).
# Tenant models are written in the schema the connection is on (`schema_context(...)`, or
# `connection.set_tenant(org)`), shared ones (organisations, partnerships, clubs) in public.
# Unique fields come from sequences, so tests may build as many as they like.


class UserFactory(DjangoModelFactory):
    """A user of the current organisation: `UserFactory(roles=["manager"])`. Signs in with
    `PASSWORD` (hashed quickly: the test settings use MD5)."""

    class Meta:
        model = "accounts.User"

    email = factory.Sequence(lambda n: f"user-{n:05d}@factory.example")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    roles = factory.LazyFunction(list)
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, password=PASSWORD, **fields):
        return model_class._default_manager.create_user(fields.pop("email"), password, **fields)


class IndicatorFactory(DjangoModelFactory):
    """A local PI: quarterly, a percentage, higher is better."""

    class Meta:
        model = "indicators.Indicator"

    code = factory.Sequence(lambda n: f"PI-{n:05d}")
    title = "Household waste recycled"
    unit_kind = "percentage"
    polarity = "higher"
    frequency = "quarterly"
    decimal_places = 1
    owner = None


class _PeriodFactory(DjangoModelFactory):
    """A row with a period: `period="2024/25 Q1"` fills its code, type, start and end."""

    class Meta:
        abstract = True

    period = "2024/25 Q1"

    @classmethod
    def _create(cls, model_class, *args, **fields):
        period = fields.pop("period")
        row = model_class(**fields)
        row.set_period(parse_period(period) if isinstance(period, str) else period)
        row.save()
        return row


class TargetFactory(_PeriodFactory):
    class Meta:
        model = "indicators.Target"

    indicator = factory.SubFactory(IndicatorFactory)
    value = factory.Faker("pydecimal", left_digits=2, right_digits=1, positive=True)
    set_at = factory.LazyFunction(timezone.now)


class IndicatorValueFactory(_PeriodFactory):
    """An entered value; `status` is the stored status (none unless given), `workflow_status`
    "approved" by default."""

    class Meta:
        model = "indicators.IndicatorValue"

    indicator = factory.SubFactory(IndicatorFactory)
    value = factory.Faker("pydecimal", left_digits=2, right_digits=1, positive=True)
    state = "entered"
    workflow_status = "approved"
    entered_at = factory.LazyFunction(timezone.now)


class StrategyNodeFactory(DjangoModelFactory):
    class Meta:
        model = "planning.StrategyNode"

    level = 1
    parent = None
    owner = None
    code = factory.Sequence(lambda n: f"S-{n:05d}")
    title = "Outcome"


class ActionPlanFactory(DjangoModelFactory):
    class Meta:
        model = "planning.ActionPlan"

    code = factory.Sequence(lambda n: f"PLAN-{n:05d}")
    title = "Service plan"
    owner = None
    strategy_node = None


class ActionFactory(DjangoModelFactory):
    """An open action in its own plan, started ten days ago and due in ten days."""

    class Meta:
        model = "planning.Action"

    plan = factory.SubFactory(ActionPlanFactory)
    code = factory.Sequence(lambda n: f"ACT-{n:05d}")
    title = "Deliver the thing"
    assigned_to = None
    managed_by = None
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    progress = 0
    state = "open"
    completed_on = factory.LazyAttribute(
        lambda action: timezone.localdate() if action.state == "completed" else None
    )


class RiskRegisterFactory(DjangoModelFactory):
    class Meta:
        model = "planning.RiskRegister"

    name = factory.Sequence(lambda n: f"Register {n:05d}")
    kind = "operational"
    owner = None


class RiskFactory(DjangoModelFactory):
    """An open risk scored 3 x 3 now (5 x 5 inherent, 1 x 1 target), reviewed in 30 days."""

    class Meta:
        model = "planning.Risk"

    register = factory.SubFactory(RiskRegisterFactory)
    code = factory.Sequence(lambda n: f"RISK-{n:05d}")
    title = "Loss of key staff"
    owner = None
    inherent_likelihood = 5
    inherent_impact = 5
    current_likelihood = 3
    current_impact = 3
    target_likelihood = 1
    target_impact = 1
    current_score = factory.LazyAttribute(
        lambda risk: risk.current_likelihood * risk.current_impact
    )
    review_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    state = "open"


class OrganisationFactory(DjangoModelFactory):
    """An organisation's row in the public schema, without a schema of its own: enough to be
    a partner or a club member whose data are read from the shared store."""

    class Meta:
        model = "tenants.Organisation"

    slug = factory.Sequence(lambda n: f"factory-org-{n:05d}")
    schema_name = factory.LazyAttribute(lambda organisation: organisation.slug.replace("-", "_"))
    name = factory.Sequence(lambda n: f"Factory Council {n}")
    type = "district"
    # Every module, as `provision_organisation` gives (licensing is tested on its own).
    licensed_modules = factory.LazyFunction(
        lambda: ["performance", "planning", "partnerships", "benchmarking"]
    )


class PartnershipFactory(DjangoModelFactory):
    """A partnership led by a new organisation; `members=[org, ...]` adds members besides the
    lead (which is a member with the lead role)."""

    class Meta:
        model = "partnerships.Partnership"
        skip_postgeneration_save = True  # the hook adds members; the partnership is saved

    name = factory.Sequence(lambda n: f"Factory Partnership {n}")
    type = "community_safety"
    lead_organisation = factory.SubFactory(OrganisationFactory)
    starts_on = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if not create:
            return
        from goldenthread.partnerships.models import PartnershipMember

        PartnershipMember.objects.create(
            partnership=self, organisation=self.lead_organisation, role="lead"
        )
        for organisation in extracted or ():
            PartnershipMember.objects.create(partnership=self, organisation=organisation)


class ClubFactory(DjangoModelFactory):
    """A benchmarking club run by a new organisation (anonymised, five members with data before
    figures show); `members=[org, ...]` adds memberships besides the runner's."""

    class Meta:
        model = "benchmarking.Club"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Factory Club {n}")
    administering_organisation = factory.SubFactory(OrganisationFactory)
    anonymised = True
    minimum_members_with_data = 5

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if not create:
            return
        from goldenthread.shared_indicators.benchmarking.models import ClubMembership

        for organisation in [self.administering_organisation, *(extracted or ())]:
            ClubMembership.objects.create(club=self, organisation=organisation)


# A partnership set up through the services (agreements are behaviour, not rows to write):
# the shape several end-to-end tests start from.


@dataclass
class SharedPartnership:
    partnership: object
    version: object  # the agreement's version, sent for acceptance
    code: str  # the partnership PI whose values the agreement shares


def partnership_sharing_values(
    *,
    lead: Organisation,
    lead_admin,
    member: Organisation,
    member_admin,
    code: str,
    name: str,
    type: str = "lsp",
    polarity: str = "higher",
    title: str = "Agreement",
    purpose: str = "Reporting",
) -> SharedPartnership:
    """`lead` leads a partnership with `member` in it and one partnership PI `code` (summed);
    an agreement sharing its values, which both organisations have
    accepted, is in force from 1 April 2024."""
    from datetime import date

    from goldenthread.partnerships import services

    starts_on = date(2024, 4, 1)
    partnership = services.partnership_create(
        organisation=lead, actor=lead_admin, name=name, type=type, starts_on=starts_on
    )
    services.partnership_member_add(
        partnership=partnership, organisation=lead, actor=lead_admin, member=member
    )
    services.partnership_indicator_create(
        partnership=partnership,
        organisation=lead,
        actor=lead_admin,
        aggregation="sum",
        code=code,
        title=f"Partnership PI {code}",
        polarity=polarity,
    )
    version = services.agreement_create(
        partnership=partnership,
        organisation=lead,
        actor=lead_admin,
        title=title,
        parties=[lead, member],
        indicator_codes=[code],
        fields=["values"],
        purpose=purpose,
        lawful_basis="not_personal",
        retention_months=12,
        starts_on=starts_on,
    )
    services.agreement_send_for_acceptance(version=version, organisation=lead, actor=lead_admin)
    services.agreement_accept(version=version, organisation=lead, actor=lead_admin)
    services.agreement_accept(version=version, organisation=member, actor=member_admin)
    return SharedPartnership(partnership=partnership, version=version, code=code)
