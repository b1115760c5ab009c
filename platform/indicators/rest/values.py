"""Values (single and bulk), the workflow transitions, commentary and late values."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.response import Response

from goldenthread.platform.core.errors import NotFound
from goldenthread.platform.core.exporting import export_openapi, export_response, requested_export

from ..models import Commentary, IndicatorValue
from ..selectors.due import DueItem, late_values, values_due_soon
from ..selectors.exports import value_sheet
from ..selectors.indicators import indicator_get, value_get, value_list
from ..selectors.report import indicator_values_with_trends
from ..services.values import (
    commentary_add,
    value_enter,
    value_version,
    values_bulk_upsert_by_reference,
)
from ..services.workflow import value_approve, value_reopen, value_send_back, value_submit
from . import schema
from .base import IndicatorsApi, NumberField, number, sub_area_or_none

EXPORT_PARAMETER, EXPORT_RESPONSES = export_openapi()


def value_output(row: IndicatorValue) -> dict[str, Any]:
    return {
        "id": row.pk,
        "indicator_id": row.indicator_id,
        "indicator_code": row.indicator.code,
        "period": row.period_code,
        "period_type": row.period_type,
        "period_start": row.period_start.isoformat(),
        "period_end": row.period_end.isoformat(),
        "sub_area_id": row.sub_area_id,
        "value": number(row.value),
        "numerator": number(row.numerator),
        "denominator": number(row.denominator),
        "state": row.state,
        "workflow_status": row.workflow_status,
        "out_of_range_confirmed": row.out_of_range_confirmed,
        "out_of_range_note": row.out_of_range_note,
        "returned_reason": row.returned_reason,
        "entered_by_id": row.entered_by_id,
        "entered_at": row.entered_at.isoformat() if row.entered_at else None,
        "submitted_by_id": row.submitted_by_id,
        "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None,
        "approved_by_id": row.approved_by_id,
        "approved_at": row.approved_at.isoformat() if row.approved_at else None,
        "status": {
            "status": row.status or None,
            "target": number(row.status_target),
            "warning_threshold": number(row.status_warning_threshold),
            "tolerance_kind": row.status_tolerance_kind or None,
            "tolerance_amount": number(row.status_tolerance_amount),
            "polarity": row.status_polarity or None,
        },
        "version": value_version(row),
    }


@extend_schema_serializer(component_name="ValueInput")
class ValueInput(serializers.Serializer):
    period = serializers.CharField(max_length=24)
    value = NumberField()
    numerator = NumberField()
    denominator = NumberField()
    state = serializers.CharField(required=False, default="entered")
    sub_area_id = serializers.IntegerField(required=False, allow_null=True)
    confirm_out_of_range = serializers.BooleanField(required=False, default=False)
    out_of_range_note = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    version = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=32,
        help_text=(
            'The `version` of the value as you read it ("0" if none was stored). When '
            "someone else has changed the value since, the save is refused with 409 "
            "`stale_value`, `extra.current` holding what is stored now, who changed it, when "
            "and its version; send that version to replace it. Left out: no check."
        ),
    )


def value_arguments(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    data["period_code"] = data.pop("period")
    data["sub_area"] = sub_area_or_none(data.pop("sub_area_id", None))
    return data


class IndicatorValueListApi(IndicatorsApi):
    """GET: a PI's values, oldest first, each with the previous period's and the same period
    last year's value and the trends (`sub_area` for one sub-area's series). POST: enter or
    correct a value as a draft."""

    @extend_schema(
        operation_id="indicators_indicator_values_list",
        summary="List a PI's values with their trends",
        tags=[schema.TAG],
        parameters=[
            schema.query("sub_area", "A sub-area's id: that sub-area's series.", OpenApiTypes.INT),
            *schema.PAGE_PARAMETERS,
            EXPORT_PARAMETER,
        ],
        responses={
            (200, "application/json"): schema.ValueWithTrendsPage,
            **EXPORT_RESPONSES,
            **schema.errors(400, 404),
        },
    )
    def get(self, request, pk):
        pi = indicator_get(pk=pk)
        sub_area = sub_area_or_none(request.query_params.get("sub_area"), field="sub_area")
        download = requested_export(request)
        if download:
            filters = {"sub_area": sub_area.pk if sub_area else None}
            sheet = value_sheet(values=value_list(indicator=pi, filters=filters), title=pi.code)
            return export_response(fmt=download, stem=f"{pi.code}-values", sheet=sheet)
        rows = indicator_values_with_trends(
            indicator=pi, sub_area_id=sub_area.pk if sub_area else None
        )

        def output(item):
            return {
                **value_output(item.value),
                "previous": {
                    "period": item.previous.period_code if item.previous else None,
                    "value": number(item.previous.value) if item.previous else None,
                    "trend": str(item.short_trend),
                },
                "same_period_last_year": {
                    "period": item.last_year.period_code if item.last_year else None,
                    "value": number(item.last_year.value) if item.last_year else None,
                    "trend": str(item.long_trend),
                },
            }

        return self.paginate(request, rows, output)

    @extend_schema(
        operation_id="indicators_indicator_values_enter",
        summary="Enter or correct a value, as a draft",
        tags=[schema.TAG],
        request=ValueInput,
        responses={201: schema.ValueSerializer, **schema.errors(400, 403, 404, 409)},
    )
    def post(self, request, pk):
        pi = indicator_get(pk=pk)
        serializer = ValueInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = value_enter(
            actor=request.user,
            indicator=pi,
            interface="rest",
            **value_arguments(serializer.data),
        )
        return Response(value_output(value_get(pk=row.pk)), status=status.HTTP_201_CREATED)


class ValueListApi(IndicatorsApi):
    """GET: values across PIs, newest period first; filter by `workflow_status` (the
    verifier's queue is `?workflow_status=submitted`), `period`, `indicator`, `sub_area`."""

    @extend_schema(
        operation_id="indicators_values_list",
        summary="List values across PIs",
        tags=[schema.TAG],
        parameters=[
            schema.query(
                "workflow_status",
                "draft, submitted or approved (the verifier's queue is submitted).",
            ),
            schema.query("period", "A period code."),
            schema.query("indicator", "A PI's id.", OpenApiTypes.INT),
            schema.query("sub_area", "A sub-area's id.", OpenApiTypes.INT),
            *schema.PAGE_PARAMETERS,
            EXPORT_PARAMETER,
        ],
        responses={
            (200, "application/json"): schema.ValuePage,
            **EXPORT_RESPONSES,
            **schema.errors(400, 404),
        },
    )
    def get(self, request):
        filters = {
            key: request.query_params.get(key)
            for key in ("workflow_status", "period", "indicator", "sub_area")
        }
        download = requested_export(request)
        if download:
            sheet = value_sheet(values=value_list(filters=filters))
            return export_response(fmt=download, stem="values", sheet=sheet)
        return self.paginate(request, value_list(filters=filters), value_output)


class ValueDetailApi(IndicatorsApi):
    @extend_schema(
        operation_id="indicators_values_retrieve",
        summary="Read a value",
        tags=[schema.TAG],
        responses={200: schema.ValueSerializer, **schema.errors(404)},
    )
    def get(self, request, pk):
        return Response(value_output(value_get(pk=pk)))


@extend_schema_serializer(component_name="ValueBulkItem")
class ValueBulkItem(ValueInput):
    indicator_id = serializers.IntegerField(required=False)
    indicator_code = serializers.CharField(required=False)


@extend_schema_serializer(component_name="ValueBulkInput")
class ValueBulkInput(serializers.Serializer):
    items = ValueBulkItem(many=True, allow_empty=False, max_length=10000)


class ValueBulkUpsertApi(IndicatorsApi):
    """POST `{"items": [{"indicator_code" or "indicator_id", "period", "value", ...}]}`: enter
    many values, all or nothing (`values_bulk_upsert_by_reference`). A malformed item is an
    invalid request (`extra.fields.items`, by index); a refused one makes the service refuse
    the batch, listing every refused item by index in `extra.errors`. Nothing is saved."""

    InputSerializer = ValueBulkInput

    @extend_schema(
        operation_id="indicators_values_bulk_upsert",
        summary="Enter many values, all or nothing",
        tags=[schema.TAG],
        request=InputSerializer,
        responses={200: schema.BulkValuesResultSerializer, **schema.errors(400, 403)},
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = values_bulk_upsert_by_reference(
            actor=request.user, items=serializer.validated_data["items"]
        )
        return Response({"count": len(rows), "values": [value_output(row) for row in rows]})


class TransitionApi(IndicatorsApi):
    needs_reason = False

    @extend_schema_serializer(component_name="TransitionInput")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(required=False, allow_blank=True, default="")

    def transition(self, *, actor, value, reason):  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request, pk):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        row = self.transition(
            actor=request.user, value=value_get(pk=pk), reason=serializer.data["reason"]
        )
        return Response(value_output(value_get(pk=row.pk)))


@extend_schema_view(
    post=extend_schema(
        operation_id="indicators_values_submit",
        summary="Submit a draft for approval",
        tags=[schema.TAG],
        request=TransitionApi.InputSerializer,
        responses={200: schema.ValueSerializer, **schema.errors(400, 403, 404, 409)},
    )
)
class ValueSubmitApi(TransitionApi):
    def transition(self, *, actor, value, reason):
        return value_submit(actor=actor, value=value)


@extend_schema_view(
    post=extend_schema(
        operation_id="indicators_values_approve",
        summary="Approve a submitted value (locks it)",
        tags=[schema.TAG],
        request=TransitionApi.InputSerializer,
        responses={200: schema.ValueSerializer, **schema.errors(400, 403, 404, 409)},
    )
)
class ValueApproveApi(TransitionApi):
    def transition(self, *, actor, value, reason):
        return value_approve(actor=actor, value=value)


@extend_schema_view(
    post=extend_schema(
        operation_id="indicators_values_send_back",
        summary="Send a submitted value back, with a reason",
        tags=[schema.TAG],
        request=TransitionApi.InputSerializer,
        responses={200: schema.ValueSerializer, **schema.errors(400, 403, 404, 409)},
    )
)
class ValueSendBackApi(TransitionApi):
    def transition(self, *, actor, value, reason):
        return value_send_back(actor=actor, value=value, reason=reason)


@extend_schema_view(
    post=extend_schema(
        operation_id="indicators_values_reopen",
        summary="Reopen an approved value, with a reason",
        tags=[schema.TAG],
        request=TransitionApi.InputSerializer,
        responses={200: schema.ValueSerializer, **schema.errors(400, 403, 404, 409)},
    )
)
class ValueReopenApi(TransitionApi):
    def transition(self, *, actor, value, reason):
        return value_reopen(actor=actor, value=value, reason=reason)


def commentary_output(entry: Commentary) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "period": entry.period_code,
        "author_id": entry.author_id,
        "author": str(entry.author) if entry.author else None,
        "text": entry.text,
        "created_at": entry.created_at.isoformat(),
    }


class CommentaryListApi(IndicatorsApi):
    @extend_schema_serializer(component_name="CommentaryInput")
    class InputSerializer(serializers.Serializer):
        period = serializers.CharField(max_length=24)
        text = serializers.CharField()

    @extend_schema(
        operation_id="indicators_commentary_list",
        summary="List a PI's commentary, newest first",
        tags=[schema.TAG],
        parameters=[schema.query("period", "A period code."), *schema.PAGE_PARAMETERS],
        responses={200: schema.CommentaryPage, **schema.errors(404)},
    )
    def get(self, request, pk):
        pi = indicator_get(pk=pk)
        qs = pi.commentaries.select_related("author").order_by("-created_at")
        period = request.query_params.get("period")
        if period:
            qs = qs.filter(period_code=period)
        return self.paginate(request, qs, commentary_output)

    @extend_schema(
        operation_id="indicators_commentary_add",
        summary="Add commentary for a period",
        tags=[schema.TAG],
        request=InputSerializer,
        responses={201: schema.CommentarySerializer, **schema.errors(400, 403, 404)},
    )
    def post(self, request, pk):
        pi = indicator_get(pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = commentary_add(
            actor=request.user,
            indicator=pi,
            period_code=serializer.data["period"],
            text=serializer.data["text"],
        )
        return Response(commentary_output(entry), status=status.HTTP_201_CREATED)


def due_output(item: DueItem) -> dict[str, Any]:
    return {
        "indicator_id": item.indicator.pk,
        "indicator_code": item.indicator.code,
        "period": item.period.code,
        "due_date": item.due_date.isoformat(),
        "days_late": item.days_late,
        "value_id": item.value.pk if item.value else None,
    }


class DueValuesApi(IndicatorsApi):
    """GET `?which=late` (default) or `?which=due_soon`: values owed, oldest due first."""

    @extend_schema(
        operation_id="indicators_values_due",
        summary="List values owed: late or due soon",
        tags=[schema.TAG],
        parameters=[
            schema.query("which", "late (the default) or due_soon."),
            *schema.PAGE_PARAMETERS,
        ],
        responses={200: schema.DueValuePage, **schema.errors(404)},
    )
    def get(self, request):
        which = request.query_params.get("which", "late")
        if which == "late":
            items = late_values()
        elif which == "due_soon":
            items = values_due_soon()
        else:
            raise NotFound(f"'{which}' is not a list of due values; use late or due_soon.")
        return self.paginate(request, items, due_output)
