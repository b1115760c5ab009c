"""The one chart module (`core.charts`) and its templates: geometry and the accessible SVG."""

from __future__ import annotations

import re
from decimal import Decimal

from django.template.loader import render_to_string

from goldenthread.platform.core.charts import (
    Series,
    axis_range,
    line_chart,
    plain_number,
    quartile_strip,
)


def chart(*series: Series, periods=("2024/25 Q1", "2024/25 Q2", "2024/25 Q3")):
    return line_chart(
        dom_id="test-chart",
        title="Figures <by> period",
        description="What it shows. The table below gives the numbers.",
        periods=list(periods),
        series=list(series),
        number=plain_number(1),
    )


def test_nothing_to_draw_is_no_chart():
    assert chart(Series(name="Empty", values=[None, None, None])) is None
    assert chart(Series(name="Empty", values=[]), periods=()) is None


def test_the_axis_is_on_round_ticks_and_starts_at_zero_when_zero_is_close():
    assert axis_range([3.0, 9.0]) == (0.0, 10.0, 2.0)
    low, high, step = axis_range([101.0, 104.0])
    assert (low, high, step) == (101.0, 104.0, 1.0)  # far from zero: no zero start
    low, high, _ = axis_range([5.0, 5.0])
    assert low < 5.0 < high  # a single value still gets a range around it


def test_a_missing_value_is_a_gap_in_the_line_never_zero():
    drawn = chart(Series(name="Value", values=[Decimal("10"), None, Decimal("20")]))
    (line,) = drawn.lines
    assert line.path.count("M") == 2 and "L" not in line.path  # two separate pieces
    assert len(line.markers) == 2
    assert [m.text for m in line.markers] == ["Value, 2024/25 Q1: 10.0", "Value, 2024/25 Q3: 20.0"]


def test_steps_draw_a_level_bar_per_period_and_lines_join_points():
    drawn = chart(
        Series(name="Value", values=[Decimal("1"), Decimal("2"), Decimal("3")]),
        Series(name="Target", values=[Decimal("2")] * 3, css_class="chart-target", steps=True),
    )
    values, targets = drawn.lines
    assert re.fullmatch(r"M[\d.]+ [\d.]+ L[\d.]+ [\d.]+ L[\d.]+ [\d.]+", values.path)
    assert targets.path.count("H") == 3
    assert [tick.lines for tick in drawn.x_ticks][0] == ("Q1", "2024/25")


def test_the_drawing_is_an_image_with_a_title_a_description_and_a_legend():
    drawn = chart(
        Series(name="Our <figure>", values=[Decimal("1"), Decimal("2"), None]),
        Series(name="Median", values=[Decimal("2")] * 3, css_class="chart-median", shape="square"),
    )
    html = render_to_string("core/line_chart.html", {"chart": drawn})
    assert 'role="img" aria-labelledby="test-chart-title test-chart-desc"' in html
    assert '<title id="test-chart-title">Figures &lt;by&gt; period</title>' in html
    assert '<desc id="test-chart-desc">What it shows.' in html
    # Series differ by line style and marker shape, and the legend names them (escaped)
    assert html.count('class="chart-marker chart-values"') == 2
    assert html.count('<rect x="3" y="3"') == 3
    assert "Our &lt;figure&gt;" in html and "<figure>" not in html.replace('<figure class="', "")


def test_the_quartile_strip_bands_the_values_and_draws_yours_last():
    entries = [
        (Decimal("1"), 1, False, "Authority A"),
        (Decimal("5"), 4, True, "You"),
        (Decimal("2"), 2, False, "Authority B"),
        (Decimal("3"), 3, False, "Authority C"),
    ]
    strip = quartile_strip(
        dom_id="strip",
        title="Values",
        description="Described.",
        entries=entries,
        median=Decimal("2.5"),
        median_label="Median 2.5",
    )
    assert [band.quartile for band in strip.bands] == [1, 2, 3, 4]
    assert strip.dots[-1].is_you and strip.dots[0].x == strip.left
    html = render_to_string("core/quartile_strip.html", {"strip": strip})
    assert 'role="img" aria-labelledby="strip-title strip-desc"' in html
    assert html.count('class="chart-dot"') == 3 and html.count('class="chart-you"') == 1
    assert (
        quartile_strip(
            dom_id="s", title="", description="", entries=[], median=Decimal(0), median_label=""
        )
        is None
    )
