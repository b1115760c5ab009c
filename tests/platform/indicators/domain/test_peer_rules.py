"""The pure peer rules: an outlier against peers, and the quartile guide."""

from __future__ import annotations

from decimal import Decimal as D

from goldenthread.platform.indicators.domain.anomaly import AnomalyRule, peer_anomaly
from goldenthread.platform.indicators.domain.target_sanity import (
    peer_quartile_advice,
    peer_quartiles,
)

PEERS = [D(n) for n in (60, 62, 58, 61, 59, 63)]


def test_far_from_every_peer_is_flagged_within_their_range_is_not():
    rule = AnomalyRule()
    assert "6 benchmarking peers" in peer_anomaly(D("6.1"), peers=PEERS, rule=rule)
    assert peer_anomaly(D("58"), peers=PEERS, rule=rule) is None
    # Just outside the range but within four usual spreads of the median.
    assert peer_anomaly(D("64"), peers=PEERS, rule=rule) is None


def test_too_few_peers_say_nothing():
    assert peer_anomaly(D("6"), peers=PEERS[:4], rule=AnomalyRule()) is None
    assert peer_anomaly(D("6"), peers=PEERS[:4], rule=AnomalyRule(minimum_peers=4)) is not None


def test_quartiles_are_the_inclusive_ones():
    assert peer_quartiles(PEERS) == (D("59.25"), D("60.5"), D("61.75"))


def test_the_target_is_placed_in_a_quartile_by_polarity():
    def where(target, polarity):
        return peer_quartile_advice(
            target=D(target), polarity=polarity, decimal_places=1, club="C",
            period_label="Q3", values=PEERS,
        ).words  # fmt: skip

    assert "the best quartile" in where("62", "higher")
    assert "the worst quartile" in where("59", "higher")
    assert "the best quartile" in where("59", "lower")
    assert "the second quartile" in where("60", "lower")
    assert "would be in" not in where("60", "none")
    assert (
        peer_quartile_advice(
            target=D(1),
            polarity="higher",
            decimal_places=1,
            club="C",
            period_label="Q3",
            values=PEERS[:3],
        )  # fmt: skip
        is None
    )
