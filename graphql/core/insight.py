"""SPC and year-end forecasts of a series of figures GraphQL already gives (a partnership's
figures, a benchmarking member's series): worked out from those figures by the performance
core's pure rules (`indicators.domain.spc`, `indicators.domain.forecast`), so they cost no
query and read nothing the figures did not.

Figures with no value (a period missing, an incomplete partnership figure) are left out of
the SPC chart; the forecast is of the financial year of the latest figure with a value, from
its periods so far and the same periods of past years among the figures given (ask for more
periods to give it more history).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import graphene

from goldenthread.platform.core.periods import Period
from goldenthread.platform.indicators.domain.calculation import Rollup
from goldenthread.platform.indicators.domain.forecast import Forecast, forecast_from_values
from goldenthread.platform.indicators.domain.part_year import year_of
from goldenthread.platform.indicators.domain.spc import (
    ASSURANCE_PRESENTATION,
    MINIMUM_POINTS,
    RULE_WORDS,
    VARIATION_PRESENTATION,
    SpcResult,
    xmr,
)


@dataclass(frozen=True)
class Figure:
    period: Period
    value: Decimal | None


def _rounded(number: float | None) -> float | None:
    return None if number is None else round(number, 4)


class SpcSummary(graphene.ObjectType):
    class Meta:
        description = (
            "The XmR (SPC) chart of the figures with a value, as Making Data Count reads it: "
            f"mean and process limits (at least {MINIMUM_POINTS} figures), and the variation "
            "and assurance summaries in codes and words."
        )

    points = graphene.Int(required=True, description="Figures with a value on the chart.")
    minimum_points = graphene.Int(required=True)
    enough_points = graphene.Boolean(required=True)
    mean = graphene.Float(description="To 4 places; null with too few points.")
    upper_process_limit = graphene.Float()
    lower_process_limit = graphene.Float()
    variation = graphene.String(required=True, description="e.g. special_cause_concerning.")
    variation_label = graphene.String(required=True)
    assurance = graphene.String(required=True, description="e.g. consistently_missed.")
    assurance_label = graphene.String(required=True)
    latest_rules = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="The special-cause rules the latest figure meets, in words.",
    )

    @staticmethod
    def of(result: SpcResult) -> dict:
        latest = result.points[-1] if result.points else None
        return {
            "points": len(result.points),
            "minimum_points": MINIMUM_POINTS,
            "enough_points": result.enough_points,
            "mean": _rounded(result.mean),
            "upper_process_limit": _rounded(result.upper_limit),
            "lower_process_limit": _rounded(result.lower_limit),
            "variation": str(result.variation),
            "variation_label": VARIATION_PRESENTATION[result.variation].label,
            "assurance": str(result.assurance),
            "assurance_label": ASSURANCE_PRESENTATION[result.assurance].label,
            "latest_rules": [RULE_WORDS[rule] for rule in latest.rules] if latest else [],
        }


class YearEndForecast(graphene.ObjectType):
    class Meta:
        description = (
            "The projected outturn of the latest figure's financial year with an 80% interval "
            "and, given an annual target, the chance of meeting it, by the method named."
        )

    year = graphene.String(description="The financial year forecast.")
    available = graphene.Boolean(required=True)
    outturn = graphene.Float()
    low = graphene.Float(description="The 80% interval's lower end.")
    high = graphene.Float(description="The 80% interval's upper end.")
    probability = graphene.Float(description="Chance (0-1) of meeting the annual target.")
    words = graphene.String(
        required=True, description="Likely / Uncertain / Unlikely to meet it, or why not."
    )
    method = graphene.String()
    past_years = graphene.Int(required=True)

    @staticmethod
    def of(year: Period | None, forecast: Forecast | None) -> dict:
        if forecast is None:
            return {
                "year": None, "available": False, "outturn": None, "low": None, "high": None,
                "probability": None, "past_years": 0, "method": None,
                "words": "No forecast: no figures within a year to forecast from",
            }  # fmt: skip
        return {
            "year": year.code if year else None,
            "available": forecast.available,
            "outturn": _rounded(forecast.outturn),
            "low": _rounded(forecast.low),
            "high": _rounded(forecast.high),
            "probability": None if forecast.probability is None else round(forecast.probability, 2),
            "words": forecast.words,
            "method": forecast.method,
            "past_years": forecast.past_years,
        }


def spc_of(figures: Sequence[Figure], *, polarity: str, target: Decimal | None = None) -> dict:
    """The SPC summary of `figures` (oldest first) with a value."""
    values = [figure.value for figure in figures if figure.value is not None]
    return SpcSummary.of(xmr(values, polarity=polarity, target=target))


def forecast_of(
    figures: Sequence[Figure], *, rule: Rollup | str, polarity: str, annual_target
) -> dict:
    """The year-end forecast of the latest figure's year from `figures` (oldest first)."""
    known = [figure for figure in figures if figure.value is not None]
    if not known:
        return YearEndForecast.of(None, None)
    latest = max(known, key=lambda figure: figure.period.start)
    year = year_of(latest.period)
    forecast = forecast_from_values(
        rule=str(Rollup(rule)),
        polarity=polarity,
        period_type=latest.period.type,
        year=year,
        values={figure.period.code: figure.value for figure in known},
        annual_target=annual_target,
    )
    return YearEndForecast.of(year if forecast else None, forecast)
