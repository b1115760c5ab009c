"""False-alarm rate of the anomaly check at entry (`indicators.domain.anomaly`).

Replays, value by value, what providers enter: each value is checked against the history
before it, as `services.values.value_check` does, with the thresholds in
settings.INDICATOR_ANOMALY. Two sets:

* the demo data (`devtools.seeding.performance`): every demo PI's quarterly values for every
  seeded organisation (shifted by its rank as the seed does); none is an error, so every flag
  is a false alarm;
* simulated monthly PIs with known behaviour (season, trend, 5% noise, 6 years): the false
  alarms on clean values, and how many of the injected errors (a value x10 or /10, a typing
  slip) are caught;
* simulated benchmarking clubs (the peer comparison, `peer_anomaly`): each member's value
  against the others', clean and with one x10 or /10 error per club.

No database: the check is pure.

    .venv/bin/python bench/anomaly_false_alarms.py [--series 300] [--seed 14]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.platform.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from goldenthread.platform.devtools.seeding.performance import (  # noqa: E402
    DISTRICT_PIS,
    SAFETY_PIS,
)
from goldenthread.platform.indicators.domain.anomaly import (  # noqa: E402
    AnomalyRule,
    anomaly,
    peer_anomaly,
)

RULE = AnomalyRule(**settings.INDICATOR_ANOMALY)


def _flags(series: list[Decimal], per_year: int) -> list[bool]:
    """Whether each value would be flagged given the values before it."""
    flags = []
    for i, value in enumerate(series):
        history = series[:i]
        same = [history[j] for j in range(i - per_year, -1, -per_year)][: RULE.years]
        flags.append(anomaly(value, same_period=same, recent=history, rule=RULE) is not None)
    return flags


def _demo() -> tuple[int, int, int]:
    checked = flagged = testable = 0
    for specs, ranks in ((DISTRICT_PIS, range(3)), (SAFETY_PIS, range(3))):
        for spec in specs:
            for rank in ranks:
                step = spec.shift * rank
                sign = 1 if spec.polarity == "lower" else -1
                series = [Decimal(str(v + sign * step)) for v in spec.values]
                flags = _flags(series, 4)
                checked += len(series)
                flagged += sum(flags)
                testable += max(0, len(series) - RULE.minimum_recent)
    return checked, flagged, testable


def _simulated(count: int, rng: random.Random) -> tuple[int, int, int, int]:
    clean = false_alarms = injected = caught = 0
    for _ in range(count):
        season = [1 + 0.25 * rng.uniform(-1, 1) for _ in range(12)]
        level, trend = rng.uniform(50, 1000), rng.uniform(-0.003, 0.006)
        series = [
            Decimal(str(round(level * (1 + trend) ** m * season[m % 12] * rng.gauss(1, 0.05), 2)))
            for m in range(72)
        ]
        flags = _flags(series, 12)
        clean += 60  # the last five years: the first has no history to check against
        false_alarms += sum(flags[12:])
        for at in rng.sample(range(24, 72), 3):
            wrong = series[at] * (Decimal(10) if rng.random() < 0.5 else Decimal("0.1"))
            history = series[:at]
            same = [history[j] for j in range(at - 12, -1, -12)][: RULE.years]
            injected += 1
            caught += anomaly(wrong, same_period=same, recent=history, rule=RULE) is not None
    return clean, false_alarms, injected, caught


def _peers(count: int, rng: random.Random) -> tuple[int, int, int, int]:
    """Clubs of 6 to 30 members whose values differ by council (a spread of 15% around a
    level, some skew); each member's own value is checked against the others' (clean), then
    replaced by x10 or /10 (an error)."""
    clean = false_alarms = injected = caught = 0
    for _ in range(count):
        level = rng.uniform(5, 500)
        size = rng.randint(RULE.minimum_peers + 1, 30)
        values = [Decimal(str(round(level * rng.lognormvariate(0, 0.15), 2))) for _ in range(size)]
        for i, own in enumerate(values):
            others = values[:i] + values[i + 1 :]
            clean += 1
            false_alarms += peer_anomaly(own, peers=others, rule=RULE) is not None
        own, others = values[0], values[1:]
        wrong = own * (Decimal(10) if rng.random() < 0.5 else Decimal("0.1"))
        injected += 1
        caught += peer_anomaly(wrong, peers=others, rule=RULE) is not None
    return clean, false_alarms, injected, caught


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=300)
    parser.add_argument("--seed", type=int, default=14)
    args, _ = parser.parse_known_args(argv)
    print(f"thresholds: {settings.INDICATOR_ANOMALY}")
    checked, flagged, testable = _demo()
    print(
        f"demo data: {flagged} of {checked} values flagged (false-alarm rate "
        f"{flagged / checked:.3f}); {testable} had enough history to be checked"
    )
    clean, false_alarms, injected, caught = _simulated(args.series, random.Random(args.seed))
    rate = false_alarms / clean
    print(f"simulated: false-alarm rate {rate:.4f} ({false_alarms} of {clean} clean values)")
    print(
        f"simulated: caught {caught} of {injected} injected x10 / x0.1 errors "
        f"({caught / injected:.2f})"
    )
    print(f"ratio caught / false-alarm rate: {caught / injected / max(rate, 1e-9):.0f}x")
    clean, false_alarms, injected, caught = _peers(args.series, random.Random(args.seed))
    rate = false_alarms / clean
    print(f"peers: false-alarm rate {rate:.4f} ({false_alarms} of {clean} members' values)")
    print(
        f"peers: caught {caught} of {injected} injected x10 / x0.1 errors ({caught / injected:.2f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
