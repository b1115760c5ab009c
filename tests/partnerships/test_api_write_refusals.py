"""Every REST write of partnerships, refused to anonymous callers, to another organisation
(its key on the lead's host; the lead's partnership on its own host), to a role without the
right, and done for the allowed role (see `tests/refusals.py`). The lead is the county; the
other organisation, the outsider."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from django_tenants.utils import schema_context

from tests.refusals import Call, World, Write, check_the_four_refusals

_numbers = itertools.count(1)
ADMIN, OFFICER, PROVIDER = "org_admin", "performance_officer", "data_provider"
A = "api/v1/partnerships/"


def unique(prefix: str) -> str:
    return f"{prefix}-RF{next(_numbers):04d}"


def partnership(world: World, *members):
    """A partnership the home organisation leads, with `members` joined."""
    from goldenthread.partnerships import services

    made = services.partnership_create(
        organisation=world.home,
        actor=world.user(ADMIN),
        name=unique("Refusals LSP"),
        type="lsp",
        starts_on=date(2024, 4, 1),
    )
    for member in members:
        services.partnership_member_add(
            partnership=made, organisation=world.home, actor=world.user(ADMIN), member=member
        )
    return made


def shared_indicator(world: World, led):
    from goldenthread.partnerships import services

    return services.partnership_indicator_create(
        partnership=led,
        organisation=world.home,
        actor=world.user(ADMIN),
        aggregation="sum",
        code=unique("WLSP"),
        title="Shared",
        polarity="higher",
        frequency="quarterly",
        decimal_places=1,
    )


def draft_agreement(world: World):
    from goldenthread.partnerships import services

    partner = world.context["district"]
    led = partnership(world, partner)
    indicator = shared_indicator(world, led)
    return services.agreement_create(
        partnership=led,
        organisation=world.home,
        actor=world.user(ADMIN),
        title="Refusals agreement",
        parties=[world.home, partner],
        indicator_codes=[indicator.code],
        fields=["values"],
        purpose="Joint reporting.",
        lawful_basis="not_personal",
        retention_months=12,
        starts_on=date(2024, 4, 1),
    )


def agreement_terms(world: World, led, code: str) -> dict:
    return {
        "title": "Drafted",
        "party_ids": [world.home.pk, world.context["district"].pk],
        "indicator_codes": [code],
        "fields": ["values"],
        "purpose": "Joint reporting.",
        "lawful_basis": "not_personal",
        "retention_months": 12,
        "starts_on": "2024-04-01",
    }


def _create(world: World) -> Call:
    body = {"name": unique("New LSP"), "type": "lsp", "starts_on": "2024-04-01"}
    return Call(f"/{A}", body, names_an_object=False)


def _signatories(world: World) -> Call:
    body = {"signatory_emails": [world.user(ADMIN).email]}
    return Call(f"/{A}{partnership(world).pk}/signatories/", body)


def _invite(world: World) -> Call:
    body = {"organisation_id": world.context["district"].pk}
    return Call(f"/{A}{partnership(world).pk}/invitations/", body)


def _new_agreement(world: World) -> Call:
    led = partnership(world, world.context["district"])
    code = shared_indicator(world, led).code
    return Call(f"/{A}{led.pk}/agreements/", agreement_terms(world, led, code))


def _new_indicator(world: World) -> Call:
    body = {"aggregation": "sum", "code": unique("WLSP"), "title": "New", "polarity": "higher"}
    return Call(f"/{A}{partnership(world).pk}/indicators/", body)


def _target(world: World) -> Call:
    indicator = shared_indicator(world, partnership(world))
    body = {"period_code": "2024/25 Q1", "value": "5"}
    return Call(f"/{A}indicators/{indicator.pk}/targets/", body)


def _change_draft(world: World) -> Call:
    return Call(f"/{A}agreements/{draft_agreement(world).pk}/", {"purpose": "Changed purpose."})


def _send(world: World) -> Call:
    return Call(f"/{A}agreements/{draft_agreement(world).pk}/send/", {})


def _accept_invitation(world: World) -> Call:
    """The district leads a partnership and invites the home organisation, which accepts."""
    from goldenthread.partnerships import services

    district = world.context["district"]
    district_admin = world.make_user(district, roles=[ADMIN]).user
    led = services.partnership_create(
        organisation=district,
        actor=district_admin,
        name=unique("District LSP"),
        type="lsp",
        starts_on=date(2024, 4, 1),
    )
    invitation = services.partnership_invite(
        partnership=led, organisation=district, actor=district_admin, invitee=world.home
    )
    return Call(f"/{A}invitations/{invitation.pk}/accept/", {})


def _light_invite(world: World) -> Call:
    led = partnership(world)
    shared_indicator(world, led)
    body = {"body_name": "Little Snoring Parish Council", "body_type": "parish"}
    body["email"] = f"clerk-{next(_numbers)}@snoring.example"
    return Call(f"/{A}{led.pk}/light-invitations/", body)


def _light_withdraw(world: World) -> Call:
    from goldenthread.partnerships.services import light_partners

    led = partnership(world)
    shared_indicator(world, led)
    invitation = light_partners.light_partner_invite(
        partnership=led,
        organisation=world.home,
        actor=world.user(ADMIN),
        body_name="Great Snoring Village Hall",
        body_type="voluntary",
        email=f"hall-{next(_numbers)}@snoring.example",
    )
    return Call(f"/{A}light-invitations/{invitation.pk}/withdraw/", {})


WRITES = {
    ("POST", A): Write(ADMIN, OFFICER, _create, 201),
    ("PUT", f"{A}<int:pk>/signatories/"): Write(ADMIN, OFFICER, _signatories),
    ("POST", f"{A}<int:pk>/invitations/"): Write(ADMIN, OFFICER, _invite, 201),
    ("POST", f"{A}<int:pk>/agreements/"): Write(ADMIN, PROVIDER, _new_agreement, 201),
    ("POST", f"{A}<int:pk>/indicators/"): Write(OFFICER, PROVIDER, _new_indicator, 201),
    ("POST", f"{A}indicators/<int:indicator_id>/targets/"): Write(OFFICER, PROVIDER, _target, 201),
    ("PATCH", f"{A}agreements/<int:version_id>/"): Write(OFFICER, PROVIDER, _change_draft),
    ("POST", f"{A}agreements/<int:version_id>/<slug:action>/"): Write(ADMIN, PROVIDER, _send),
    ("POST", f"{A}invitations/<int:invitation_id>/<slug:action>/"): Write(
        ADMIN, OFFICER, _accept_invitation
    ),
    ("POST", f"{A}<int:pk>/light-invitations/"): Write(ADMIN, OFFICER, _light_invite, 201),
    ("POST", f"{A}light-invitations/<int:invitation_id>/withdraw/"): Write(
        ADMIN, OFFICER, _light_withdraw
    ),
}


@pytest.fixture
def world(partnership_organisations, make_user, db) -> World:
    organisations = partnership_organisations
    made = World(home=organisations["county"], other=organisations["outsider"], make_user=make_user)
    made.context["district"] = organisations["district"]
    return made


@pytest.mark.parametrize(
    ("method", "route"), sorted(WRITES), ids=[" ".join(write) for write in sorted(WRITES)]
)
def test_a_partnership_write_is_refused_to_all_but_the_allowed_role(world, method, route):
    with schema_context("public"):
        check_the_four_refusals(world, method, WRITES[(method, route)])
