"""Calibration of the year-end forecast's 80% intervals (`indicators.domain.forecast`).

Simulates PIs with known behaviour (a seasonal pattern, a yearly trend and noise at several
levels; 5 past years and the year being forecast), forecasts the year after each of its first
three quarters (and of months 3, 6, 9 for monthly PIs) and counts how often the 80% interval
holds the real outturn. The goal is 72% to 88%. No database: the forecast is pure.

    .venv/bin/python bench/forecast_calibration.py [--series 400] [--seed 14]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from goldenthread.platform.indicators.domain.calculation import Rollup  # noqa: E402
from goldenthread.platform.indicators.domain.forecast import year_end_forecast  # noqa: E402

NOISE_LEVELS = (0.03, 0.08, 0.15)
PAST_YEARS = 5


def _series(rng: random.Random, n: int, years: int, noise: float, rule: Rollup):
    """`years` whole years of `n` periods: level x trend x season, with multiplicative noise
    for counts and additive noise (in points) for averaged percentages."""
    season = [1 + 0.3 * rng.uniform(-1, 1) for _ in range(n)]
    mean_season = sum(season) / n
    season = [s / mean_season for s in season]
    level = rng.uniform(50, 500)
    trend = rng.uniform(-0.05, 0.08)
    out = []
    for y in range(years):
        year_level = level * (1 + trend) ** y * (1 + rng.gauss(0, noise / 2))
        if rule is Rollup.SUM:
            out.append([year_level * s * (1 + rng.gauss(0, noise)) for s in season])
        else:
            base = 60 + 10 * (year_level / level - 1)
            out.append([base + 8 * (s - 1) + rng.gauss(0, 100 * noise / 4) for s in season])
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=400, help="series per noise level and rule")
    parser.add_argument("--seed", type=int, default=14)
    args, _ = parser.parse_known_args(argv)
    rng = random.Random(args.seed)
    started = time.perf_counter()
    total = hits = 0
    rows = []
    for rule in (Rollup.SUM, Rollup.AVERAGE, Rollup.LAST):
        for noise in NOISE_LEVELS:
            for n in (4, 12):
                cases = covered = 0
                for _ in range(args.series):
                    years = _series(rng, n, PAST_YEARS + 1, noise, rule)
                    past, current = years[:-1], years[-1]
                    actual = (
                        sum(current)
                        if rule is Rollup.SUM
                        else current[-1]
                        if rule is Rollup.LAST
                        else sum(current) / n
                    )
                    step = n // 4
                    for k in (step, 2 * step, 3 * step):
                        forecast = year_end_forecast(
                            rule=rule, periods_in_year=n, year_so_far=current[:k], past_years=past
                        )
                        cases += 1
                        covered += forecast.low <= actual <= forecast.high
                total += cases
                hits += covered
                rows.append((rule.value, noise, n, covered / cases))
    elapsed = time.perf_counter() - started
    print("rule       noise  periods  coverage")
    for rule, noise, n, coverage in rows:
        print(f"{rule:<10} {noise:>5.2f}  {n:>7}  {coverage:.2f}")
    coverage = hits / total
    print(f"\ncoverage {coverage:.2f} (goal 0.72-0.88) over {total} forecasts in {elapsed:.1f} s")
    print(f"ratio covered / goal centre 0.80: {coverage / 0.80:.2f}x")
    return 0 if 0.72 <= coverage <= 0.88 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
