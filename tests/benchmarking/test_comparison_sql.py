"""The comparison computed in SQL equals the pure reference, on randomised clubs.

The reference is `reference_comparison_for` (the pure domain functions over every row); the
SQL statement must give the same entries, ranks, quartiles, summaries, labels, order, time
series, group figures and reads, for both polarities and none, with ties, missing values,
values not collected, periods below the minimum, anonymised and named clubs, and pages.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.platform.core.periods import parse_period
from goldenthread.shared_indicators.benchmarking import comparison_sql, selectors
from goldenthread.shared_indicators.benchmarking.bases import BASIS_TYPE
from goldenthread.shared_indicators.benchmarking.domain.comparison import (
    EVERYTHING,
    Window,
    windowed,
)
from tests.benchmarking.helpers import make_club, make_indicator, make_org, publish

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 1)
QUARTERS = ("2024/25 Q1", "2024/25 Q2", "2024/25 Q3")


def random_club(seed: int):
    """A club of 6 to 14 members with random values over three quarters."""
    rng = random.Random(seed)
    polarity = rng.choice(["higher", "lower", "none"])
    places = rng.choice([0, 1, 2])
    indicator = make_indicator(polarity=polarity, decimal_places=places)
    count = rng.randint(6, 14)
    # Names whose alphabetical order disagrees with creation order and ids.
    names = [
        f"{rng.choice('ABCDEFGH')}{rng.choice('abcdefgh')} Council {i:02d}" for i in range(count)
    ]
    orgs = [
        make_org(name, type=rng.choice(["district", "unitary"]), region=rng.choice(["", "east"]))
        for name in names
    ]
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
            roll = rng.random()
            if roll < 0.15:
                continue
            if roll < 0.2:
                publish(org, indicator, code, None, state="not_collected")
            else:
                publish(org, indicator, code, rng.choice(choices))
    viewer = rng.choice(orgs)
    return club, indicator, viewer, rng


def compared(view) -> tuple:
    """What must be equal, with Decimals by their text (so their decimal places count)."""
    comparison = view.comparison
    reads = sorted(
        (row.organisation_id, row.indicator_code, row.period_code) for row in view.rows_read
    )
    return (
        repr(comparison.periods),
        repr(comparison.series),
        repr(comparison.group),
        comparison.series_offset,
        sorted(comparison.owner_ids_read),
        reads,
        sorted(view.consent_by_owner.items()),
    )


@pytest.mark.parametrize("seed", range(8))
def test_sql_equals_the_pure_reference_on_random_clubs(seed):
    club, indicator, viewer, rng = random_club(seed)
    periods = [parse_period(code) for code in QUARTERS]
    group_key = rng.choice(["", "authority_type"])
    arguments = dict(
        reader=viewer,
        club=club,
        indicator_code=indicator.code,
        periods=periods,
        today=TODAY,
        group_key=group_key,
    )
    reference = selectors.reference_comparison_for(**arguments)
    assert sql_result(club, viewer, periods) is not None  # not the fallback to the reference

    everything = selectors.comparison_for(**arguments)
    assert compared(everything) == compared(_with(reference, windowed(reference.comparison))), (
        f"seed {seed}"
    )

    pages = dict(
        entries=Window(rng.randint(0, 4), rng.randint(1, 5)),
        group_entries=Window(rng.randint(0, 3), rng.randint(1, 4)),
        series=Window(rng.randint(0, 4), rng.randint(1, 5)),
    )
    paged = selectors.comparison_for(**arguments, **pages)
    assert compared(paged) == compared(_with(reference, windowed(reference.comparison, **pages))), (
        f"seed {seed}"
    )
    # A page never changes the summaries or where the reader sits.
    for whole, page in zip(everything.comparison.periods, paged.comparison.periods, strict=True):
        assert (whole.summary, whole.you) == (page.summary, page.you)


def _with(view, comparison):
    view.comparison = comparison
    return view


def sql_result(club, viewer, periods):
    return comparison_sql.run(
        club=club,
        club_indicator=club.indicators.select_related("catalogue_indicator").get(),
        basis_type=BASIS_TYPE,
        scope=comparison_sql.Scope(viewer.id, periods, EVERYTHING, EVERYTHING, EVERYTHING),
    )


def test_monthly_values_send_the_comparison_to_the_pure_path_unchanged():
    indicator = make_indicator()
    orgs = [make_org(f"Member {i:02d}") for i in range(7)]
    club = make_club(orgs[0], orgs[1:], indicator, anonymised=False, rollup_rule="sum")
    for i, org in enumerate(orgs[:5]):
        publish(org, indicator, "2024/25 Q1", 10 * (i + 1))
    for code, value in (("2024-04", 1), ("2024-05", 2), ("2024-06", 3)):
        publish(orgs[5], indicator, code, value)
    publish(orgs[6], indicator, "2024-04", 5)  # an incomplete quarter: left out, with a reason
    periods = [parse_period("2024/25 Q1")]

    assert sql_result(club, orgs[0], periods) is None

    arguments = dict(
        reader=orgs[0], club=club, indicator_code=indicator.code, periods=periods, today=TODAY
    )
    view = selectors.comparison_for(**arguments)
    assert compared(view) == compared(selectors.reference_comparison_for(**arguments))
    result = view.comparison.periods[0]
    assert result.summary.count == 6
    assert [e.derived_from for e in result.entries if e.label == "Member 05"] == [
        "3 months, summed"
    ]
    assert [e.label for e in result.exclusions] == ["Member 06"]


def test_below_the_minimum_the_statement_returns_nothing_about_the_period():
    indicator = make_indicator()
    orgs = [make_org() for _ in range(6)]
    club = make_club(orgs[0], orgs[1:], indicator, minimum=5)
    for org in orgs[:4]:
        publish(org, indicator, "2024/25 Q1", 10)
    for org in orgs:
        publish(org, indicator, "2024/25 Q2", 20)
    club_indicator = club.indicators.select_related("catalogue_indicator").get()
    periods = [parse_period("2024/25 Q1"), parse_period("2024/25 Q2")]
    scope = comparison_sql.Scope(orgs[1].id, periods, EVERYTHING, EVERYTHING, EVERYTHING)

    with CaptureQueriesContext(connection) as captured:
        result = comparison_sql.run(
            club=club, club_indicator=club_indicator, basis_type=BASIS_TYPE, scope=scope
        )
    assert [q["sql"][:40] for q in captured if not q["sql"].startswith("SET search_path")] == [
        captured[-1]["sql"][:40]
    ]
    first, second = result.comparison.periods
    assert first.shown is False and first.summary is None and first.you is None
    assert second.summary.count == 6
    # Only the second quarter was read from anyone.
    assert {codes for read in result.reads for codes in read.period_codes} == {"2024/25 Q2"}
