"""The scorecard (a councillor's home) and the exception lists of all off-target PIs and all
high risks."""

from __future__ import annotations

import pytest
from django.db import connection

from goldenthread.platform.indicators.models import PerformanceSettings
from goldenthread.platform.planning.models import PlanningSettings, StrategyIndicatorLink
from goldenthread.platform.planning.selectors.exceptions import high_risks, pis_off_target
from goldenthread.platform.planning.selectors.scorecard import scorecard
from tests.fixtures.html import parse
from tests.platform.planning.support import count_queries


def test_each_priority_counts_everything_beneath_it_and_lists_its_exceptions(people, build):
    priority = build.node(code="P1")
    outcome = build.node(level=2, parent=priority, code="P1.1")
    quiet = build.node(code="P2")
    off = build.indicator(status="off_target")
    on = build.indicator(status="on_target")
    StrategyIndicatorLink.objects.create(node=outcome, indicator=off)
    StrategyIndicatorLink.objects.create(node=priority, indicator=on)
    high = build.risk(likelihood=5, impact=4)
    low = build.risk(likelihood=1, impact=2)
    outcome.risks.add(high, low)
    build.action(assigned_to=people["staff"]).indicators.add(off)

    first, second = scorecard()
    assert (first.node, second.node) == (priority, quiet)
    counts = {entry.shown.label: entry.count for entry in first.status_counts}
    assert counts == {
        "On target": 1,
        "Warning: just off target": 0,
        "Off target": 1,
        "Not rated": 0,
    }
    assert first.off_target == [off] and first.off_target[0].has_open_action
    assert first.high_risks == [high] and first.high_risk_count == 1
    assert second.off_target == [] and second.high_risks == []


def test_the_scorecard_takes_the_same_queries_however_big_the_tree(people, build):
    PlanningSettings.load()

    def grow(count):
        for _ in range(count):
            root = build.node()
            child = build.node(level=2, parent=root)
            StrategyIndicatorLink.objects.create(
                node=child, indicator=build.indicator(status="off_target")
            )
            child.risks.add(build.risk(likelihood=5, impact=5))

    grow(2)
    small = count_queries(scorecard)
    grow(20)
    assert count_queries(scorecard) == small


def test_the_exception_lists_hold_every_off_target_pi_and_every_high_risk(people, build):
    offs = [build.indicator(status="off_target") for _ in range(3)]
    build.indicator(status="on_target")
    build.action(assigned_to=people["staff"]).indicators.add(offs[0])
    highs = [build.risk(likelihood=5, impact=5), build.risk(likelihood=2, impact=5)]
    build.risk(likelihood=3, impact=3)  # medium on the default 5x5 matrix
    build.risk(likelihood=5, impact=5, state="closed")

    listed = pis_off_target(limit=2)
    assert (len(listed.items), listed.total, listed.more) == (2, 3, 1)
    assert [pi.has_open_action for pi in pis_off_target(limit=10).items] == [True, False, False]
    risks = high_risks(limit=10)
    assert risks.items == highs and risks.total == 2


@pytest.fixture
def councillor_client(people, in_org, client_for):
    connection.set_schema_to_public()
    return client_for(in_org, user=people["councillor"])


def test_a_councillors_home_is_the_scorecard(people, build, in_org, client_for):
    priority = build.node(code="P1")
    off = build.indicator(status="off_target", code="PI-OFF")
    StrategyIndicatorLink.objects.create(node=priority, indicator=off)
    connection.set_schema_to_public()

    page = parse(client_for(in_org, user=people["councillor"]).get("/"))
    assert page.find("h1").text.startswith("Scorecard")
    hrefs = {a.get("href") for a in page.find_all("a")}
    assert f"/planning/strategy/{priority.pk}/" in hrefs
    assert f"/indicators/{off.pk}/" in hrefs
    # Everyone else keeps "my items" at home, and may open the scorecard.
    manager = client_for(in_org, user=people["manager"])
    assert parse(manager.get("/")).find("h1").text == "My items"
    assert parse(manager.get("/planning/scorecard/")).find("h1").text.startswith("Scorecard")


def test_the_exceptions_page_lists_off_target_pis_and_high_risks(people, build, in_org, client_for):
    off = build.indicator(status="off_target", code="PI-RED")
    risk = build.risk(likelihood=5, impact=5, code="RISK-HIGH")
    connection.set_schema_to_public()

    response = client_for(in_org, user=people["manager"]).get("/planning/exceptions/")
    text = response.content.decode()
    assert f'href="/indicators/{off.pk}/"' in text and f'href="/planning/risks/{risk.pk}/"' in text
    assert parse(response).by_id("off-target") is not None
    assert parse(response).by_id("high-risks") is not None


def test_the_exception_lists_take_the_same_queries_however_many_there_are(people, build):
    PlanningSettings.load()
    # The off-target list scores data quality, which reads the performance settings (made on
    # first use).
    PerformanceSettings.load()

    def grow(count):
        for _ in range(count):
            build.action(assigned_to=people["staff"]).indicators.add(
                build.indicator(status="off_target")
            )
            build.risk(likelihood=5, impact=5)

    def both():
        pis_off_target(limit=100).items[0].owner  # noqa: B018 (the owner is selected with it)
        high_risks(limit=100).items[0].register  # noqa: B018

    grow(2)
    small = count_queries(both)
    grow(20)
    assert count_queries(both) == small
