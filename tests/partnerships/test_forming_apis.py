"""REST under /api/v1/partnerships/ that forms and runs a partnership: form, invite, answer
from the invited organisation's host, draft, send and sign an agreement, set targets."""

from __future__ import annotations

import pytest

from goldenthread.partnerships.models import (
    AgreementVersion,
    CascadedTarget,
    Partnership,
    PartnershipIndicator,
    PartnershipInvitation,
    PartnershipMember,
)

from .conftest import approve, publish_pending, unique_code

pytestmark = pytest.mark.django_db


def api(client_for, party, user=None):
    client = client_for(party.organisation, user=user or party.admin)

    class Api:
        def get(self, path):
            return client.get(f"/api/v1/partnerships/{path}")

        def post(self, path, data=None):
            return client.post(
                f"/api/v1/partnerships/{path}", data or {}, content_type="application/json"
            )

        def put(self, path, data):
            return client.put(f"/api/v1/partnerships/{path}", data, content_type="application/json")

        def patch(self, path, data):
            return client.patch(
                f"/api/v1/partnerships/{path}", data, content_type="application/json"
            )

    return Api()


def form(client_for, party, name, **overrides):
    body = {"name": name, "type": "health_wellbeing", "starts_on": "2024-04-01"}
    body.update(overrides)
    return api(client_for, party).post("", body)


def test_form_invite_accept_draft_send_sign_and_read_through_rest(parties, client_for):
    county, police, health = parties.county, parties.police, parties.health
    name = f"Health and wellbeing board {unique_code()}"

    formed = form(client_for, county, name, signatory_emails=["dph@county.example"])
    assert formed.status_code == 201, formed.json()
    pk = formed.json()["id"]
    assert formed.json()["lead_organisation"] == county.name

    invitable = api(client_for, county).get(f"{pk}/invitable-organisations/").json()
    assert {"id": health.organisation.pk, "name": health.name} in invitable
    assert all(set(o) == {"id", "name"} for o in invitable)
    for party in (police, health):
        invited = api(client_for, county).post(
            f"{pk}/invitations/",
            {"organisation_id": party.organisation.pk, "signatory_emails": ["lead@x.example"]},
        )
        assert invited.status_code == 201, invited.json()

    # Each answers on its own host; the police name their own signatory instead.
    [to_police] = api(client_for, police).get("invitations/").json()
    assert to_police["partnership"]["name"] == name
    accepted = api(client_for, police).post(
        f"invitations/{to_police['id']}/accept/", {"signatory_emails": [police.officer.email]}
    )
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    [to_health] = api(client_for, health).get("invitations/").json()
    api(client_for, health).post(f"invitations/{to_health['id']}/accept/")
    members = api(client_for, county).get(f"{pk}/members/").json()
    assert {m["organisation"]: m["role"] for m in members} == {
        county.name: "lead",
        police.name: "member",
        health.name: "member",
    }
    assert {m["organisation"]: m["signatory_emails"] for m in members}[police.name] is None
    assert PartnershipMember.objects.get(
        partnership_id=pk, organisation=police.organisation
    ).signatory_emails == [police.officer.email]
    assert PartnershipMember.objects.get(
        partnership_id=pk, organisation=health.organisation
    ).signatory_emails == ["lead@x.example"]

    code = unique_code("HWB")
    made = api(client_for, county).post(
        f"{pk}/indicators/",
        {"aggregation": "sum", "code": code, "title": "Falls admissions", "polarity": "lower"},
    )
    assert made.status_code == 201, made.json()
    drafted = api(client_for, county).post(
        f"{pk}/agreements/",
        {
            "title": "Falls data",
            "party_ids": [p.organisation.pk for p in (county, police, health)],
            "indicator_codes": [code],
            "fields": ["values"],
            "purpose": "Falls prevention",
            "lawful_basis": "not_personal",
            "retention_months": 12,
            "starts_on": "2024-04-01",
        },
    )
    assert drafted.status_code == 201, drafted.json()
    version_id = drafted.json()["id"]
    assert drafted.json()["status"] == "draft"
    patched = api(client_for, county).patch(f"agreements/{version_id}/", {"purpose": "Falls"})
    assert patched.status_code == 200 and patched.json()["purpose"] == "Falls"

    assert api(client_for, county).post(f"agreements/{version_id}/send/").status_code == 200
    api(client_for, county).post(f"agreements/{version_id}/accept/")
    api(client_for, police, user=police.officer).post(f"agreements/{version_id}/accept/")
    signed = api(client_for, health).post(f"agreements/{version_id}/accept/")
    assert signed.json()["status"] == "active"

    approve(police, code, "2024/25 Q4", 17)
    publish_pending(police, [code])
    body = (
        api(client_for, health, user=health.reader).get(f"{pk}/dashboard/?period=2024/25 Q4").json()
    )
    [indicator] = body["indicators"]
    [q4] = [f for f in indicator["figures"] if f["period"] == "2024/25 Q4"]
    [from_police] = [c for c in q4["contributions"] if c["organisation"] == police.name]
    assert from_police["value"] == "17"
    assert from_police["provenance"]["agreement_version_id"] == version_id


def test_rest_refusals_change_nothing(scenario, client_for):
    parties = scenario.parties
    county, police, outsider = parties.county, parties.police, parties.outsider
    pk = scenario.partnership.pk
    before = (Partnership.objects.count(), AgreementVersion.objects.count())

    # Forming: only administrators.
    by_officer = api(client_for, county, user=county.officer).post(
        "", {"name": "Nope 2", "type": "lsp", "starts_on": "2024-04-01"}
    )
    assert by_officer.status_code == 403 and by_officer.json()["code"] == "permission_denied"
    # Inviting: the lead's administrators only; non-members are told nothing exists.
    body = {"organisation_id": outsider.organisation.pk}
    assert api(client_for, police).post(f"{pk}/invitations/", body).status_code == 403
    assert (
        api(client_for, county, user=county.officer).post(f"{pk}/invitations/", body).status_code
        == 403
    )
    assert api(client_for, outsider).post(f"{pk}/invitations/", body).status_code == 404
    assert api(client_for, police).get(f"{pk}/invitations/").status_code == 403
    assert not PartnershipInvitation.objects.filter(partnership_id=pk).exists()
    # Drafting: the lead's managers only.
    draft = {
        "title": "X",
        "party_ids": [county.organisation.pk, police.organisation.pk],
        "indicator_codes": [scenario.indicators["sum"].code],
        "fields": ["values"],
        "purpose": "p",
        "lawful_basis": "public_task",
        "retention_months": 12,
        "starts_on": "2024-04-01",
    }
    assert api(client_for, police).post(f"{pk}/agreements/", draft).status_code == 403
    assert api(client_for, outsider).post(f"{pk}/agreements/", draft).status_code == 404
    # Anonymous.
    anonymous = client_for(county.organisation).post(
        "/api/v1/partnerships/", {"name": "A"}, content_type="application/json"
    )
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    assert (Partnership.objects.count(), AgreementVersion.objects.count()) == before


def test_org_b_cannot_answer_org_as_invitation(formed_with_invitation, client_for, parties):
    invitation = formed_with_invitation
    path = f"invitations/{invitation.pk}/accept/"

    assert api(client_for, parties.outsider).post(path).status_code == 404
    assert api(client_for, parties.county).post(path).status_code == 404
    assert (
        api(client_for, parties.police, user=parties.police.officer).post(path).status_code == 403
    )
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert api(client_for, parties.outsider).get("invitations/").json() == []


@pytest.fixture
def formed_with_invitation(parties):
    from datetime import date

    from goldenthread.partnerships import services

    county = parties.county
    partnership = services.partnership_create(
        organisation=county.organisation,
        actor=county.admin,
        name=f"CSP {unique_code()}",
        type="community_safety",
        starts_on=date(2024, 4, 1),
    )
    return services.partnership_invite(
        partnership=partnership,
        organisation=county.organisation,
        actor=county.admin,
        invitee=parties.police.organisation,
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"indicator_codes": ["NOPE-1"]}, "indicator_codes"),
        ({"party_ids": ["x"]}, "party_ids"),
        ({"fields": ["gossip"]}, "fields"),
        ({"fields": ["commentary"]}, "fields"),
        ({"lawful_basis": "vibes"}, "lawful_basis"),
        ({"retention_months": 0}, "retention_months"),
        ({"ends_on": "2020-01-01"}, "ends_on"),
    ],
)
def test_bad_agreement_input_names_the_field_and_drafts_nothing(
    scenario, client_for, change, field
):
    parties = scenario.parties
    draft = {
        "title": "Bad",
        "party_ids": [parties.county.organisation.pk, parties.police.organisation.pk],
        "indicator_codes": [scenario.indicators["sum"].code],
        "fields": ["values"],
        "purpose": "p",
        "lawful_basis": "public_task",
        "retention_months": 12,
        "starts_on": "2024-04-01",
        **change,
    }
    before = AgreementVersion.objects.count()

    response = api(client_for, parties.county).post(f"{scenario.partnership.pk}/agreements/", draft)

    assert response.status_code == 400, response.json()
    assert field in response.json()["extra"]["fields"], response.json()
    assert AgreementVersion.objects.count() == before


def test_cascaded_targets_through_rest(scenario, client_for):
    parties = scenario.parties
    indicator = scenario.indicators["sum"]
    path = f"indicators/{indicator.pk}/targets/"
    body = {
        "period_code": "2024/25 Q4",
        "value": "40",
        "organisation_id": parties.district.organisation.pk,
    }

    assert api(client_for, parties.police).post(path, body).status_code == 403
    assert api(client_for, parties.outsider).post(path, body).status_code == 404
    bad = api(client_for, parties.county).post(path, {**body, "period_code": "2024-05"})
    assert bad.status_code == 400 and "period_code" in bad.json()["extra"]["fields"]
    outsider = api(client_for, parties.county).post(
        path, {**body, "organisation_id": parties.outsider.organisation.pk}
    )
    assert outsider.status_code == 400 and "member" in outsider.json()["extra"]["fields"]
    assert not CascadedTarget.objects.filter(indicator=indicator).exists()

    saved = api(client_for, parties.county).post(path, body)
    assert saved.status_code == 201 and saved.json()["value"] == "40"
    assert (
        CascadedTarget.objects.get(indicator=indicator).organisation
        == parties.district.organisation
    )
    assert PartnershipIndicator.objects.filter(pk=indicator.pk).exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12,5", "The target '12,5' looks like 12.5 written with a decimal comma; type 12.5."),
        (
            "1,234",
            "The target '1,234' could be 1234 (a comma between thousands) or 1.234 (a decimal "
            "comma); type 1234 or 1.234.",
        ),
        ("lots", "The target must be a number, not 'lots'."),
    ],
)
def test_a_shared_target_with_a_decimal_comma_is_refused_through_rest(
    scenario, client_for, typed, message
):
    from goldenthread.partnerships.models import PartnershipTarget

    indicator = scenario.indicators["sum"]
    path = f"indicators/{indicator.pk}/targets/"
    lead = api(client_for, scenario.parties.county)
    refused = lead.post(path, {"period_code": "2024/25 Q4", "value": typed})
    assert refused.status_code == 400
    assert refused.json()["message"] == message
    assert refused.json()["extra"]["fields"] == {"value": [message]}
    assert not PartnershipTarget.objects.filter(indicator=indicator).exists()
    saved = lead.post(path, {"period_code": "2024/25 Q4", "value": 1234.5})
    assert saved.status_code == 201 and saved.json()["value"] == "1234.5"
