"""Anomaly at entry (`domain.anomaly`): robust, seasonal, hand-worked."""

from decimal import Decimal as D

import pytest

from goldenthread.platform.indicators.domain.anomaly import AnomalyRule, anomaly

RULE = AnomalyRule()


def test_far_from_both_references_is_an_anomaly():
    # Same quarter in past years: median 100, MAD 2 -> spread 2.97, at least 5 (5% of 100).
    # Recent values: median 100 likewise. 150 is 50 away: more than 4 x 5 = 20.
    same = [D(98), D(100), D(102), D(100), D(97)]
    recent = [D(100), D(99), D(101), D(100), D(98), D(103)]
    message = anomaly(D(150), same_period=same, recent=recent, rule=RULE)
    assert message.startswith("150 is far from this indicator's own history")
    assert "the same period in past years have a median of 100" in message
    assert anomaly(D(119), same_period=same, recent=recent, rule=RULE) is None


def test_a_seasonal_peak_seen_every_year_is_not_flagged():
    # Recent values around 100, but this quarter is always about 200.
    same = [D(198), D(200), D(205), D(201)]
    recent = [D(100), D(99), D(101), D(100), D(98), D(103)]
    assert anomaly(D(202), same_period=same, recent=recent, rule=RULE) is None


def test_a_steady_climb_is_not_flagged():
    # Past years' same quarter was 50 to 60; recent values have risen to about 100.
    same = [D(50), D(55), D(60)]
    recent = [D(90), D(92), D(95), D(97), D(99), D(101)]
    assert anomaly(D(103), same_period=same, recent=recent, rule=RULE) is None


def test_too_little_history_never_flags():
    assert anomaly(D(1000), same_period=[D(1), D(2)], recent=[D(1)] * 5, rule=RULE) is None


def test_threshold_is_configurable():
    same = [D(98), D(100), D(102), D(100), D(97)]
    assert anomaly(D(115), same_period=same, recent=[], rule=AnomalyRule(threshold=2)) is not None


def test_bad_rule_is_refused():
    with pytest.raises(ValueError, match="threshold cannot be negative"):
        AnomalyRule(threshold=-1)


def test_the_false_alarm_benchmark_runs_on_the_demo_data():
    import subprocess
    import sys
    from pathlib import Path

    bench = Path(__file__).resolve().parents[4] / "bench" / "anomaly_false_alarms.py"
    out = subprocess.run(
        [sys.executable, str(bench), "--series", "5"], capture_output=True, text=True, check=True
    ).stdout
    assert "demo data: 0 of" in out
