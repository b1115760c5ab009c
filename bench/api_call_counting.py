"""What counting API calls for the helpdesk's usage page costs each call.

    .venv/bin/python bench/api_call_counting.py --calls 5000

Every authenticated REST or GraphQL call adds one to a Redis hash (`core.api_usage.
count_api_call`: a pipelined HINCRBY + EXPIRE). The baseline, measured in the same run and
interleaved with it, is what every call already spends on its API budget for ONE window
(`core.throttling._spend`: ADD, ADD, INCR). Prints both medians per call and their ratio.
Needs the Redis that CELERY_BROKER_URL names (no database).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=5000)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.platform.settings.development")
    import django

    django.setup()
    from goldenthread.platform.core.api_usage import api_calls_by_schema, count_api_call
    from goldenthread.platform.core.throttling import Window, _spend

    window = [Window(requests=10**9, seconds=3600)]
    counting, budget = [], []
    for index in range(args.calls):
        started = time.perf_counter()
        count_api_call("bench_counting")
        counting.append(time.perf_counter() - started)
        started = time.perf_counter()
        _spend("bench", str(index % 7), window)
        budget.append(time.perf_counter() - started)
    started = time.perf_counter()
    api_calls_by_schema(days=30)
    reading = time.perf_counter() - started
    count_ms = statistics.median(counting) * 1000
    budget_ms = statistics.median(budget) * 1000
    print(f"count one API call (HINCRBY+EXPIRE, pipelined): median {count_ms:.3f} ms")
    print(f"baseline, one budget window (ADD, ADD, INCR):   median {budget_ms:.3f} ms")
    print(f"ratio counting / one budget window: {count_ms / budget_ms:.2f}")
    print(f"read 30 days for every organisation (one pipeline): {reading * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
