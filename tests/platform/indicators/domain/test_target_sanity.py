"""Target advice: unambitious, unrealistic, inconsistent with the profile; never a block."""

from __future__ import annotations

from decimal import Decimal as D

from goldenthread.platform.indicators.domain.target_sanity import target_advice


def keys(advice):
    return [a.key for a in advice]


def test_below_current_performance_is_unambitious_by_polarity():
    advice = target_advice(target=D("70"), polarity="higher", current=D("80"))
    assert keys(advice) == ["unambitious"]
    assert advice[0].words == (
        "Unambitious: the target 70.0 is worse than current performance (80.0)."
    )
    assert keys(target_advice(target=D("12"), polarity="lower", current=D("10"))) == ["unambitious"]
    assert target_advice(target=D("90"), polarity="higher", current=D("80")) == []
    assert target_advice(target=D("80"), polarity="higher", current=D("80")) == []


def test_no_polarity_gets_no_ambition_advice():
    assert target_advice(target=D("1"), polarity="none", current=D("80"), history=[D("2")]) == []


def test_far_beyond_best_is_unrealistic():
    history = [D("60"), D("70"), D("75")]
    advice = target_advice(target=D("90"), polarity="higher", history=history)
    assert keys(advice) == ["unrealistic"]
    assert "best the PI has achieved (75.0)" in advice[0].words
    # Within 10% of the best is a stretch, not unrealistic.
    assert target_advice(target=D("82"), polarity="higher", history=history) == []
    # Lower is better: far below the lowest ever.
    assert keys(target_advice(target=D("5"), polarity="lower", history=[D("10"), D("12")])) == [
        "unrealistic"
    ]


def test_peers_widen_what_is_achievable():
    history = [D("60"), D("70")]
    assert keys(target_advice(target=D("85"), polarity="higher", history=history)) == [
        "unrealistic"
    ]
    assert (
        target_advice(target=D("85"), polarity="higher", history=history, peer_values=[D("80")])
        == []
    )
    advice = target_advice(
        target=D("99"), polarity="higher", history=history, peer_values=[D("80")]
    )
    assert "the PI or its peers have achieved (80.0)" in advice[0].words


def test_annual_target_against_profile():
    summed = [D("25"), D("25"), D("25"), D("20")]
    advice = target_advice(
        target=D("100"), polarity="higher", profile=summed, profile_sums=True, decimal_places=0
    )
    assert keys(advice) == ["inconsistent_profile"]
    assert advice[0].words == (
        "Inconsistent with the profile: the periods' targets add up to 95, not the annual "
        "target 100."
    )
    assert (
        target_advice(target=D("100"), polarity="higher", profile=[D("25")] * 4, profile_sums=True)
        == []
    )
    averaged = [D("80"), D("80"), D("80"), D("84")]
    assert keys(target_advice(target=D("80"), polarity="higher", profile=averaged)) == [
        "inconsistent_profile"
    ]
    assert target_advice(target=D("81"), polarity="higher", profile=averaged) == []
