"""Run every benchmark in bench/ (each `*.py` but this one and `_*.py` helpers), in turn.

make bench            # or: .venv/bin/python bench/run_all.py [ARGS passed to each]
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    benchmarks = sorted(
        p
        for p in BENCH_DIR.glob("*.py")
        if p.name != Path(__file__).name and not p.name.startswith("_")
    )
    failed = []
    for benchmark in benchmarks:
        print(f"\n=== {benchmark.name} " + "=" * (70 - len(benchmark.name)), flush=True)
        result = subprocess.run([sys.executable, str(benchmark), *argv], check=False)  # noqa: S603
        if result.returncode != 0:
            failed.append(f"{benchmark.name} (exit {result.returncode})")
    print(
        f"\n{len(benchmarks)} benchmark(s) run"
        + (f"; failed: {', '.join(failed)}" if failed else ".")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
