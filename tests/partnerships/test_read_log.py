"""An owner's read log holds BOTH kinds of read of its data: by partners under agreements and
by benchmarking club members under its consents, on the access-log page and in GraphQL
`readsOfOurData`, newest first."""

from __future__ import annotations

import json
from datetime import date

import pytest

from goldenthread.platform.core.periods import parse_period
from goldenthread.shared_indicators.benchmarking import selectors as benchmarking
from tests.shared_indicators.benchmarking.helpers import (
    make_club,
    make_indicator,
    make_org,
    publish,
)

from .conftest import approve, sign_all

pytestmark = pytest.mark.django_db

READS = "{ readsOfOurData { readerName basisType basisLabel interface } }"


def test_the_owner_sees_agreement_reads_and_club_reads_in_one_log(scenario, client_for):
    parties = scenario.parties
    county, police = parties.county, parties.police
    # an agreement read: the county opens the partnership dashboard showing the police's value
    sign_all(scenario)
    approve(police, scenario.indicators["mean"].code, "2024/25 Q4", 60)
    county_client = client_for(county.organisation, user=county.reader)
    assert county_client.get(f"/partnerships/{scenario.partnership.pk}/").status_code == 200
    # a club read: the county compares an indicator in a named club the police consent in
    indicator = make_indicator()
    others = [make_org() for _ in range(3)]
    club = make_club(
        others[0],
        [county.organisation, police.organisation, *others[1:]],
        indicator,
        anonymised=False,
        minimum=3,
    )
    for i, org in enumerate([county.organisation, police.organisation, *others]):
        publish(org, indicator, "2024/25 Q1", 10 + i)
    view = benchmarking.comparison_for(
        reader=county.organisation,
        reader_user=county.reader,
        interface="rest",
        club=club,
        indicator_code=indicator.code,
        periods=[parse_period("2024/25 Q1")],
        today=date(2025, 6, 1),
    )
    assert view.comparison.periods[0].shown

    owner = client_for(police.organisation, user=police.admin)
    body = owner.post(
        "/graphql/", data=json.dumps({"query": READS}), content_type="application/json"
    ).json()
    reads = body["data"]["readsOfOurData"]
    assert reads[:2] == [
        {
            "readerName": county.name,
            "basisType": "club_consent",
            "basisLabel": f"{club.name} benchmarking club consent",
            "interface": "rest",
        },
        {
            "readerName": county.name,
            "basisType": "agreement",
            "basisLabel": reads[1]["basisLabel"],
            "interface": "page",
        },
    ]
    html = owner.get("/partnerships/access-log/").content.decode()
    assert f"{club.name} benchmarking club consent" in html
    assert reads[1]["basisLabel"] in html and county.reader.email in html
