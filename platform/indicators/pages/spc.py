"""The SPC section of a PI page: the XmR chart (`core.charts.xmr_chart`), its variation and
assurance summaries in words with icons, and a table of the same figures."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString

from goldenthread.platform.core.charts import LineChart, xmr_chart
from goldenthread.platform.indicators.domain.spc import MINIMUM_POINTS, SummaryPresentation

from ..models import Indicator
from ..selectors.spc import SpcChart, indicator_spc
from ..templatetags.icons import icon_svg
from ..templatetags.indicators import pi_number

MAX_POINTS = 36


def summary_badge(shown: SummaryPresentation) -> SafeString:
    return format_html(
        '<span class="badge spc-summary">{} <strong>{}</strong>: {}</span>',
        icon_svg(shown.icon),
        shown.label,
        shown.words,
    )


def _figure(value: float | None, indicator: Indicator) -> str:
    return "" if value is None else pi_number(Decimal(str(round(value, 6))), indicator)


def build_spc_chart(indicator: Indicator, spc: SpcChart) -> LineChart | None:
    result = spc.result
    if not result.enough_points:
        return None
    points = list(zip(spc.periods, result.points, strict=True))[-MAX_POINTS:]
    texts = [
        f"{period.label}: {_figure(point.value, indicator)}"
        + (f" – special cause: {'; '.join(point.rule_words)}" if point.rules else "")
        for period, point in points
    ]
    return xmr_chart(
        dom_id="spc-chart",
        title=f"{indicator.code}: SPC (XmR) chart",
        description=(
            f"{len(points)} values of {indicator.code} from {points[0][0].label} to "
            f"{points[-1][0].label}, with their mean {_figure(result.mean, indicator)} and "
            f"process limits {_figure(result.lower_limit, indicator)} to "
            f"{_figure(result.upper_limit, indicator)}. "
            f"{result.variation_presentation.label}; {result.assurance_presentation.label}. "
            "Special-cause points are diamonds. The same figures are in the table below."
        ),
        periods=[period.code for period, _ in points],
        values=[point.value for _, point in points],
        mean=result.mean,
        upper=result.upper_limit,
        lower=result.lower_limit,
        special=[point.special_cause for _, point in points],
        texts=texts,
        number=lambda number: pi_number(number, indicator),
    )


def spc_context(indicator: Indicator) -> dict:
    spc = indicator_spc(indicator=indicator)
    result = spc.result
    return {
        "spc": spc,
        "spc_chart": build_spc_chart(indicator, spc),
        "spc_minimum": MINIMUM_POINTS,
        "spc_variation": summary_badge(result.variation_presentation),
        "spc_assurance": summary_badge(result.assurance_presentation),
        "spc_rows": [
            {
                "period": period,
                "value": _figure(point.value, indicator),
                "moving_range": _figure(point.moving_range, indicator),
                "rules": point.rule_words,
                "in_baseline": point.in_baseline,
            }
            for period, point in reversed(list(zip(spc.periods, result.points, strict=True)))
        ],
        "spc_mean": _figure(result.mean, indicator),
        "spc_upper": _figure(result.upper_limit, indicator),
        "spc_lower": _figure(result.lower_limit, indicator),
    }
