"""Comparisons through the selectors: the club's rules applied to what the store holds."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from goldenthread.platform.core.periods import parse_period
from goldenthread.shared_indicators.benchmarking import selectors, services
from goldenthread.shared_indicators.benchmarking.errors import ComparisonUnavailable
from goldenthread.shared_indicators.publication.models import PublishedValue
from tests.shared_indicators.benchmarking.helpers import (
    ADMIN,
    make_club,
    make_indicator,
    make_org,
    publish,
)

pytestmark = pytest.mark.django_db

Q1 = "2024/25 Q1"
TODAY = date(2025, 6, 1)


def compare(reader, club, indicator, codes=(Q1,), **extra):
    return selectors.comparison_for(
        reader=reader,
        reader_user=None,
        interface="page",
        club=club,
        indicator_code=indicator.code,
        periods=[parse_period(code) for code in codes],
        today=TODAY,
        **extra,
    )


def club_of(values: list, *, polarity="higher", anonymised=False, minimum=5, **extra):
    """A club whose members published `values` for Q1 (None: a member with no value)."""
    indicator = make_indicator(polarity=polarity)
    orgs = [make_org(f"Member {i:02d}") for i in range(len(values))]
    club = make_club(orgs[0], orgs[1:], indicator, anonymised=anonymised, minimum=minimum, **extra)
    for org, value in zip(orgs, values, strict=True):
        if value is not None:
            publish(org, indicator, Q1, value)
    return club, indicator, orgs


def test_ranks_and_quartiles_for_higher_is_better_with_ties():
    club, indicator, orgs = club_of([50, 70, 70, 40, 90, 60, 30, 80])
    result = compare(orgs[0], club, indicator).comparison.periods[0]
    by_label = {entry.label: entry for entry in result.entries}
    ranks = {name: by_label[f"Member {i:02d}"].rank for i, name in enumerate("ABCDEFGH")}
    assert ranks == {"A": 6, "B": 3, "C": 3, "D": 7, "E": 1, "F": 5, "G": 8, "H": 2}
    quartiles = [by_label[f"Member {i:02d}"].quartile for i in range(8)]
    # n = 8: floor(4 (r - 1) / 8) + 1; the tie at rank 3 shares quartile 2.
    assert quartiles == [3, 2, 2, 4, 1, 3, 4, 1]
    assert [entry.rank for entry in result.entries] == [1, 2, 3, 3, 5, 6, 7, 8]
    assert result.summary.count == 8
    assert result.summary.median == Decimal("65.00")
    assert result.summary.mean == Decimal("61.25")
    assert (result.summary.minimum, result.summary.maximum) == (Decimal("30.0"), Decimal("90.0"))
    assert result.you.label == "Member 00" and result.you.is_you
    assert result.you.distance_from_median == Decimal("-15.00")
    assert result.you.side_of_median == "worse"


def test_lower_is_better_reverses_ranks_and_ties_share_the_best_rank():
    club, indicator, orgs = club_of([5, 3, 3, 9, 1], polarity="lower")
    entries = compare(orgs[0], club, indicator).comparison.periods[0].entries
    assert [(e.label, e.rank, e.quartile) for e in entries] == [
        ("Member 04", 1, 1),
        ("Member 01", 2, 1),
        ("Member 02", 2, 1),
        ("Member 00", 4, 3),
        ("Member 03", 5, 4),
    ]
    assert entries[3].side_of_median == "worse"  # 5 against a median of 3, lower is better


def test_values_are_compared_at_the_indicators_decimal_places():
    club, indicator, orgs = club_of(["80.04", "79.96", 70, 60, 50])
    entries = compare(orgs[0], club, indicator).comparison.periods[0].entries
    assert [(e.value, e.rank) for e in entries[:2]] == [(Decimal("80.0"), 1), (Decimal("80.0"), 1)]


def test_an_indicator_without_polarity_has_no_ranks():
    club, indicator, orgs = club_of([1, 2, 3, 4, 5], polarity="none")
    result = compare(orgs[0], club, indicator).comparison.periods[0]
    assert {(e.rank, e.quartile) for e in result.entries} == {(None, None)}
    assert [e.value for e in result.entries] == [
        Decimal(n) for n in ("5.0", "4.0", "3.0", "2.0", "1.0")
    ]
    assert result.summary.median == Decimal("3.00")


def test_below_the_minimum_nothing_is_shown_not_even_a_count():
    club, indicator, orgs = club_of([10, 20, 30, 40, None, None])
    view = compare(orgs[0], club, indicator)
    result = view.comparison.periods[0]
    assert result.shown is False
    assert (result.summary, result.entries, result.you, result.exclusions) == (None, (), None, ())
    assert "4" not in result.hidden_reason
    assert view.comparison.series == ()
    assert view.reads.owner_ids == ()


def test_at_the_minimum_the_figures_are_shown():
    club, indicator, orgs = club_of([10, 20, 30, 40, 50, None])
    assert compare(orgs[0], club, indicator).comparison.periods[0].shown is True


def test_before_the_embargo_nothing_is_shown_and_nothing_is_read():
    club, indicator, orgs = club_of([10, 20, 30, 40, 50], embargo_until=TODAY + timedelta(days=1))
    view = compare(orgs[0], club, indicator)
    assert view.embargoed is True and view.comparison is None and view.reads.owner_ids == ()
    club.embargo_until = TODAY
    club.save()
    assert compare(orgs[0], club, indicator).comparison.periods[0].shown is True


def test_withdrawing_consent_removes_the_members_values():
    club, indicator, orgs = club_of([10, 20, 30, 40, 50, 60])
    assert compare(orgs[0], club, indicator).comparison.periods[0].summary.count == 6

    services.consent_withdraw(
        actor=ADMIN, organisation=orgs[5], club=club, indicator_code=indicator.code
    )

    result = compare(orgs[0], club, indicator).comparison.periods[0]
    assert result.summary.count == 5
    assert Decimal("60.0") not in {entry.value for entry in result.entries}
    assert not PublishedValue.objects.filter(organisation=orgs[5]).exists()


def test_leaving_the_club_withdraws_every_consent():
    club, indicator, orgs = club_of([10, 20, 30, 40, 50, 60])
    services.club_member_remove(actor=ADMIN, organisation=orgs[5], club=club, member=orgs[5])
    assert compare(orgs[0], club, indicator).comparison.periods[0].summary.count == 5
    assert not PublishedValue.objects.filter(organisation=orgs[5]).exists()


def test_without_consent_nothing_is_published():
    indicator = make_indicator()
    orgs = [make_org() for _ in range(2)]
    make_club(orgs[0], orgs[1:], indicator, consent=False)
    assert publish(orgs[1], indicator, Q1, 10) is None


def months(org, indicator, values, *, first="2024-04"):
    start = parse_period(first)
    codes = [start.code]
    from goldenthread.platform.core.periods import next_period

    period = start
    for _ in values[1:]:
        period = next_period(period)
        codes.append(period.code)
    for code, value in zip(codes, values, strict=True):
        if value is not None:
            publish(org, indicator, code, value)


def test_monthly_values_without_a_rollup_rule_are_left_out_with_a_reason():
    club, indicator, orgs = club_of([10, 20, 30, 40, 50, None])
    months(orgs[5], indicator, [1, 2, 3])
    result = compare(orgs[0], club, indicator).comparison.periods[0]
    assert result.summary.count == 5
    (excluded,) = result.exclusions
    assert excluded.label == orgs[5].name
    assert "no roll-up rule" in excluded.reason


def test_monthly_values_roll_up_when_the_rule_is_known_and_every_month_is_there():
    club, indicator, orgs = club_of([10, 20, 30, 40, 50, None, None], rollup_rule="sum")
    months(orgs[5], indicator, [1, 2, 3])
    months(orgs[6], indicator, [1, None, 3])
    result = compare(orgs[0], club, indicator).comparison.periods[0]
    rolled = next(entry for entry in result.entries if entry.label == orgs[5].name)
    assert rolled.value == Decimal("6.0")
    assert rolled.derived_from == "3 months, summed"
    (excluded,) = result.exclusions
    assert excluded.label == orgs[6].name
    assert "2 of the 3 months" in excluded.reason


def test_asking_for_another_period_type_or_mixed_types_is_refused():
    club, indicator, orgs = club_of([10, 20, 30, 40, 50])
    with pytest.raises(ComparisonUnavailable, match="compares the indicator by quarter"):
        compare(orgs[0], club, indicator, codes=("2024-04",))
    with pytest.raises(ComparisonUnavailable, match="mix"):
        compare(orgs[0], club, indicator, codes=(Q1, "2024-05"))


def test_a_time_series_follows_each_member_with_the_club_median():
    indicator = make_indicator()
    orgs = [make_org(f"Member {i}") for i in range(5)]
    club = make_club(orgs[0], orgs[1:], indicator, anonymised=False)
    for i, org in enumerate(orgs):
        publish(org, indicator, "2024/25 Q1", 10 * (i + 1))
        publish(org, indicator, "2024/25 Q2", 20 * (i + 1))
    view = selectors.comparison_for(
        reader=orgs[2],
        reader_user=None,
        interface="page",
        club=club,
        indicator_code=indicator.code,
        periods=selectors.period_range("2024/25 Q1", "2024/25 Q2"),
        today=TODAY,
    )
    series = view.comparison.series
    assert series[0].label == "Member 2" and series[0].is_you
    assert [(p.value, p.club_median) for p in series[0].points] == [
        (Decimal("30.0"), Decimal("30.00")),
        (Decimal("60.0"), Decimal("60.00")),
    ]
    assert len(series) == 5


def test_a_non_member_cannot_find_the_club():
    club, indicator, orgs = club_of([10, 20, 30, 40, 50])
    outsider = make_org()
    with pytest.raises(Exception, match="No such club"):
        selectors.club_get_for(organisation=outsider, club_id=club.id)
    with pytest.raises(Exception, match="No such club"):
        selectors.club_get_for(organisation=outsider, club_id=club.id + 10_000)


def test_an_anonymised_group_is_hidden_when_the_rest_of_the_club_is_too_small():
    indicator = make_indicator()
    districts = [make_org(type="district") for _ in range(6)]
    unitaries = [make_org(type="unitary") for _ in range(2)]
    club = make_club(districts[0], [*districts[1:], *unitaries], indicator, anonymised=True)
    for i, org in enumerate([*districts, *unitaries]):
        publish(org, indicator, Q1, 10 + i)
    view = compare(districts[0], club, indicator, group_key="authority_type")
    # Six districts would be enough, but the club's figures minus the group's would then
    # describe the two unitaries alone.
    assert view.comparison.group.periods[0].shown is False
    assert view.comparison.group.periods[0].summary is None

    club.anonymised = False
    club.save()
    view = compare(districts[0], club, indicator, group_key="authority_type")
    assert view.comparison.group.periods[0].summary.count == 6
