"""Benchmarking peers as a guide: a value far from the values consented peers published for
the same catalogue indicator and period asks for confirmation with a note; target advice
gives the club's quartiles and counts peers' best as achievable. Only what the club's consent
lets the organisation see, read through benchmarking's comparison and logged."""

from __future__ import annotations

import json

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.indicators.models import Indicator, IndicatorValue
from goldenthread.shared_indicators.publication.models import CrossOrganisationRead
from tests.shared_indicators.benchmarking.helpers import (
    make_club,
    make_indicator,
    make_org,
    publish,
)

PERIOD = "2024/25 Q3"
PEER_VALUES = [60, 62, 58, 61, 59, 63]


def adopt(indicator: Indicator, catalogue) -> None:
    # The catalogue link as adoption leaves it (adoption itself is tested elsewhere).
    Indicator.objects.filter(pk=indicator.pk).update(
        catalogue_code=catalogue.code, catalogue_indicator=catalogue
    )
    indicator.refresh_from_db()


@pytest.fixture
def benchmarked(db, org_a, people, make_indicator):
    """Alpha's PI of a catalogue indicator that a club of Alpha and six peers compares; the
    peers have published Q3."""
    catalogue = make_indicator_catalogue()
    peers = [make_org() for _ in PEER_VALUES]
    make_club(org_a, peers, catalogue, minimum=3, name="Shire benchmarking club")
    for peer, number in zip(peers, PEER_VALUES, strict=True):
        assert publish(peer, catalogue, PERIOD, number) is not None
    with schema_context(org_a.schema_name):
        pi = make_indicator(code="BM PI", unit_kind="percentage")
        adopt(pi, catalogue)
    return pi, catalogue, peers


def make_indicator_catalogue():
    return make_indicator()


def enter(client, pi, value, **extra):
    return client.post(
        f"/api/v1/indicators/{pi.pk}/values/",
        data=json.dumps({"period": PERIOD, "value": value, **extra}),
        content_type="application/json",
    )


def test_a_value_far_from_the_peers_asks_for_a_note_and_the_read_is_logged(
    org_a, people, benchmarked, client_for
):
    pi, _, peers = benchmarked
    client = client_for(org_a, user=people.provider)
    response = enter(client, pi, "6.1")  # a slipped decimal point
    assert response.status_code == 400, response.content
    body = json.dumps(response.json())
    assert "benchmarking peers" in body and "Shire benchmarking club" in body
    with schema_context(org_a.schema_name):
        assert not IndicatorValue.objects.filter(indicator=pi).exists()
    read = CrossOrganisationRead.objects.filter(reader_organisation=org_a).latest("read_at")
    assert read.interface == "rest" and set(read.owner_ids) == {p.id for p in peers}
    response = enter(
        client, pi, "6.1", confirm_out_of_range=True, out_of_range_note="New definition"
    )
    assert response.status_code == 201, response.content
    with schema_context(org_a.schema_name):
        row = IndicatorValue.objects.get(indicator=pi)
        assert row.anomaly_confirmed and row.out_of_range_note == "New definition"


def test_a_value_among_the_peers_is_not_flagged(org_a, people, benchmarked, client_for):
    pi, _, _ = benchmarked
    response = enter(client_for(org_a, user=people.provider), pi, "57")
    assert response.status_code == 201, response.content


def test_peers_without_consent_are_not_compared(org_a, people, make_indicator, client_for):
    catalogue = make_indicator_catalogue()
    peers = [make_org() for _ in PEER_VALUES]
    make_club(org_a, peers, catalogue, minimum=3, consent=False)
    for peer, number in zip(peers, PEER_VALUES, strict=True):
        publish(peer, catalogue, PERIOD, number)  # no basis: nothing is published
    with schema_context(org_a.schema_name):
        pi = make_indicator(code="BM PI", unit_kind="percentage")
        adopt(pi, catalogue)
    response = enter(client_for(org_a, user=people.provider), pi, "6.1")
    assert response.status_code == 201, response.content


def test_a_club_the_organisation_is_not_in_is_not_compared(
    org_a, people, make_indicator, client_for
):
    catalogue = make_indicator_catalogue()
    runner = make_org()
    peers = [make_org() for _ in PEER_VALUES]
    make_club(runner, peers, catalogue, minimum=3)
    for peer, number in zip(peers, PEER_VALUES, strict=True):
        assert publish(peer, catalogue, PERIOD, number) is not None
    with schema_context(org_a.schema_name):
        pi = make_indicator(code="BM PI", unit_kind="percentage")
        adopt(pi, catalogue)
    response = enter(client_for(org_a, user=people.provider), pi, "6.1")
    assert response.status_code == 201, response.content
    assert not CrossOrganisationRead.objects.filter(reader_organisation=org_a).exists()


def test_target_advice_gives_the_peers_quartiles_and_their_best(
    org_a, people, benchmarked, client_for
):
    pi, _, _ = benchmarked
    response = client_for(org_a, user=people.officer).post(
        f"/api/v1/indicators/{pi.pk}/targets/",
        data=json.dumps({"period": "2024/25 Q4", "value": "90"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    advice = {item["code"]: item["words"] for item in response.json()["advice"]}
    # Peers 58..63: quartiles (inclusive) 59.25, 60.5, 61.75; the best is 63.
    assert "Shire benchmarking club" in advice["peer_quartiles"]
    assert "lower quartile of 59.3" in advice["peer_quartiles"]
    assert "median of 60.5" in advice["peer_quartiles"]
    assert "in the best quartile" in advice["peer_quartiles"]
    assert "the PI or its peers have achieved (63.0)" in advice["unrealistic"]


def test_a_local_pi_gets_no_peer_advice(org_a, people, make_indicator, client_for):
    with schema_context(org_a.schema_name):
        pi = make_indicator(code="LOCAL", unit_kind="percentage")
    response = client_for(org_a, user=people.officer).post(
        f"/api/v1/indicators/{pi.pk}/targets/",
        data=json.dumps({"period": "2024/25 Q4", "value": "90"}),
        content_type="application/json",
    )
    assert [item["code"] for item in response.json()["advice"]] == []
