"""GET a PI's year-end forecast (`selectors.forecast`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from goldenthread.platform.core.openapi import errors
from goldenthread.platform.indicators.domain.forecast import Forecast

from ..selectors.forecast import indicator_forecast
from ..selectors.indicators import indicator_get
from . import schema
from .base import IndicatorsApi


def _figure(number: float | None, places: int) -> str | None:
    return None if number is None else f"{number:.{places}f}"


def forecast_output(year, forecast: Forecast | None, places: int) -> dict[str, Any]:
    if forecast is None:
        return {
            "year": None, "available": False, "outturn": None, "low": None, "high": None,
            "probability": None, "words": "No forecast: the PI has no values within a year",
            "method": None, "past_years": 0,
        }  # fmt: skip
    return {
        "year": year.code,
        "available": forecast.available,
        "outturn": _figure(forecast.outturn, places),
        "low": _figure(forecast.low, places),
        "high": _figure(forecast.high, places),
        "probability": None if forecast.probability is None else round(forecast.probability, 2),
        "words": forecast.words,
        "method": forecast.method,
        "past_years": forecast.past_years,
    }


class IndicatorForecastApi(IndicatorsApi):
    """GET: the PI's year-end forecast for the year of its latest value."""

    @extend_schema(
        operation_id="indicators_indicator_forecast",
        summary="A PI's year-end forecast with an 80% interval",
        tags=[schema.TAG],
        responses={200: schema.ForecastSerializer, **errors(404)},
    )
    def get(self, request, pk):
        pi = indicator_get(pk=pk)
        found = indicator_forecast(pi)
        year, forecast = found if found else (None, None)
        return Response(forecast_output(year, forecast, pi.decimal_places))
