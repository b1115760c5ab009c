"""REST under /api/v1/partnerships/: visibility, scope, the read log, lifecycle actions."""

from __future__ import annotations

import pytest

from goldenthread.shared_indicators.publication.models import CrossOrganisationRead

from .conftest import approve, sign_all

pytestmark = pytest.mark.django_db


def get(client_for, party, path, user=None):
    return client_for(party.organisation, user=user or party.reader).get(path)


def contribution(body, code, organisation_name, period="2024/25 Q4"):
    [indicator] = [i for i in body["indicators"] if i["code"] == code]
    [figure] = [f for f in indicator["figures"] if f["period"] == period]
    [found] = [c for c in figure["contributions"] if c["organisation"] == organisation_name]
    return figure, found


def test_a_non_member_and_anonymous_see_nothing(scenario, client_for):
    outsider = scenario.parties.outsider
    sign_all(scenario)
    pk = scenario.partnership.pk
    assert get(client_for, outsider, "/api/v1/partnerships/").json() == []
    for path in (f"/api/v1/partnerships/{pk}/dashboard/", f"/api/v1/partnerships/{pk}/agreements/"):
        response = get(client_for, outsider, path, user=outsider.admin)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    anonymous = client_for(scenario.parties.county.organisation).get("/api/v1/partnerships/")
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"


def test_a_member_reads_the_figures_the_scope_allows_and_the_read_is_logged(scenario, client_for):
    parties = scenario.parties
    version = sign_all(scenario)
    code = scenario.indicators["mean"].code
    approve(parties.police, code, "2024/25 Q4", 60, commentary="Not shared")
    before = CrossOrganisationRead.objects.filter(interface="rest").count()
    body = get(
        client_for,
        parties.county,
        f"/api/v1/partnerships/{scenario.partnership.pk}/dashboard/?period=2024/25 Q4",
    ).json()
    figure, police = contribution(body, code, parties.police.name)
    assert figure["value"] == "60" and police["commentary"] == ""
    assert police["provenance"]["agreement_version_id"] == version.pk
    assert police["provenance"]["approved_by"] == parties.police.verifier.full_name
    assert CrossOrganisationRead.objects.filter(interface="rest").count() == before + 1


def test_revocation_through_the_api_removes_the_data_and_a_non_signatory_changes_nothing(
    scenario, client_for
):
    parties = scenario.parties
    version = sign_all(scenario)
    code = scenario.indicators["mean"].code
    approve(parties.police, code, "2024/25 Q4", 60)
    url = f"/api/v1/partnerships/agreements/{version.pk}/revoke/"
    refused = client_for(parties.police.organisation, user=parties.police.officer).post(
        url, {"reason": "No"}, content_type="application/json"
    )
    assert refused.status_code == 403
    version.refresh_from_db()
    assert version.status == "active"
    done = client_for(parties.police.organisation, user=parties.police.admin).post(
        url, {"reason": "Data protection review"}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "revoked"
    body = get(
        client_for,
        parties.county,
        f"/api/v1/partnerships/{scenario.partnership.pk}/dashboard/?period=2024/25 Q4",
    ).json()
    figure, police = contribution(body, code, parties.police.name)
    assert figure["value"] is None and police["value"] is None and police["provenance"] is None


def test_agreements_are_listed_for_their_parties(scenario, client_for):
    parties = scenario.parties
    sign_all(scenario)
    body = get(
        client_for, parties.health, f"/api/v1/partnerships/{scenario.partnership.pk}/agreements/"
    ).json()
    assert [(v["number"], v["status"]) for v in body] == [(1, "active")]
    assert {a["organisation"] for a in body[0]["accepted_by"]} == {p.name for p in scenario.members}
