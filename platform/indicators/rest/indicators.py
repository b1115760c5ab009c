"""PIs, service areas, sub-areas and the organisation's performance settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from goldenthread.platform.core.cached_reads import CachedRead
from goldenthread.platform.core.errors import NotFound
from goldenthread.platform.core.exporting import export_openapi, export_response, requested_export

from ..models import PerformanceSettings, ServiceArea, SubArea
from ..models.indicators import period_type_of
from ..permissions import require_manage
from ..selectors.exports import indicator_sheet
from ..selectors.indicators import (
    INDICATOR_FILTERS,
    indicator_get,
    indicator_list,
    indicator_list_for_api,
    indicator_page_for_api,
    sub_area_get,
)
from ..services.common import to_decimal
from ..services.indicators import (
    indicator_accept_catalogue_version,
    indicator_adopt,
    indicator_create,
    indicator_delete,
    indicator_reactivate,
    indicator_retire,
    indicator_sub_areas_set,
    indicator_update,
    performance_settings_update,
    service_area_create,
    sub_area_archive,
    sub_area_create,
    sub_area_restore,
    sub_area_update,
)
from . import schema
from .base import (
    IndicatorsApi,
    NumberField,
    number,
    service_area_or_none,
    user_in_organisation,
    users_in_organisation,
)

EXPORT_PARAMETER, EXPORT_RESPONSES = export_openapi()

# The unfiltered list, a page at a time, is the API's busiest read (issue #16, P6): kept
# while the organisation's PIs, values and what they name stand (`core.cached_reads`).
INDICATOR_PAGES = CachedRead("indicators.list")
PAGE_PARAMETERS = frozenset({"page", "page_size"})


def indicator_output(pk: int) -> dict[str, Any]:
    """PI `pk`'s body, read by the list's own query (`indicator_list_for_api` narrowed to one
    PI, one query): a PI's endpoint and the list give the same body, `latest_status`
    included, from one source."""
    row = indicator_list_for_api().filter(pk=pk).first()
    if row is None:
        raise NotFound(f"There is no indicator with the id '{pk}'.")
    return indicator_row_output(row)


def indicator_row_output(row: Mapping[str, Any]) -> dict[str, Any]:
    """A PI's body from its plain values (a row of `indicator_list_for_api`, for the list and
    for one PI alike): no model instance is built for a page of the list."""
    adopted = row["catalogue_indicator_id"] is not None
    adopted_version = row["adopted_catalogue_version"]
    return {
        "id": row["id"],
        "code": row["code"],
        "title": row["title"],
        "definition": row["definition"],
        "calculation_notes": row["calculation_notes"],
        "service_area": (
            {"id": row["service_area_id"], "name": row["service_area_name"]}
            if row["service_area_id"] is not None
            else None
        ),
        "owner_id": row["owner_id"],
        "verifier_id": row["verifier_id"],
        "data_provider_ids": sorted(row["data_provider_ids"] or ()),
        "tags": row["tags"],
        "is_active": row["is_active"],
        "unit_kind": row["unit_kind"],
        "unit_label": row["unit_label"],
        "polarity": row["polarity"],
        "band_lower": number(row["band_lower"]),
        "band_upper": number(row["band_upper"]),
        "frequency": row["frequency"],
        "year_basis": row["year_basis"],
        "period_type": str(period_type_of(row["frequency"], row["year_basis"])),
        "decimal_places": row["decimal_places"],
        "is_calculated": row["is_calculated"],
        "numerator_label": row["numerator_label"],
        "denominator_label": row["denominator_label"],
        "factor": number(row["factor"]),
        "rollup_rule": row["rollup_rule"],
        "year_to_date": row["year_to_date"],
        "falls_back_to_annual_target": row["falls_back_to_annual_target"],
        "sub_area_ids": list(row["sub_area_ids"] or ()),
        "valid_minimum": number(row["valid_minimum"]),
        "valid_maximum": number(row["valid_maximum"]),
        "whole_numbers": row["whole_numbers"],
        "out_of_range_policy": row["out_of_range_policy"],
        "tolerance_kind": row["tolerance_kind"],
        "tolerance_amount": number(row["tolerance_amount"]),
        "commentary_required_when_off_target": row["commentary_required_when_off_target"],
        "due_day_of_following_month": row["due_day_of_following_month"],
        "due_lag_months": row["due_lag_months"],
        "catalogue_code": row["catalogue_code"] or None,
        "adopted_catalogue_version": adopted_version,
        # As `Indicator.catalogue_update_available`, from the catalogue entry's version.
        "catalogue_update_available": (
            adopted and adopted_version is not None and row["catalogue_version"] > adopted_version
        ),
        "latest_status": row["latest_status"],
    }


@extend_schema_serializer(component_name="IndicatorFieldsInput")
class IndicatorFieldsInput(serializers.Serializer):
    """The local fields of a PI (everything but code, title, definition, unit, polarity and
    frequency, which an adopted PI takes from the catalogue)."""

    calculation_notes = serializers.CharField(required=False, allow_blank=True)
    service_area_id = serializers.IntegerField(required=False, allow_null=True)
    owner_id = serializers.IntegerField(required=False, allow_null=True)
    verifier_id = serializers.IntegerField(required=False, allow_null=True)
    data_provider_ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False)
    band_lower = NumberField()
    band_upper = NumberField()
    year_basis = serializers.CharField(required=False)
    decimal_places = serializers.IntegerField(required=False, min_value=0, max_value=6)
    is_calculated = serializers.BooleanField(required=False)
    numerator_label = serializers.CharField(required=False, allow_blank=True)
    denominator_label = serializers.CharField(required=False, allow_blank=True)
    factor = NumberField()
    rollup_rule = serializers.CharField(required=False)
    year_to_date = serializers.BooleanField(required=False)
    falls_back_to_annual_target = serializers.BooleanField(required=False)
    valid_minimum = NumberField()
    valid_maximum = NumberField()
    whole_numbers = serializers.BooleanField(required=False)
    out_of_range_policy = serializers.CharField(required=False)
    tolerance_kind = serializers.CharField(required=False, allow_null=True)
    tolerance_amount = NumberField()
    commentary_required_when_off_target = serializers.BooleanField(required=False)
    due_day_of_following_month = serializers.IntegerField(required=False, allow_null=True)
    due_lag_months = serializers.IntegerField(required=False, allow_null=True)


NUMBER_FIELDS = (
    "band_lower",
    "band_upper",
    "factor",
    "valid_minimum",
    "valid_maximum",
    "tolerance_amount",
)


def service_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Serializer output -> keyword arguments of the PI services (ids become objects)."""
    fields = dict(data)
    if "service_area_id" in fields:
        fields["service_area"] = service_area_or_none(fields.pop("service_area_id"))
    for name in ("owner", "verifier"):
        if f"{name}_id" in fields:
            fields[name] = user_in_organisation(fields.pop(f"{name}_id"), field=f"{name}_id")
    if "data_provider_ids" in fields:
        fields["data_providers"] = users_in_organisation(
            fields.pop("data_provider_ids"), field="data_provider_ids"
        )
    for name in NUMBER_FIELDS:
        if name in fields:
            fields[name] = to_decimal(fields[name], name=name.replace("_", " ").capitalize())
    return fields


def _plain_page_request(params) -> bool:
    """Only `page` and `page_size`, once each, as plain numbers: the requests worth a cache
    entry (`?page=01` and the like would each take one of their own)."""
    for name in params:
        values = params.getlist(name)
        if name not in PAGE_PARAMETERS or len(values) != 1:
            return False
        if not values[0].isdigit() or values[0] != str(int(values[0])):
            return False
    return True


class IndicatorListApi(IndicatorsApi):
    """GET: PIs, filtered (`q`, `service_area`, `owner`, `data_provider`, `status`, `due`,
    `active`, `tag`, `adopted`) and paginated. POST: create a local PI."""

    @extend_schema_serializer(component_name="IndicatorCreateInput")
    class InputSerializer(IndicatorFieldsInput):
        code = serializers.CharField(max_length=32)
        title = serializers.CharField(max_length=500)
        definition = serializers.CharField(required=False, allow_blank=True)
        unit_kind = serializers.CharField()
        unit_label = serializers.CharField(required=False, allow_blank=True)
        polarity = serializers.CharField()
        frequency = serializers.CharField()

    @extend_schema(
        operation_id="indicators_list",
        summary="List PIs",
        tags=[schema.TAG],
        parameters=[*schema.INDICATOR_LIST_PARAMETERS, EXPORT_PARAMETER],
        responses={
            (200, "application/json"): schema.IndicatorPage,
            **EXPORT_RESPONSES,
            **schema.errors(400, 404),
        },
    )
    def get(self, request):
        filters = {key: request.query_params.get(key) for key in INDICATOR_FILTERS}
        download = requested_export(request)
        if download:
            sheet = indicator_sheet(indicators=indicator_list(filters=filters))
            return export_response(fmt=download, stem="indicators", sheet=sheet)

        def page():
            return self.paginate_rows(
                request,
                lambda offset, limit: indicator_page_for_api(
                    filters=filters, offset=offset, limit=limit
                ),
                lambda: indicator_list_for_api(filters=filters),
                indicator_row_output,
            )

        # Filtered lists (and `?due=`, which depends on the day) are built every time.
        if _plain_page_request(request.query_params):
            return INDICATOR_PAGES.answer(request, page)
        return page()

    @extend_schema(
        operation_id="indicators_create",
        summary="Create a local PI",
        tags=[schema.TAG],
        request=InputSerializer,
        responses={201: schema.IndicatorSerializer, **schema.errors(400, 403)},
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pi = indicator_create(actor=request.user, **service_fields(serializer.validated_data))
        return Response(indicator_output(pi.pk), status=status.HTTP_201_CREATED)


class IndicatorAdoptApi(IndicatorsApi):
    """POST: adopt a national catalogue indicator (`catalogue_code` plus local fields)."""

    @extend_schema_serializer(component_name="IndicatorAdoptInput")
    class InputSerializer(IndicatorFieldsInput):
        catalogue_code = serializers.CharField(max_length=32)

    @extend_schema(
        operation_id="indicators_adopt",
        summary="Adopt a national catalogue indicator",
        tags=[schema.TAG],
        request=InputSerializer,
        responses={201: schema.IndicatorSerializer, **schema.errors(400, 403, 404, 409)},
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pi = indicator_adopt(actor=request.user, **service_fields(serializer.validated_data))
        return Response(indicator_output(pi.pk), status=status.HTTP_201_CREATED)


class IndicatorDetailApi(IndicatorsApi):
    """GET one PI; PATCH changes it (with an optional `reason`); DELETE a PI without values."""

    @extend_schema_serializer(component_name="IndicatorUpdateInput")
    class UpdateSerializer(IndicatorFieldsInput):
        code = serializers.CharField(max_length=32, required=False)
        title = serializers.CharField(max_length=500, required=False)
        definition = serializers.CharField(required=False, allow_blank=True)
        unit_kind = serializers.CharField(required=False)
        unit_label = serializers.CharField(required=False, allow_blank=True)
        polarity = serializers.CharField(required=False)
        frequency = serializers.CharField(required=False)
        reason = serializers.CharField(required=False, allow_blank=True)

    @extend_schema(
        operation_id="indicators_retrieve",
        summary="Read a PI",
        tags=[schema.TAG],
        responses={200: schema.IndicatorSerializer, **schema.errors(404)},
    )
    def get(self, request, pk):
        return Response(indicator_output(pk))

    @extend_schema(
        operation_id="indicators_update",
        summary="Change a PI",
        tags=[schema.TAG],
        request=UpdateSerializer,
        responses={200: schema.IndicatorSerializer, **schema.errors(400, 403, 404)},
    )
    def patch(self, request, pk):
        pi = indicator_get(pk=pk)
        serializer = self.UpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = service_fields(serializer.validated_data)
        indicator_update(actor=request.user, indicator=pi, **fields)
        return Response(indicator_output(pk))

    @extend_schema(
        operation_id="indicators_delete",
        summary="Delete a PI that has no values",
        tags=[schema.TAG],
        responses={204: None, **schema.errors(403, 404, 409)},
    )
    def delete(self, request, pk):
        indicator_delete(actor=request.user, indicator=indicator_get(pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


def _with_reason(request, pk, change) -> Response:
    """Retire or reactivate PI `pk` (`change`) with the request's optional reason; answer
    the PI as it now is."""
    serializer = ReasonInput(data=request.data)
    serializer.is_valid(raise_exception=True)
    change(actor=request.user, indicator=indicator_get(pk=pk), **serializer.data)
    return Response(indicator_output(pk))


class IndicatorRetireApi(IndicatorsApi):
    @extend_schema(
        operation_id="indicators_retire",
        summary="Retire a PI",
        tags=[schema.TAG],
        request=ReasonInput,
        responses={200: schema.IndicatorSerializer, **schema.errors(400, 403, 404, 409)},
    )
    def post(self, request, pk):
        return _with_reason(request, pk, indicator_retire)


class IndicatorReactivateApi(IndicatorsApi):
    @extend_schema(
        operation_id="indicators_reactivate",
        summary="Reactivate a retired PI",
        tags=[schema.TAG],
        request=ReasonInput,
        responses={200: schema.IndicatorSerializer, **schema.errors(400, 403, 404, 409)},
    )
    def post(self, request, pk):
        return _with_reason(request, pk, indicator_reactivate)


class IndicatorAcceptCatalogueVersionApi(IndicatorsApi):
    """POST: apply the catalogue's newer definition to an adopted PI."""

    @extend_schema(
        operation_id="indicators_accept_catalogue_version",
        summary="Apply the catalogue's newer definition",
        tags=[schema.TAG],
        request=None,
        responses={200: schema.IndicatorSerializer, **schema.errors(400, 403, 404, 409)},
    )
    def post(self, request, pk):
        indicator_accept_catalogue_version(actor=request.user, indicator=indicator_get(pk=pk))
        return Response(indicator_output(pk))


class ServiceAreaListApi(IndicatorsApi):
    @extend_schema_serializer(component_name="ServiceAreaInput")
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        code = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="indicators_service_areas_list",
        summary="List service areas",
        tags=[schema.TAG],
        parameters=schema.PAGE_PARAMETERS,
        responses={200: schema.ServiceAreaPage, **schema.errors()},
    )
    def get(self, request):
        return self.paginate(
            request,
            ServiceArea.objects.all(),
            lambda area: {"id": area.pk, "name": area.name, "code": area.code},
        )

    @extend_schema(
        operation_id="indicators_service_areas_create",
        summary="Create a service area",
        tags=[schema.TAG],
        request=InputSerializer,
        responses={201: schema.ServiceAreaSerializer, **schema.errors(400, 403, 409)},
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        area = service_area_create(actor=request.user, **serializer.validated_data)
        return Response(
            {"id": area.pk, "name": area.name, "code": area.code}, status=status.HTTP_201_CREATED
        )


def sub_area_output(area: SubArea) -> dict[str, Any]:
    return {
        "id": area.pk,
        "kind": area.kind,
        "name": area.name,
        "code": area.code,
        "archived": area.archived_at is not None,
    }


class SubAreaDetailApi(IndicatorsApi):
    """PATCH: rename a sub-area, or archive / restore it (`archived`). Archiving one with no
    values, targets or baselines deletes it (204)."""

    @extend_schema_serializer(component_name="SubAreaPatchInput")
    class InputSerializer(serializers.Serializer):
        # Checked by the service (the model's choices), as on create.
        kind = serializers.CharField(required=False)
        name = serializers.CharField(max_length=200, required=False)
        code = serializers.CharField(max_length=32, required=False, allow_blank=True)
        archived = serializers.BooleanField(required=False)

    @extend_schema(
        operation_id="indicators_sub_areas_update",
        summary="Change, archive or restore a sub-area",
        tags=[schema.TAG],
        request=InputSerializer,
        responses={
            200: schema.SubAreaSerializer,
            204: None,
            **schema.errors(400, 403, 404, 409),
        },
    )
    def patch(self, request, pk):
        area = sub_area_get(pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        archived = data.pop("archived", None)
        if data:
            area = sub_area_update(
                actor=request.user,
                sub_area=area,
                kind=data.get("kind", area.kind),
                name=data.get("name", area.name),
                code=data.get("code", area.code),
            )
        if archived is True:
            kept = sub_area_archive(actor=request.user, sub_area=area)
            if kept is None:
                return Response(status=status.HTTP_204_NO_CONTENT)
            area = kept
        elif archived is False:
            area = sub_area_restore(actor=request.user, sub_area=area)
        elif not data:
            require_manage(request.user)  # nothing asked: still refused to a reader
        return Response(sub_area_output(area))


class IndicatorSubAreasApi(IndicatorsApi):
    """PUT `{"sub_area_ids": [...]}`: the sub-areas a PI collects values for."""

    @extend_schema_serializer(component_name="IndicatorSubAreasInput")
    class InputSerializer(serializers.Serializer):
        sub_area_ids = serializers.ListField(child=serializers.IntegerField())

    @extend_schema(
        operation_id="indicators_indicator_sub_areas_set",
        summary="Choose the sub-areas a PI collects values for",
        tags=[schema.TAG],
        request=InputSerializer,
        responses={200: schema.IndicatorSerializer, **schema.errors(400, 403, 404)},
    )
    def put(self, request, pk):
        pi = indicator_get(pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        areas = [sub_area_get(pk=area_id) for area_id in serializer.validated_data["sub_area_ids"]]
        indicator_sub_areas_set(actor=request.user, indicator=pi, sub_areas=areas)
        return Response(indicator_output(pk))


class SubAreaListApi(IndicatorsApi):
    @extend_schema_serializer(component_name="SubAreaInput")
    class InputSerializer(serializers.Serializer):
        kind = serializers.CharField()
        name = serializers.CharField(max_length=200)
        code = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="indicators_sub_areas_list",
        summary="List sub-areas (wards, localities, groups)",
        tags=[schema.TAG],
        parameters=schema.PAGE_PARAMETERS,
        responses={200: schema.SubAreaPage, **schema.errors()},
    )
    def get(self, request):
        return self.paginate(request, SubArea.objects.all(), sub_area_output)

    @extend_schema(
        operation_id="indicators_sub_areas_create",
        summary="Create a sub-area",
        tags=[schema.TAG],
        request=InputSerializer,
        responses={201: schema.SubAreaSerializer, **schema.errors(400, 403, 409)},
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        area = sub_area_create(actor=request.user, **serializer.validated_data)
        return Response(sub_area_output(area), status=status.HTTP_201_CREATED)


def settings_output(settings: PerformanceSettings) -> dict[str, Any]:
    return {
        "tolerance_kind": settings.tolerance_kind,
        "tolerance_amount": number(settings.tolerance_amount),
        "due_day_of_following_month": settings.due_day_of_following_month,
        "due_lag_months": settings.due_lag_months,
        "reminders_enabled": settings.reminders_enabled,
        "reminder_days_before_due": settings.reminder_days_before_due,
        "escalate_provider_after_days": settings.escalate_provider_after_days,
        "escalate_owner_after_days": settings.escalate_owner_after_days,
        "escalate_team_after_days": settings.escalate_team_after_days,
    }


class PerformanceSettingsApi(IndicatorsApi):
    @extend_schema_serializer(component_name="PerformanceSettingsInput")
    class InputSerializer(serializers.Serializer):
        tolerance_kind = serializers.CharField(required=False)
        tolerance_amount = NumberField()
        due_day_of_following_month = serializers.IntegerField(required=False)
        due_lag_months = serializers.IntegerField(required=False)
        reminders_enabled = serializers.BooleanField(required=False)
        reminder_days_before_due = serializers.IntegerField(required=False, min_value=0)
        escalate_provider_after_days = serializers.IntegerField(required=False, min_value=0)
        escalate_owner_after_days = serializers.IntegerField(required=False, min_value=0)
        escalate_team_after_days = serializers.IntegerField(required=False, min_value=0)

    @extend_schema(
        operation_id="indicators_performance_settings_retrieve",
        summary="Read the organisation's performance settings",
        tags=[schema.TAG],
        responses={200: schema.PerformanceSettingsSerializer, **schema.errors()},
    )
    def get(self, request):
        return Response(settings_output(PerformanceSettings.load()))

    @extend_schema(
        operation_id="indicators_performance_settings_update",
        summary="Change the organisation's performance settings",
        tags=[schema.TAG],
        request=InputSerializer,
        responses={200: schema.PerformanceSettingsSerializer, **schema.errors(400, 403)},
    )
    def patch(self, request):
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        if "tolerance_amount" in fields:
            fields["tolerance_amount"] = to_decimal(
                fields["tolerance_amount"], name="Tolerance amount"
            )
        return Response(settings_output(performance_settings_update(actor=request.user, **fields)))
