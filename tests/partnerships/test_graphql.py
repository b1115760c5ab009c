"""The partnership dashboard over GraphQL: visibility, scope, provenance, the read log,
ending agreements, and a query count that does not grow with the data."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.partnerships import services
from goldenthread.shared_indicators.publication.models import CrossOrganisationRead

from .conftest import approve, sign_all

pytestmark = pytest.mark.django_db

DASHBOARD = """
query Dashboard($id: ID!, $periods: [String!]) {
  partnership(id: $id) {
    name
    leadOrganisation { name }
    members { organisation { name } role }
    agreements { number status parties { name } acceptances { organisation { name } } }
    sharedIndicators(periodCodes: $periods) {
      code aggregation
      figures {
        periodCode value complete partialValue target
        status { code label } shortTrend { code } longTrend { code }
        missingMembers { name }
        contributions {
          organisation { name } state value target cascadedTarget commentary restated
          status { code }
          provenance { organisation { name } approvedBy approvedAt publishedAt revision
                       agreementVersionId agreementLabel }
          history { revision value }
        }
        provenance { organisation { name } agreementVersionId }
      }
    }
  }
}
"""


def run(client, query, **variables):
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
    )
    return response


def dashboard(client_for, party, scenario, periods=("2024/25 Q4",)):
    client = client_for(party.organisation, user=party.reader)
    response = run(client, DASHBOARD, id=str(scenario.partnership.pk), periods=list(periods))
    assert response.status_code == 200, response.content
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["partnership"]


def contributions_of(data, code, period="2024/25 Q4"):
    [indicator] = [i for i in data["sharedIndicators"] if i["code"] == code]
    [figure] = [f for f in indicator["figures"] if f["periodCode"] == period]
    return figure, {c["organisation"]["name"]: c for c in figure["contributions"]}


def test_a_non_member_sees_nothing(scenario, client_for):
    outsider = scenario.parties.outsider
    sign_all(scenario)
    approve(scenario.parties.police, scenario.indicators["mean"].code, "2024/25 Q4", 60)
    client = client_for(outsider.organisation, user=outsider.admin)
    assert dashboard(client_for, outsider, scenario) is None
    response = run(client, "{ partnerships { id name } }")
    assert response.json() == {"data": {"partnerships": []}}


def test_anonymous_is_refused(scenario, client_for):
    response = run(client_for(scenario.parties.county.organisation), "{ partnerships { id } }")
    assert response.status_code == 401


def test_a_member_sees_the_figures_the_scope_allows_with_provenance(scenario, client_for):
    parties = scenario.parties
    version = sign_all(scenario)
    code = scenario.indicators["mean"].code
    approve(parties.police, code, "2024/25 Q4", 60, commentary="Not shared")
    approve(parties.county, code, "2024/25 Q4", 40)

    data = dashboard(client_for, parties.district, scenario)
    figure, by_member = contributions_of(data, code)
    assert Decimal(figure["value"]) == 50
    assert figure["complete"] is False
    assert {m["name"] for m in figure["missingMembers"]} == {
        parties.district.name,
        parties.health.name,
    }
    police = by_member[parties.police.name]
    assert Decimal(police["value"]) == 60
    assert police["commentary"] == ""  # the agreement does not share commentary
    assert police["provenance"] == {
        "organisation": {"name": parties.police.name},
        "approvedBy": parties.police.verifier.full_name,
        "approvedAt": police["provenance"]["approvedAt"],
        "publishedAt": police["provenance"]["publishedAt"],
        "revision": 1,
        "agreementVersionId": str(version.pk),
        "agreementLabel": version.label,
    }
    assert police["provenance"]["approvedAt"] and police["provenance"]["publishedAt"]
    assert by_member[parties.health.name]["state"] == "missing"
    assert by_member[parties.health.name]["value"] is None
    assert [a["status"] for a in data["agreements"]] == ["active"]


def test_every_cross_organisation_read_is_logged_and_the_owner_can_see_it(scenario, client_for):
    parties = scenario.parties
    version = sign_all(scenario)
    code = scenario.indicators["mean"].code
    approve(parties.police, code, "2024/25 Q4", 60)
    approve(parties.health, code, "2024/25 Q4", 70)
    before = set(CrossOrganisationRead.objects.values_list("pk", flat=True))

    dashboard(client_for, parties.county, scenario)

    (new,) = CrossOrganisationRead.objects.exclude(pk__in=before)
    owners = sorted([parties.police.organisation.pk, parties.health.organisation.pk])
    assert (new.owner_ids, new.basis_ids, new.interface, new.reader_user) == (
        owners,
        [version.pk, version.pk],
        "graphql",
        parties.county.reader.email,
    )
    query = """{ readsOfOurData {
        readerOrganisation { name } readerUser agreementLabel what interface } }"""
    own = run(client_for(parties.police.organisation, user=parties.police.admin), query).json()
    assert own["data"]["readsOfOurData"][0] == {
        "readerOrganisation": {"name": parties.county.name},
        "readerUser": parties.county.reader.email,
        "agreementLabel": version.label,
        "what": {"indicators": [{"code": code, "periods": ["2024/25 Q4"]}]},
        "interface": "graphql",
    }
    # Another party's log holds nothing of the police's reads; a user without the role is refused.
    district = run(
        client_for(parties.district.organisation, user=parties.district.admin), query
    ).json()
    assert district["data"]["readsOfOurData"] == []
    refused = run(client_for(parties.police.organisation, user=parties.police.reader), query).json()
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_after_revocation_the_data_is_gone_from_graphql(scenario, client_for):
    parties = scenario.parties
    version = sign_all(scenario)
    code = scenario.indicators["mean"].code
    approve(parties.police, code, "2024/25 Q4", 60)
    _, before = contributions_of(dashboard(client_for, parties.county, scenario), code)
    assert (
        before[parties.police.name]["value"] == "60.000000"
        or Decimal(before[parties.police.name]["value"]) == 60
    )
    services.agreement_revoke(
        version=version,
        organisation=parties.police.organisation,
        actor=parties.police.admin,
        reason="Withdrawn",
    )
    data = dashboard(client_for, parties.county, scenario)
    figure, after = contributions_of(data, code)
    assert figure["value"] is None
    assert (
        after[parties.police.name]["value"] is None
        and after[parties.police.name]["provenance"] is None
    )
    assert [a["status"] for a in data["agreements"]] == ["revoked"]


def _count_dashboard_queries(client_for, party, scenario, periods):
    client = client_for(party.organisation, user=party.reader)
    with CaptureQueriesContext(connection) as queries:
        response = run(client, DASHBOARD, id=str(scenario.partnership.pk), periods=list(periods))
    assert "errors" not in response.json()
    return len(queries)


def test_the_query_count_does_not_depend_on_members_indicators_or_periods(scenario, client_for):
    parties = scenario.parties
    sign_all(scenario)
    codes = [i.code for i in scenario.indicators.values()]
    approve(parties.police, codes[0], "2024/25 Q4", 60)
    small = _count_dashboard_queries(client_for, parties.county, scenario, ["2024/25 Q4"])

    # More published values, more periods, and (below) more indicators and members.
    for party in scenario.members:
        for code in codes[:2]:
            for period in ("2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4"):
                if (party, code, period) != (parties.police, codes[0], "2024/25 Q4"):
                    approve(party, code, period, 10, publish=False)
    from .conftest import publish_everything

    publish_everything(scenario)
    county = parties.county
    services.partnership_indicator_create(
        partnership=scenario.partnership,
        organisation=county.organisation,
        actor=county.admin,
        aggregation="sum",
        code="WLSP-EXTRA",
        title="Extra",
        polarity="lower",
    )
    services.partnership_member_add(
        partnership=scenario.partnership,
        organisation=county.organisation,
        actor=county.admin,
        member=parties.outsider.organisation,
        role="observer",
    )
    large = _count_dashboard_queries(
        client_for,
        parties.county,
        scenario,
        ["2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4"],
    )
    assert large == small


def test_an_agreement_past_its_end_date_shows_nothing_at_once(scenario, client_for):
    """The end date is checked on every read: the day after it, before the nightly expiry
    has marked the version expired, the dashboard already shows nothing through it (read
    twice first, so nothing computed earlier may linger)."""
    from datetime import timedelta

    from django.utils import timezone

    from goldenthread.partnerships.models import AgreementVersion

    parties = scenario.parties
    version = sign_all(scenario)
    code = scenario.indicators["mean"].code
    approve(parties.police, code, "2024/25 Q4", 60)
    for _ in range(2):
        _, before = contributions_of(dashboard(client_for, parties.county, scenario), code)
        assert Decimal(before[parties.police.name]["value"]) == 60

    # Time passes: the version's last day was yesterday; nothing has run since.
    yesterday = timezone.localdate() - timedelta(days=1)
    AgreementVersion.objects.filter(pk=version.pk).update(ends_on=yesterday)
    assert AgreementVersion.objects.get(pk=version.pk).status == "active"

    figure, after = contributions_of(dashboard(client_for, parties.county, scenario), code)
    assert figure["value"] is None
    assert after[parties.police.name]["value"] is None
    assert after[parties.police.name]["provenance"] is None
