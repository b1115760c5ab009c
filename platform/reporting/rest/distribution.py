"""REST of frozen packs under /api/v1/reporting/: the archive (list, filters), one frozen pack
with its stored JSON, freezing (a run the worker does; 202 with the run to poll), a run's
progress, the comparison with the previous pack, downloads rendered from the stored JSON, and
each definition's schedule and distribution list, and the organisation's distribution
settings (attachments)."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response

from goldenthread.platform.accounts.models import Role
from goldenthread.platform.core.errors import NotFound
from goldenthread.platform.core.openapi import errors

from .. import permissions, services
from ..selectors import (
    definition_get,
    distribution_list_get,
    frozen_pack_compare,
    frozen_pack_get,
    frozen_pack_list,
    pack_run_get,
    schedule_get,
)
from ..selectors.distribution import distribution_settings_get, settings_as_data
from ..services import frozen_pack_render
from ..services.outputs import CONTENT_TYPES, FROZEN_FORMATS
from .definitions import ITEM, READ, TAGS, WRITE, ReportingApi


class FrozenPackOutput(serializers.Serializer):
    id = serializers.IntegerField()
    definition = serializers.IntegerField(source="definition_id")
    definition_name = serializers.CharField(source="definition.name")
    definition_version = serializers.IntegerField()
    title = serializers.CharField()
    period = serializers.CharField(source="period_code")
    period_label = serializers.CharField()
    committee = serializers.CharField()
    meeting_date = serializers.DateField()
    as_at = serializers.DateTimeField()
    frozen_at = serializers.DateTimeField()
    frozen_by = serializers.CharField(source="frozen_by_name")
    previous = serializers.IntegerField(source="previous_id", allow_null=True)


class FrozenPackDetailOutput(FrozenPackOutput):
    pack = serializers.JSONField(help_text="The frozen pack (`Pack.to_json()`), as published.")


class RunOutput(serializers.Serializer):
    id = serializers.IntegerField()
    definition = serializers.IntegerField(source="definition_id")
    definition_version = serializers.IntegerField()
    period = serializers.CharField(source="period_code")
    committee = serializers.CharField()
    meeting_date = serializers.DateField()
    status = serializers.CharField()
    status_words = serializers.CharField(source="get_status_display")
    progress = serializers.IntegerField()
    phase = serializers.CharField(
        help_text="What the worker is doing, in words. While `queued`: `Waiting for the "
        "worker`, or `Waiting for the queue (starts by itself)` when the background queue "
        "could not be reached as the run was asked for (the run is kept and sent when the "
        "queue is back: keep asking)."
    )
    error = serializers.CharField(help_text="Why it failed, in words ('' unless failed).")
    frozen_pack = serializers.IntegerField(source="frozen_pack_id", allow_null=True)
    distribute = serializers.BooleanField()


@extend_schema_serializer(component_name="FreezePackInput")
class FreezeInput(serializers.Serializer):
    period = serializers.CharField(max_length=20, help_text="The period's code, e.g. 2026/27 Q1.")
    committee = serializers.CharField(max_length=200)
    meeting_date = serializers.DateField()
    version = serializers.IntegerField(required=False, allow_null=True, default=None)
    distribute = serializers.BooleanField(required=False, default=False)


class ScheduleSerializer(serializers.Serializer):
    working_days = serializers.IntegerField(
        min_value=0, max_value=60, help_text="Working days after each quarter end."
    )
    committee = serializers.CharField(max_length=200)
    active = serializers.BooleanField(required=False, default=True)
    starts_on = serializers.DateField(read_only=True)


class DistributionListSerializer(serializers.Serializer):
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), required=False, default=list
    )
    people = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )


class DistributionSettingsSerializer(serializers.Serializer):
    attachments_allowed = serializers.BooleanField()
    attachment_max_kb = serializers.IntegerField(min_value=1, max_value=20 * 1024, required=False)


def _valid(serializer_class, request):
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class FrozenPackListApi(ReportingApi):
    @extend_schema(
        operation_id="reporting_packs_list",
        summary="The archive: every frozen pack, newest first",
        tags=TAGS,
        parameters=[
            OpenApiParameter("definition", OpenApiTypes.INT, description="A definition's id."),
            OpenApiParameter("committee", OpenApiTypes.STR, description="Committee contains."),
            OpenApiParameter("period", OpenApiTypes.STR, description="A period's code."),
        ],
        responses={200: FrozenPackOutput(many=True), **errors(*READ)},
    )
    def get(self, request):
        params = request.query_params
        packs = frozen_pack_list(
            definition=params.get("definition"),
            committee=params.get("committee", ""),
            period=params.get("period", ""),
        )
        return Response(FrozenPackOutput(packs, many=True).data)


class FrozenPackDetailApi(ReportingApi):
    @extend_schema(
        operation_id="reporting_packs_retrieve",
        summary="One frozen pack, with the pack as published",
        tags=TAGS,
        responses={200: FrozenPackDetailOutput, **errors(*ITEM)},
    )
    def get(self, request, pk):
        return Response(FrozenPackDetailOutput(frozen_pack_get(pk=pk)).data)


class FreezeApi(ReportingApi):
    @extend_schema(
        operation_id="reporting_packs_freeze",
        summary="Freeze a definition's pack for a committee (generated by the worker)",
        description=(
            "Queues the generation and answers the run (202); poll "
            "`/api/v1/reporting/runs/{id}/` until `status` is `done` (then `frozen_pack` is "
            "the new pack's id) or `failed` (`error` says why)."
        ),
        tags=TAGS,
        request=FreezeInput,
        responses={202: RunOutput, **errors(*WRITE)},
    )
    def post(self, request, pk):
        definition = definition_get(pk=pk)
        permissions.require_write(request.user)
        data = _valid(FreezeInput, request)
        run = services.pack_freeze(user=request.user, definition=definition, **data)
        return Response(RunOutput(run).data, status=status.HTTP_202_ACCEPTED)


class RunDetailApi(ReportingApi):
    @extend_schema(
        operation_id="reporting_runs_retrieve",
        summary="The progress of a pack's generation",
        tags=TAGS,
        responses={200: RunOutput, **errors(*ITEM)},
    )
    def get(self, request, pk):
        return Response(RunOutput(pack_run_get(pk=pk)).data)


class CompareApi(ReportingApi):
    @extend_schema(
        operation_id="reporting_packs_compare",
        summary="What changed since the previous pack (or since the pack given)",
        description=(
            "Per section: the rows changed (each column whose words differ, before and "
            "after), added and removed; status counts before, after and their change; and "
            "overall. `previous` is null (and `comparison` null) for a report's first pack."
        ),
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "with", OpenApiTypes.INT, description="Another frozen pack (default: previous)."
            )
        ],
        responses={200: OpenApiTypes.OBJECT, **errors(*ITEM)},
    )
    def get(self, request, pk):
        frozen = frozen_pack_get(pk=pk)
        other_id = request.query_params.get("with")
        other = frozen_pack_get(pk=other_id) if other_id else None
        other, comparison = frozen_pack_compare(frozen_pack=frozen, other=other)
        return Response(
            {
                "pack": frozen.pk,
                "previous": other.pk if other else None,
                "comparison": comparison.to_json() if comparison else None,
            }
        )


class DownloadApi(ReportingApi):
    @extend_schema(
        operation_id="reporting_packs_download",
        summary="Download a frozen pack (rendered from its stored JSON)",
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "fmt",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(FROZEN_FORMATS),
            )
        ],
        responses={
            **{
                (200, content_type.split(";")[0]): OpenApiResponse(
                    OpenApiTypes.OBJECT if fmt == "json" else OpenApiTypes.BINARY,
                    description=f"The pack as {fmt}.",
                )
                for fmt, content_type in CONTENT_TYPES.items()
            },
            **errors(*ITEM),
        },
    )
    def get(self, request, pk, fmt):
        rendered = frozen_pack_render(frozen_pack=frozen_pack_get(pk=pk), fmt=fmt)
        response = HttpResponse(rendered.content, content_type=rendered.content_type)
        response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
        return response


class ScheduleApi(ReportingApi):
    @extend_schema(
        operation_id="reporting_schedule_retrieve",
        summary="A definition's schedule (404 when it has none)",
        tags=TAGS,
        responses={200: ScheduleSerializer, **errors(*ITEM)},
    )
    def get(self, request, pk):
        schedule = schedule_get(definition=definition_get(pk=pk))
        if schedule is None:
            raise NotFound("This report definition has no schedule.")
        return Response(ScheduleSerializer(schedule).data)

    @extend_schema(
        operation_id="reporting_schedule_update",
        summary="Set a definition's schedule (N working days after each quarter end)",
        tags=TAGS,
        request=ScheduleSerializer,
        responses={200: ScheduleSerializer, **errors(*WRITE)},
    )
    def put(self, request, pk):
        definition = definition_get(pk=pk)
        permissions.require_write(request.user)
        data = _valid(ScheduleSerializer, request)
        schedule = services.schedule_save(user=request.user, definition=definition, **data)
        return Response(ScheduleSerializer(schedule).data)


class DistributionListApi(ReportingApi):
    @extend_schema(
        operation_id="reporting_distribution_list_retrieve",
        summary="Who receives a definition's packs (by role and by name)",
        tags=TAGS,
        responses={200: DistributionListSerializer, **errors(*ITEM)},
    )
    def get(self, request, pk):
        distribution = distribution_list_get(definition=definition_get(pk=pk))
        if distribution is None:
            return Response({"roles": [], "people": []})
        return Response(
            {"roles": distribution.roles, "people": [p.pk for p in distribution.people.all()]}
        )

    @extend_schema(
        operation_id="reporting_distribution_list_update",
        summary="Set who receives a definition's packs",
        tags=TAGS,
        request=DistributionListSerializer,
        responses={200: DistributionListSerializer, **errors(*WRITE)},
    )
    def put(self, request, pk):
        definition = definition_get(pk=pk)
        permissions.require_write(request.user)
        data = _valid(DistributionListSerializer, request)
        distribution = services.distribution_list_save(
            user=request.user, definition=definition, **data
        )
        return Response(
            {"roles": distribution.roles, "people": [p.pk for p in distribution.people.all()]}
        )


class DistributionSettingsApi(ReportingApi):
    @extend_schema(
        operation_id="reporting_distribution_settings_retrieve",
        summary="Whether packs may be attached to e-mails, and the size cap",
        tags=TAGS,
        responses={200: DistributionSettingsSerializer, **errors(*READ)},
    )
    def get(self, request):
        return Response(settings_as_data(distribution_settings_get()))

    @extend_schema(
        operation_id="reporting_distribution_settings_update",
        summary="Allow or stop attachments (the change is recorded: who, when, old, new)",
        tags=TAGS,
        request=DistributionSettingsSerializer,
        responses={200: DistributionSettingsSerializer, **errors(400, *READ)},
    )
    def put(self, request):
        permissions.require_write(request.user)
        data = _valid(DistributionSettingsSerializer, request)
        saved = services.distribution_settings_update(user=request.user, **data)
        return Response(settings_as_data(saved))
