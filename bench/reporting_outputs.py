"""Benchmark of a pack's outputs: PDF, Word and Excel of 100 and 600 PIs, and HTML vs PDF.

    .venv/bin/python bench/reporting_outputs.py [--small 100] [--large 600] [--repeat 3]

The outputs read only the Pack (no database: building it is `pack_build`'s, whose query count
is measured by the reporting tests), so this builds a committee-layout Pack of N PIs in
memory: 12 service areas, every cell typed as `pack_build` makes them (value, target, status,
previous period and trend, same period last year and trend, a commentary of about 40 words),
one PI in ten a draft marked "not yet approved", and a chart per service area.

Each measurement runs in a fresh child process (`--child`), which renders the pack `--repeat`
times and reports its median time (wall clock, and the process's own CPU time: on a machine
shared with other work the wall clock swings with their load, the CPU time much less, so the
ratio is judged on CPU time) and its peak resident memory (`ru_maxrss`): the memory a
worker generating that pack needs. The two sizes and the formats take turns, in one run, so
that a shared machine's load falls on all alike. It prints, per format, the times, the ratio
600 / 100 (target: at most 7x, linear growth being 6x) and the peak memory (target: under
1 GiB), and the 600-PI PDF time against rendering the same pack's HTML.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FORMATS = ("html", "pdf", "docx", "xlsx", "csv")
RATIO_TARGET = 7.0
MEMORY_TARGET = 1024**3
AREAS = 12
WORDS = (
    "Performance improved this quarter after the new contract started; the service expects "
    "to meet its target by the year end, subject to staffing and the winter pressures that "
    "usually affect demand in the third quarter."
)


def make_pack(pis: int):
    from goldenthread.platform.reporting.domain.pack import (
        NUMBER,
        STATUS,
        TEXT,
        TREND,
        Pack,
        PackCell,
        PackChart,
        PackColumn,
        PackCover,
        PackGroup,
        PackRow,
        PackSection,
        PackSeries,
        PackSummary,
        SummaryLine,
        count_statuses,
    )

    columns = (
        PackColumn("code", "Code", TEXT),
        PackColumn("title", "Indicator", TEXT),
        PackColumn("value", "Value", NUMBER),
        PackColumn("target", "Target", NUMBER),
        PackColumn("status", "Status", STATUS),
        PackColumn("previous", "Previous period", NUMBER),
        PackColumn("short_trend", "Short-term trend", TREND),
        PackColumn("last_year", "Same period last year", NUMBER),
        PackColumn("long_trend", "Long-term trend", TREND),
        PackColumn("commentary", "Latest commentary", TEXT),
    )
    statuses = (("on_target", "On target"), ("warning", "Warning"), ("off_target", "Off target"))

    def number(value: Decimal, *, draft: bool = False) -> PackCell:
        return PackCell(
            kind=NUMBER,
            text=f"{value}%",
            number=value,
            unit="percentage",
            decimals=1,
            unapproved=draft,
            note="Draft, not yet approved" if draft else "",
        )

    groups, codes = [], []
    for area in range(AREAS):
        rows = []
        for index in range(area, pis, AREAS):
            draft = index % 10 == 0
            status, words = statuses[index % 3]
            codes.append(status)
            value = Decimal(40 + index % 50) + Decimal("0.5")
            cells = (
                PackCell.of_text(f"PI {index:04d}"),
                PackCell.of_text(f"Indicator number {index} of the service's measures"),
                number(value, draft=draft),
                number(Decimal(60)),
                PackCell(kind=STATUS, text=words, code=status, unapproved=draft),
                number(value - 2),
                PackCell(kind=TREND, text="Improving", code="improving"),
                number(value - 5),
                PackCell(kind=TREND, text="Improving", code="improving"),
                PackCell.of_text(WORDS),
            )
            rows.append(PackRow(key=f"PI {index:04d}", title="", cells=cells, status=status))
        groups.append(PackGroup(title=f"Service area {area + 1}", rows=tuple(rows), key=f"a{area}"))
    periods = ("2023/24 Q3", "2023/24 Q4", "2024/25 Q1", "2024/25 Q2")
    charts = tuple(
        PackChart(
            key=f"chart-PI {area:04d}",
            title=f"PI {area:04d}",
            description="Values and targets for the last four quarters.",
            period_codes=periods,
            period_labels=periods,
            series=(
                PackSeries("Value", tuple(Decimal(50 + n) for n in range(4))),
                PackSeries("Target", tuple(Decimal(60) for _ in range(4)), style="target"),
            ),
            unit="percentage",
            decimals=1,
        )
        for area in range(AREAS)
    )
    counts = count_statuses(codes)
    section = PackSection(
        key="pis",
        title="Indicators",
        kind="pis",
        narrative=("Most measures improved this quarter.",),
        columns=columns,
        groups=tuple(groups),
        counts=counts,
        charts=charts,
    )
    now = datetime(2025, 10, 20, 9, 0, tzinfo=UTC)
    return Pack(
        title="Quarterly performance",
        organisation_name="Bench Borough Council",
        definition_id=1,
        definition_version=1,
        layout="committee",
        layout_words="Committee",
        period_code="2024/25 Q2",
        period_label="Q2 2024/25 (Jul–Sep 2024)",
        as_at=now,
        generated_at=now,
        generated_by="Bench",
        approved_only=False,
        includes_unapproved=True,
        cover=PackCover(title="Quarterly performance", subtitle="Cabinet, 5 November 2025"),
        sections=(section,),
        summary=PackSummary(lines=(SummaryLine("pis", "Indicators", counts),), overall=counts),
    )


def child(fmt: str, pis: int, repeat: int) -> None:
    """Render one format of one size `repeat` times; print the median and peak memory."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "goldenthread.platform.settings.test")
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    from goldenthread.platform.reporting.services.outputs import render
    from goldenthread.platform.reporting.services.outputs.pdf import pack_html

    pack = make_pack(pis)

    def once():
        return pack_html(pack).encode() if fmt == "html" else render(pack, fmt).content

    size = len(once())  # warm-up: templates, fonts and stylesheets loaded once per worker
    times, cpu_times = [], []
    for _ in range(repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        once()
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    print(
        json.dumps(
            {
                "median": statistics.median(cpu_times),
                "wall": statistics.median(times),
                "peak": peak,
                "bytes": size,
            }
        )
    )


def measure(fmt: str, pis: int, repeat: int) -> dict:
    answer = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--child", fmt, str(pis), str(repeat)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(answer.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["--child"]:
        child(argv[1], int(argv[2]), int(argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=600)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default=",".join(FORMATS), help="e.g. html,pdf")
    args, _ = parser.parse_known_args(argv)
    formats = [fmt for fmt in FORMATS if fmt in args.formats.split(",")]
    results: dict[tuple[str, int], dict] = {}
    for fmt in formats:
        for pis in (args.small, args.large):
            results[fmt, pis] = measure(fmt, pis, args.repeat)
            found = results[fmt, pis]
            print(
                f"  {fmt:5} {pis:4} PIs: {found['median']:.3f} s CPU, {found['wall']:.3f} s wall",
                flush=True,
            )
    print(f"\nMedian CPU time of {args.repeat} after a warm-up, each in its own process:")
    print(
        f"| format | {args.small} PIs | {args.large} PIs | ratio | wall clock ratio "
        f"| peak memory ({args.large}) |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    failed = False
    for fmt in formats:
        small, large = results[fmt, args.small], results[fmt, args.large]
        ratio = large["median"] / small["median"]
        linear = fmt in ("pdf", "docx", "xlsx")
        ok = ratio <= RATIO_TARGET and large["peak"] < MEMORY_TARGET
        failed |= linear and not ok
        print(
            f"| {fmt} | {small['median']:.2f} s | {large['median']:.2f} s | {ratio:.1f}x"
            f"{'' if ok or not linear else ' (over target)'} "
            f"| {large['wall'] / small['wall']:.1f}x | {large['peak'] / 1024**2:.0f} MiB |"
        )
    if "pdf" not in formats or "html" not in formats:
        return 1 if failed else 0
    pdf, html = results["pdf", args.large], results["html", args.large]
    print(
        f"\n{args.large}-PI PDF {pdf['median']:.2f} s CPU against its HTML "
        f"{html['median']:.2f} s: {pdf['median'] / html['median']:.0f}x "
        f"(wall clock {pdf['wall']:.2f} s against {html['wall']:.2f} s)."
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
