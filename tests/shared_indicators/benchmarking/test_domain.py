"""Pure benchmarking rules: competition ranks, quartiles, medians, labels, groups."""

from __future__ import annotations

from decimal import Decimal

import pytest

from goldenthread.shared_indicators.benchmarking.domain.anonymity import anonymous_labels, letters
from goldenthread.shared_indicators.benchmarking.domain.groups import (
    GroupUnavailable,
    MemberInfo,
    resolve_group,
)
from goldenthread.shared_indicators.benchmarking.domain.ranking import (
    competition_ranks,
    median_of,
    quartile_for,
)

D = Decimal


def test_competition_ranking_shares_the_best_rank_and_skips():
    values = {"a": D(5), "b": D(7), "c": D(7), "d": D(3)}
    assert competition_ranks(values, polarity="higher") == {"b": 1, "c": 1, "a": 3, "d": 4}
    assert competition_ranks(values, polarity="lower") == {"d": 1, "a": 2, "b": 3, "c": 3}
    assert competition_ranks(values, polarity="none") == dict.fromkeys(values)


@pytest.mark.parametrize(
    ("count", "quartiles"),
    [
        (8, [1, 1, 2, 2, 3, 3, 4, 4]),
        (5, [1, 1, 2, 3, 4]),
        (4, [1, 2, 3, 4]),
        (1, [1]),
    ],
)
def test_quartiles_from_ranks(count, quartiles):
    assert [quartile_for(rank, count) for rank in range(1, count + 1)] == quartiles


def test_quartile_refuses_an_impossible_rank():
    with pytest.raises(ValueError):
        quartile_for(6, 5)


def test_median_of_odd_and_even_counts():
    assert median_of([D(3), D(1), D(2)]) == D(2)
    assert median_of([D(4), D(1), D(2), D(3)]) == D("2.5")


def test_letters_continue_past_z():
    assert [letters(i) for i in (0, 25, 26, 27, 51, 52)] == ["A", "Z", "AA", "AB", "AZ", "BA"]


def test_labels_are_stable_for_a_salt_and_scope_and_change_with_either():
    ids = list(range(1, 30))
    first = anonymous_labels(salt="s1", scope="NI 1", member_ids=ids)
    assert first == anonymous_labels(salt="s1", scope="NI 1", member_ids=reversed(ids))
    assert first != anonymous_labels(salt="s2", scope="NI 1", member_ids=ids)
    assert first != anonymous_labels(salt="s1", scope="NI 2", member_ids=ids)
    assert sorted(first.values(), key=lambda label: (len(label), label))[0] == "Authority A"


def member(id_, *, type_="district", region="east", county=None):
    return MemberInfo(id_, f"M{id_}", type_, type_, region, region, county)


def test_groups_relative_to_the_reader():
    members = {
        1: member(1, county=9),
        2: member(2, county=9, region="london"),
        3: member(3, type_="unitary"),
        9: member(9, type_="county"),
    }
    assert resolve_group("authority_type", viewer=members[1], members=members).member_ids == {1, 2}
    assert resolve_group("region", viewer=members[1], members=members).member_ids == {1, 3, 9}
    assert resolve_group("county_area", viewer=members[1], members=members).member_ids == {1, 2, 9}
    assert resolve_group("county_area", viewer=members[9], members=members).member_ids == {1, 2, 9}
    with pytest.raises(GroupUnavailable, match="neither a county"):
        resolve_group("county_area", viewer=members[3], members=members)
    with pytest.raises(GroupUnavailable, match="not a comparator group"):
        resolve_group("planets", viewer=members[1], members=members)


@pytest.mark.parametrize("salt", ["s1", "x" * 64, "long salt " * 10])
def test_hmac_pads_give_the_labels_digest_with_plain_sha256(salt):
    import hashlib

    from goldenthread.shared_indicators.benchmarking.domain.anonymity import (
        _digest,
        digest_prefix,
        hmac_pads,
    )

    inner, outer = hmac_pads(salt)
    for member_id in (1, 42, 123456):
        message = digest_prefix("NI 195") + str(member_id).encode()
        by_pads = hashlib.sha256(outer + hashlib.sha256(inner + message).digest()).digest()
        assert by_pads == _digest(salt, "NI 195", member_id)
