"""The ranking table stays right: a comparison read from it equals the pure reference.

The reference is `reference_comparison_for` (the pure domain functions over every row of the
store); the table-backed `comparison_for` must give the same entries, ranks, quartiles,
summaries, labels, order, time series, group figures and reads, for both polarities and none,
with ties, missing values, values not collected, periods below the minimum, anonymised and
named clubs, and pages; and it must stay equal after each change that makes the table stale:
publications, restatements and withdrawals of values, consent withdrawn and given again,
members joining and leaving, the club's labelling switched, the catalogue's polarity changed.
"""

from __future__ import annotations

import io
import random
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.platform.core.periods import parse_period
from goldenthread.shared_indicators.benchmarking import selectors, services
from goldenthread.shared_indicators.benchmarking.domain.comparison import (
    EVERYTHING,
    Window,
    windowed,
)
from goldenthread.shared_indicators.benchmarking.models import (
    RankingEntry,
    RankingMember,
    RankingPeriod,
)
from goldenthread.shared_indicators.benchmarking.selectors.rankings import read
from goldenthread.shared_indicators.models import CatalogueIndicator
from goldenthread.shared_indicators.publication.services import publish_value
from tests.shared_indicators.benchmarking.helpers import (
    ADMIN,
    make_club,
    make_indicator,
    make_org,
    publish,
    snapshot,
)
from tests.shared_indicators.helpers import csv_bytes, import_bytes

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 1)
QUARTERS = ("2024/25 Q1", "2024/25 Q2", "2024/25 Q3")
PERIODS = [parse_period(code) for code in QUARTERS]


def random_club(rng: random.Random):
    """A club of 6 to 14 members with random values over three quarters."""
    polarity = rng.choice(["higher", "lower", "none"])
    places = rng.choice([0, 1, 2])
    indicator = make_indicator(polarity=polarity, decimal_places=places)
    count = rng.randint(6, 14)
    orgs = [new_member(rng, i) for i in range(count)]
    club = make_club(
        orgs[0],
        orgs[1:],
        indicator,
        anonymised=rng.random() < 0.6,
        minimum=rng.randint(3, 7),
    )
    # Few distinct values, so ties are common; some missing, some not collected.
    choices = [Decimal(rng.randint(0, 40)) / 4 for _ in range(5)] + [Decimal("12.345")]
    for org in orgs:
        for code in QUARTERS:
            publish_random(rng, org, indicator, code, choices, missing=0.15)
    return club, indicator, orgs, choices


def new_member(rng: random.Random, i: int):
    # Names whose alphabetical order disagrees with creation order and ids.
    name = f"{rng.choice('ABCDEFGH')}{rng.choice('abcdefgh')} Council {i:02d}"
    return make_org(name, type=rng.choice(["district", "unitary"]), region=rng.choice(["", "east"]))


def publish_random(rng, org, indicator, code, choices, *, missing=0.0):
    roll = rng.random()
    if roll < missing:
        return
    if roll < missing + 0.05:
        publish(org, indicator, code, None, state="not_collected")
    else:
        publish(org, indicator, code, rng.choice(choices))


def compared(view) -> tuple:
    """What must be equal, with Decimals by their text (so their decimal places count)."""
    comparison = view.comparison
    return (
        repr(comparison.periods),
        repr(comparison.series),
        repr(comparison.group),
        comparison.series_offset,
        sorted(comparison.owner_ids_read),
        view.reads.by_owner(),
    )


def assert_table_equals_reference(club, indicator, viewer, rng, *, context: str) -> None:
    club.refresh_from_db()
    group_key = rng.choice(["", "authority_type"])
    arguments = dict(
        reader=viewer,
        reader_user=None,
        interface="page",
        club=club,
        indicator_code=indicator.code,
        periods=PERIODS,
        today=TODAY,
        group_key=group_key,
    )
    reference = selectors.reference_comparison_for(**arguments)
    assert table_result(club, viewer) is not None, context  # not the fallback

    everything = selectors.comparison_for(**arguments)
    assert compared(everything) == compared(_with(reference, windowed(reference.comparison))), (
        context
    )
    pages = dict(
        entries=Window(rng.randint(0, 4), rng.randint(1, 5)),
        group_entries=Window(rng.randint(0, 3), rng.randint(1, 4)),
        series=Window(rng.randint(0, 4), rng.randint(1, 5)),
    )
    paged = selectors.comparison_for(**arguments, **pages)
    reference = selectors.reference_comparison_for(**arguments)
    assert compared(paged) == compared(_with(reference, windowed(reference.comparison, **pages))), (
        context
    )
    # A page never changes the summaries or where the reader sits.
    for whole, page in zip(everything.comparison.periods, paged.comparison.periods, strict=True):
        assert (whole.summary, whole.you) == (page.summary, page.you), context


def _with(view, comparison):
    view.comparison = comparison
    return view


def table_result(club, viewer, periods=PERIODS):
    return read.run(
        club=club,
        club_indicator=club.indicators.select_related("catalogue_indicator").get(),
        scope=read.Scope(viewer.id, viewer.name, periods, EVERYTHING, EVERYTHING, EVERYTHING),
    )


def change_something(rng, club, indicator, orgs, choices) -> str:
    """One random change that makes the ranking table stale; says what it was."""
    members = [org for org in orgs if services.current_membership(club=club, organisation=org)]
    others = [org for org in members if org.id != club.administering_organisation_id]
    org = rng.choice(members)
    code = rng.choice(QUARTERS)
    roll = rng.random()
    if roll < 0.35:
        publish(org, indicator, code, rng.choice(choices))
        return f"{org.name} published {code}"
    if roll < 0.45:
        publish(org, indicator, code, None, state="not_collected")
        return f"{org.name} restated {code} as not collected"
    if roll < 0.55:
        # The pipeline withdraws a value when no basis allows it any more.
        publish_value(organisation=org, snapshot=snapshot(org, indicator, code, 1), bases=[])
        return f"{org.name}'s {code} withdrawn"
    if roll < 0.65:
        withdrawn = services.consent_withdraw(
            actor=ADMIN, organisation=org, club=club, indicator_code=indicator.code
        )
        return f"{org.name} withdrew consent ({withdrawn})"
    if roll < 0.75:
        services.consent_give(
            actor=ADMIN, organisation=org, club=club, indicator_code=indicator.code
        )
        for each in QUARTERS:  # what the worker does once the consent is committed
            publish_random(rng, org, indicator, each, choices, missing=0.3)
        return f"{org.name} consented (again) and published"
    if roll < 0.83 and len(others) > 4:
        leaver = rng.choice(others)
        services.club_member_remove(actor=ADMIN, organisation=leaver, club=club, member=leaver)
        return f"{leaver.name} left"
    if roll < 0.91:
        joiner = new_member(rng, len(orgs))
        orgs.append(joiner)
        services.club_member_add(
            actor=ADMIN,
            organisation=club.administering_organisation,
            club=club,
            member=joiner,
        )
        services.consent_give(
            actor=ADMIN, organisation=joiner, club=club, indicator_code=indicator.code
        )
        for each in QUARTERS:
            publish_random(rng, joiner, indicator, each, choices, missing=0.2)
        return f"{joiner.name} joined"
    anonymised = not club.anonymised
    services.club_update_rules(
        actor=ADMIN,
        organisation=club.administering_organisation,
        club=club,
        anonymised=anonymised,
        minimum_members_with_data=max(club.minimum_members_with_data, 3),
        end_consents_given_under_anonymity=True,
    )
    if not anonymised:
        # Naming the members ended the consents given under anonymity: the members consent
        # again, to being named, and their values are published anew.
        for org in orgs:
            if services.current_membership(club=club, organisation=org) is None:
                continue
            services.consent_give(
                actor=ADMIN, organisation=org, club=club, indicator_code=indicator.code
            )
            for each in QUARTERS:
                publish_random(rng, org, indicator, each, choices, missing=0.2)
    return f"anonymised set to {anonymised}"


@pytest.mark.parametrize("seed", range(8))
def test_the_table_equals_the_pure_reference_through_random_changes(seed):
    rng = random.Random(seed)
    club, indicator, orgs, choices = random_club(rng)
    assert_table_equals_reference(club, indicator, rng.choice(orgs), rng, context="at first")
    for step in range(8):
        what = change_something(rng, club, indicator, orgs, choices)
        members = [o for o in orgs if services.current_membership(club=club, organisation=o)]
        viewer = rng.choice(members)
        assert_table_equals_reference(
            club, indicator, viewer, rng, context=f"seed {seed}, step {step}: {what}"
        )


def test_changing_the_catalogue_polarity_reranks_every_club_both_ways():
    indicator = make_indicator(polarity="higher", decimal_places=1)
    orgs = [make_org(f"Member {i}") for i in range(5)]
    club = make_club(orgs[0], orgs[1:], indicator, anonymised=False)
    for i, org in enumerate(orgs):
        publish(org, indicator, QUARTERS[0], 10 * (i + 1))

    def ranks():
        view = selectors.comparison_for(
            reader=orgs[0],
            reader_user=None,
            interface="page",
            club=club,
            indicator_code=indicator.code,
            periods=PERIODS[:1],
            today=TODAY,
        )
        return [(entry.label, entry.rank) for entry in view.comparison.periods[0].entries]

    assert ranks()[0] == ("Member 4", 1)

    def import_polarity(polarity: str) -> None:
        row = [indicator.code, indicator.title, indicator.unit, polarity, "quarterly", 2]
        header = ["code", "title", "unit", "polarity", "frequency", "decimal_places"]
        import_bytes(csv_bytes([row], header=header))

    import_polarity("lower")
    assert CatalogueIndicator.objects.get(pk=indicator.pk).polarity == "lower"
    assert ranks() == [(f"Member {i}", i + 1) for i in range(5)]
    # Two decimal places now: values are compared (and shown) at two.
    first = selectors.comparison_for(
        reader=orgs[0],
        reader_user=None,
        interface="page",
        club=club,
        indicator_code=indicator.code,
        periods=PERIODS[:1],
        today=TODAY,
    ).comparison.periods[0]
    assert first.entries[0].value == Decimal("10.00") and first.summary.median == Decimal("30.000")

    import_polarity("higher")
    assert ranks()[0] == ("Member 4", 1)


def test_a_value_published_for_another_period_type_sends_the_comparison_to_the_pure_path():
    indicator = make_indicator()
    orgs = [make_org(f"Member {i:02d}") for i in range(7)]
    club = make_club(orgs[0], orgs[1:], indicator, anonymised=False, rollup_rule="sum")
    for i, org in enumerate(orgs[:5]):
        publish(org, indicator, "2024/25 Q1", 10 * (i + 1))
    periods = [parse_period("2024/25 Q1")]
    assert table_result(club, orgs[0], periods) is not None

    for code, value in (("2024-04", 1), ("2024-05", 2), ("2024-06", 3)):
        publish(orgs[5], indicator, code, value)
    publish(orgs[6], indicator, "2024-04", 5)  # an incomplete quarter: left out, with a reason

    assert table_result(club, orgs[0], periods) is None
    arguments = dict(
        reader=orgs[0],
        reader_user=None,
        interface="page",
        club=club,
        indicator_code=indicator.code,
        periods=periods,
        today=TODAY,
    )
    view = selectors.comparison_for(**arguments)
    assert compared(view) == compared(selectors.reference_comparison_for(**arguments))
    result = view.comparison.periods[0]
    assert result.summary.count == 6
    assert [e.derived_from for e in result.entries if e.label == "Member 05"] == [
        "3 months, summed"
    ]
    assert [e.label for e in result.exclusions] == ["Member 06"]
    # The months read are what the log names for the member whose quarter was rolled up.
    assert view.reads.by_owner()[orgs[5].id][1] == ("2024-04", "2024-05", "2024-06")
    # Another quarter, which no month overlaps, is still read from the table.
    assert table_result(club, orgs[0], [parse_period("2024/25 Q2")]) is not None


def test_below_the_minimum_the_statement_returns_nothing_about_the_period():
    indicator = make_indicator()
    orgs = [make_org() for _ in range(6)]
    club = make_club(orgs[0], orgs[1:], indicator, minimum=5)
    for org in orgs[:4]:
        publish(org, indicator, "2024/25 Q1", 10)
    for org in orgs:
        publish(org, indicator, "2024/25 Q2", 20)

    with CaptureQueriesContext(connection) as captured:
        result = table_result(club, orgs[1], PERIODS[:2])
    statements = [q["sql"] for q in captured if not q["sql"].startswith("SET search_path")]
    assert len(statements) == 2  # the club indicator (this test's own lookup) and the statement
    first, second = result.comparison.periods
    assert first.shown is False and first.summary is None and first.you is None
    assert second.summary.count == 6
    # Only the second quarter was read from anyone.
    assert set(result.reads.masks) == {0b10}


def test_the_table_holds_only_current_consenting_members_values():
    indicator = make_indicator()
    orgs = [make_org() for _ in range(6)]
    club = make_club(orgs[0], orgs[1:], indicator)
    for i, org in enumerate(orgs):
        publish(org, indicator, QUARTERS[0], i)
    club_indicator = club.indicators.get()
    entries = RankingEntry.objects.filter(ranking_period__club_indicator=club_indicator)
    assert entries.count() == 6

    services.consent_withdraw(
        actor=ADMIN, organisation=orgs[1], club=club, indicator_code=indicator.code
    )
    services.club_member_remove(actor=ADMIN, organisation=orgs[2], club=club, member=orgs[2])

    assert sorted(entries.values_list("organisation_id", flat=True)) == sorted(
        org.id for org in [orgs[0], *orgs[3:]]
    )
    assert RankingPeriod.objects.get(club_indicator=club_indicator).count == 4
    members = RankingMember.objects.filter(club_indicator=club_indicator)
    assert orgs[2].id not in set(members.values_list("organisation_id", flat=True))
    assert members.get(organisation=orgs[1]).consent_id is None
    # Places are 1..n without gaps after the refresh.
    assert sorted(entries.values_list("place", flat=True)) == [1, 2, 3, 4]

    services.club_indicator_remove(
        actor=ADMIN, organisation=orgs[0], club=club, indicator_code=indicator.code
    )
    assert not RankingPeriod.objects.filter(club_indicator_id=club_indicator.id).exists()
    assert not RankingMember.objects.filter(club_indicator_id=club_indicator.id).exists()


def test_the_rebuild_command_recreates_the_table_from_the_store():
    indicator = make_indicator()
    orgs = [make_org(f"Member {i}") for i in range(5)]
    club = make_club(orgs[0], orgs[1:], indicator, anonymised=True)
    for i, org in enumerate(orgs):
        publish(org, indicator, QUARTERS[0], 10 * i)
    arguments = dict(
        reader=orgs[2],
        reader_user=None,
        interface="page",
        club=club,
        indicator_code=indicator.code,
        periods=PERIODS,
        today=TODAY,
    )
    before = compared(selectors.comparison_for(**arguments))
    RankingEntry.objects.all().delete()
    RankingPeriod.objects.all().delete()
    RankingMember.objects.all().delete()
    assert selectors.comparison_for(**arguments).comparison.periods[0].shown is False

    output = io.StringIO()
    call_command("benchmarking", "rebuild-rankings", stdout=output)

    assert "Rebuilt the rankings of" in output.getvalue()
    assert compared(selectors.comparison_for(**arguments)) == before
