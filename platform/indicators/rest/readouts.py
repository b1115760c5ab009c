"""Status and trend readouts, the performance report, and the audit trail."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.exporting import export_openapi, export_response, requested_export
from goldenthread.platform.indicators.domain.cost import UNIT_COST_PLACES
from goldenthread.platform.indicators.domain.data_quality import QualityScore
from goldenthread.platform.indicators.domain.part_year import year_of
from goldenthread.platform.indicators.domain.status import STATUS_PRESENTATION
from goldenthread.platform.indicators.domain.trends import TREND_PRESENTATION

from ..models import AuditEntry
from ..selectors.cost import ReportCost
from ..selectors.exports import audit_sheet
from ..selectors.indicators import audit_list, indicator_get
from ..selectors.report import Reading, ReportRow, SubAreaRow, performance_report
from . import schema
from .base import IndicatorsApi, number, service_area_or_none
from .forecast import forecast_output

EXPORT_PARAMETER, EXPORT_RESPONSES = export_openapi()


def reading_output(reading: Reading) -> dict[str, Any]:
    return {
        "period": reading.period.code,
        "period_label": reading.period.label,
        "value": number(reading.value),
        "state": reading.state,
        "workflow_status": reading.workflow_status,
        "complete": reading.complete,
        "part_year": reading.part_year,
    }


def year_output(row: ReportRow) -> dict[str, Any] | None:
    if row.year is None:
        return None
    columns = row.year
    return {
        "year_to_date": reading_output(columns.year_to_date),
        "year_to_date_target": number(columns.year_to_date_target),
        "year_to_date_target_words": columns.year_to_date_target_words,
        "annual_target": number(columns.annual_target),
        "outturn": reading_output(columns.outturn),
    }


def sub_area_output(area: SubAreaRow) -> dict[str, Any]:
    status = STATUS_PRESENTATION[area.status]
    return {
        "name": area.name,
        "kind": area.kind,
        "current": reading_output(area.reading),
        "target": number(area.target),
        "target_words": area.target_words,
        "status": str(area.status),
        "status_label": status.label,
    }


def row_output(row: ReportRow) -> dict[str, Any]:
    status = STATUS_PRESENTATION[row.status]
    short, long = TREND_PRESENTATION[row.short_trend], TREND_PRESENTATION[row.long_trend]
    pi = row.indicator
    return {
        "indicator_id": pi.pk,
        "code": pi.code,
        "title": pi.title,
        "service_area": pi.service_area.name if pi.service_area else None,
        "polarity": pi.polarity,
        "decimal_places": pi.decimal_places,
        "current": reading_output(row.current),
        "target": number(row.target),
        "target_words": row.target_words,
        "status": {
            "status": str(row.status),
            "label": status.label,
            "icon": status.icon,
            "rag": status.rag,
            "warning_threshold": number(row.warning_threshold),
            "tolerance_kind": row.tolerance.kind if row.tolerance else None,
            "tolerance_amount": number(row.tolerance.amount) if row.tolerance else None,
        },
        "previous": {
            **reading_output(row.previous),
            "trend": str(row.short_trend),
            "trend_label": short.label,
            "trend_icon": short.icon,
        },
        "same_period_last_year": {
            **reading_output(row.last_year),
            "trend": str(row.long_trend),
            "trend_label": long.label,
            "trend_icon": long.icon,
        },
        "commentary": (
            {
                "text": row.commentary.text,
                "author": row.commentary.author,
                "created_at": row.commentary.created_at.isoformat(),
            }
            if row.commentary
            else None
        ),
        "year": year_output(row),
        "sub_areas": [sub_area_output(area) for area in row.sub_areas],
        **(
            {
                "forecast": forecast_output(
                    year_of(row.current.period), row.forecast, pi.decimal_places
                )
            }
            if row.forecast is not None
            else {}
        ),
        **({"cost": report_cost_output(row.cost)} if row.cost is not None else {}),
        **(
            {"data_quality": quality_cell_output(row.data_quality)}
            if row.data_quality is not None
            else {}
        ),
        **(
            {
                "persistence": {
                    "off_target_periods": row.persistence.off_target_periods,
                    "special_cause_concerning": row.persistence.special_cause_concerning,
                }
            }
            if row.persistence is not None
            else {}
        ),
    }


def report_cost_output(cost: ReportCost) -> dict[str, Any]:
    def money(value):
        return None if value is None else f"{value:.{UNIT_COST_PLACES}f}"

    return {
        "cost_indicator": cost.cost_code,
        "measure": cost.measure,
        "cost": number(cost.cost),
        "unit_cost": money(cost.unit_cost),
        "previous_unit_cost": money(cost.previous_unit_cost),
        "trend": str(cost.trend),
        "trend_label": TREND_PRESENTATION[cost.trend].label,
    }


def quality_cell_output(score: QualityScore) -> dict[str, Any]:
    return {
        "score": score.percent,
        "words": score.words,
        "summary": score.summary,
        "failed": list(score.failed),
    }


def _yes(request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in ("1", "true", "yes")


def _period(request) -> str:
    period = (request.query_params.get("period") or "").strip()
    if not period:
        raise DomainError("Say which period: ?period=2025/26 Q1 (for example).")
    return period


class IndicatorStatusApi(IndicatorsApi):
    """GET `?period=`: a PI's status against target and its short- and long-term trends."""

    @extend_schema(
        operation_id="indicators_indicator_status",
        summary="A PI's status and trends for a period",
        tags=[schema.TAG],
        parameters=[schema.REPORT_PERIOD],
        responses={200: schema.ReportRowSerializer, **schema.errors(400, 404)},
    )
    def get(self, request, pk):
        pi = indicator_get(pk=pk)
        report = performance_report(
            period_code=_period(request), indicator_ids=[pi.pk], include_retired=True
        )
        return Response(row_output(report.rows[0]))


class ReportApi(IndicatorsApi):
    """GET `?period=` (and optionally `service_area`, `approved_only`): the performance report
    rows, grouped by service area and sorted by code."""

    @extend_schema(
        operation_id="indicators_performance_report",
        summary="The performance report for a period",
        tags=[schema.TAG],
        parameters=[
            schema.REPORT_PERIOD,
            schema.query("service_area", "A service area's id.", OpenApiTypes.INT),
            schema.query("approved_only", "true: approved values only.", OpenApiTypes.BOOL),
            schema.query(
                "year_columns",
                "true: each row also has the year to date, its target, the annual target and "
                "last year's outturn.",
                OpenApiTypes.BOOL,
            ),
            schema.query(
                "sub_areas", "true: each row also has its sub-areas' figures.", OpenApiTypes.BOOL
            ),
            schema.query(
                "forecast", "true: each row also has its year-end forecast.", OpenApiTypes.BOOL
            ),
            schema.query(
                "cost",
                "true: rows of PIs with a cost measure also have their cost and unit cost.",
                OpenApiTypes.BOOL,
            ),
            schema.query(
                "data_quality",
                "true: each row also has its PI's data-quality score in words.",
                OpenApiTypes.BOOL,
            ),
            schema.query(
                "persistence",
                "true: each row also has how many periods in a row its PI has been off target "
                "and whether SPC says special cause concerning, as of the period's end.",
                OpenApiTypes.BOOL,
            ),
        ],
        responses={200: schema.ReportSerializer, **schema.errors(400, 404)},
    )
    def get(self, request):
        report = performance_report(
            period_code=_period(request),
            service_area=service_area_or_none(
                request.query_params.get("service_area"), field="service_area"
            ),
            approved_only=_yes(request, "approved_only"),
            year_columns=_yes(request, "year_columns"),
            sub_areas=_yes(request, "sub_areas"),
            forecast=_yes(request, "forecast"),
            cost=_yes(request, "cost"),
            data_quality=_yes(request, "data_quality"),
            persistence=_yes(request, "persistence"),
        )
        return Response(
            {
                "period": report.period.code,
                "period_label": report.period.label,
                "rows": [row_output(row) for row in report.rows],
            }
        )


def audit_output(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "actor": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "indicator_id": entry.indicator_id,
        "period": entry.period_code or None,
        "old": entry.old,
        "new": entry.new,
        "reason": entry.reason,
    }


AUDIT_FILTERS = ("object_type", "object_id", "action", "period")


class AuditListApi(IndicatorsApi):
    """GET the organisation's performance audit trail, newest first."""

    @extend_schema(
        operation_id="indicators_audit_list",
        summary="The organisation's performance audit trail",
        tags=[schema.TAG],
        parameters=[*schema.AUDIT_PARAMETERS, EXPORT_PARAMETER],
        responses={
            (200, "application/json"): schema.AuditPage,
            **EXPORT_RESPONSES,
            **schema.errors(400),
        },
    )
    def get(self, request):
        filters = {key: request.query_params.get(key) for key in AUDIT_FILTERS}
        download = requested_export(request)
        if download:
            sheet = audit_sheet(entries=audit_list(filters=filters))
            return export_response(fmt=download, stem="audit-trail", sheet=sheet)
        return self.paginate(request, audit_list(filters=filters), audit_output)


class IndicatorAuditApi(IndicatorsApi):
    """GET a PI's history: its own changes and those of its values, targets and commentary."""

    @extend_schema(
        operation_id="indicators_indicator_audit",
        summary="A PI's history",
        tags=[schema.TAG],
        parameters=[*schema.AUDIT_PARAMETERS, EXPORT_PARAMETER],
        responses={
            (200, "application/json"): schema.AuditPage,
            **EXPORT_RESPONSES,
            **schema.errors(400, 404),
        },
    )
    def get(self, request, pk):
        filters = {key: request.query_params.get(key) for key in AUDIT_FILTERS}
        pi = indicator_get(pk=pk)
        download = requested_export(request)
        if download:
            entries = audit_list(indicator=pi, filters=filters)
            sheet = audit_sheet(entries=entries, title=f"{pi.code} history")
            return export_response(fmt=download, stem=f"{pi.code}-history", sheet=sheet)
        return self.paginate(request, audit_list(indicator=pi, filters=filters), audit_output)
