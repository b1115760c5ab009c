"""REST of report definitions under /api/v1/reporting/: list and create, read, change (a new
version), archive, the versions, and the preview of a pack as JSON (`Pack.to_json()`)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from goldenthread.platform.core.door import OrganisationApi
from goldenthread.platform.core.openapi import errors

from .. import permissions, services
from ..domain.definitions import FILTER_WORDS, LAYOUT_WORDS, SCOPE_WORDS, SECTION_WORDS
from ..selectors import (
    definition_get,
    definition_list,
    definition_version_get,
    pack_build,
)
from ..selectors.definitions import definition_versions
from ..services.outputs import FORMATS
from ..services.outputs.common import CONTENT_TYPES
from ..services.outputs.delivery import checked_format, pack_download

TAGS = ["reporting"]
READ, ITEM, WRITE = (401, 403), (401, 403, 404), (400, 401, 403, 404)


class CanReadReports(BasePermission):
    """Signed in to this organisation and active; writes need `can_write_definitions`,
    checked by the services."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        permissions.require_read(request.user)
        return True


class ReportingApi(OrganisationApi):
    permission_classes = [CanReadReports]


@extend_schema_serializer(component_name="ReportSectionSpec")
class SectionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(SECTION_WORDS.items()))
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    narrative = serializers.CharField(required=False, allow_blank=True, max_length=20_000)


@extend_schema_serializer(component_name="ReportDefinitionInput")
class DefinitionInput(serializers.Serializer):
    """The whole definition: a change saves it as a new version."""

    name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    title = serializers.CharField(max_length=200)
    layout = serializers.ChoiceField(choices=list(LAYOUT_WORDS.items()), default="committee")
    scope = serializers.ChoiceField(choices=list(SCOPE_WORDS.items()), default="all")
    strategy_node_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )
    service_area_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )
    indicator_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )
    tag = serializers.CharField(required=False, allow_blank=True, max_length=50, default="")
    filters = serializers.ListField(
        child=serializers.ChoiceField(choices=list(FILTER_WORDS.items())),
        required=False,
        default=list,
    )
    red_periods = serializers.IntegerField(required=False, default=3)
    sections = SectionSerializer(many=True)
    approved_only = serializers.BooleanField(required=False, default=True)
    include_retired = serializers.BooleanField(required=False, default=False)
    charts = serializers.BooleanField(required=False, default=False)
    cost = serializers.BooleanField(
        required=False, default=False, help_text="A Cost and a Unit cost column beside each PI."
    )
    data_quality = serializers.BooleanField(
        required=False, default=False, help_text="A Data quality column, in words."
    )
    persistence = serializers.BooleanField(
        required=False,
        default=False,
        help_text="An “Off target in a row” column, with the SPC verdict.",
    )
    cover_subtitle = serializers.CharField(
        required=False, allow_blank=True, max_length=300, default=""
    )
    cover_text = serializers.CharField(
        required=False, allow_blank=True, max_length=20_000, default=""
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


class VersionOutput(serializers.Serializer):
    number = serializers.IntegerField()
    saved_at = serializers.DateTimeField()
    saved_by = serializers.CharField(source="saved_by_name")
    note = serializers.CharField()
    spec = serializers.JSONField()


class DefinitionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    latest_version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    archived = serializers.SerializerMethodField()

    def get_archived(self, definition) -> bool:
        return definition.archived_at is not None


class DefinitionDetailOutput(DefinitionOutput):
    version = VersionOutput()


def _detail(definition) -> dict:
    data = DefinitionOutput(definition).data
    data["version"] = VersionOutput(definition_version_get(definition=definition)).data
    return data


def _input(request) -> tuple[dict, str]:
    serializer = DefinitionInput(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    data["sections"] = [dict(section) for section in data["sections"]]
    return data, data.pop("note", "")


class DefinitionListApi(ReportingApi):
    @extend_schema(
        operation_id="reporting_definitions_list",
        summary="List report definitions",
        tags=TAGS,
        parameters=[
            OpenApiParameter("archived", OpenApiTypes.BOOL, description="Include archived ones.")
        ],
        responses={200: DefinitionOutput(many=True), **errors(*READ)},
    )
    def get(self, request):
        archived = str(request.query_params.get("archived", "")).lower() in ("1", "true", "yes")
        return Response(
            DefinitionOutput(definition_list(include_archived=archived), many=True).data
        )

    @extend_schema(
        operation_id="reporting_definitions_create",
        summary="Create a report definition (its version 1)",
        tags=TAGS,
        request=DefinitionInput,
        responses={201: DefinitionDetailOutput, **errors(*WRITE)},
    )
    def post(self, request):
        permissions.require_write(request.user)
        data, note = _input(request)
        definition = services.definition_create(user=request.user, data=data, note=note)
        return Response(_detail(definition), status=status.HTTP_201_CREATED)


class DefinitionDetailApi(ReportingApi):
    @extend_schema(
        operation_id="reporting_definitions_retrieve",
        summary="Read a report definition with its newest version",
        tags=TAGS,
        responses={200: DefinitionDetailOutput, **errors(*ITEM)},
    )
    def get(self, request, pk):
        return Response(_detail(definition_get(pk=pk)))

    @extend_schema(
        operation_id="reporting_definitions_update",
        summary="Change a report definition (saves a new version)",
        tags=TAGS,
        request=DefinitionInput,
        responses={200: DefinitionDetailOutput, **errors(*WRITE, 409)},
    )
    def put(self, request, pk):
        definition = definition_get(pk=pk)
        permissions.require_write(request.user)
        data, note = _input(request)
        services.definition_update(user=request.user, definition=definition, data=data, note=note)
        return Response(_detail(definition_get(pk=pk)))

    @extend_schema(
        operation_id="reporting_definitions_destroy",
        summary="Archive a report definition (its versions stay readable)",
        tags=TAGS,
        responses={204: OpenApiResponse(description="Archived."), **errors(*ITEM)},
    )
    def delete(self, request, pk):
        services.definition_archive(user=request.user, definition=definition_get(pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class VersionListApi(ReportingApi):
    @extend_schema(
        operation_id="reporting_definition_versions_list",
        summary="Every version of a report definition, newest first",
        tags=TAGS,
        responses={200: VersionOutput(many=True), **errors(*ITEM)},
    )
    def get(self, request, pk):
        definition = definition_get(pk=pk)
        return Response(VersionOutput(definition_versions(definition=definition), many=True).data)


class VersionDetailApi(ReportingApi):
    @extend_schema(
        operation_id="reporting_definition_versions_retrieve",
        summary="One version of a report definition",
        tags=TAGS,
        responses={200: VersionOutput, **errors(*ITEM)},
    )
    def get(self, request, pk, number):
        definition = definition_get(pk=pk)
        return Response(
            VersionOutput(definition_version_get(definition=definition, number=number)).data
        )


class PreviewApi(ReportingApi):
    @extend_schema(
        operation_id="reporting_definitions_preview",
        summary="The pack of a definition for a period, as JSON",
        description=(
            "The pack (`Pack.to_json()`): cover, sections with typed cells (number with unit "
            "and decimals, words for statuses and trends, `unapproved` per figure), charts' "
            "series, and the summary's counts. Built from the data as they are now."
        ),
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                required=True,
                description="The period's code, e.g. 2024/25 Q2.",
            ),
            OpenApiParameter(
                "version", OpenApiTypes.INT, description="A version (the newest by default)."
            ),
        ],
        responses={200: OpenApiTypes.OBJECT, **errors(400, *ITEM)},
    )
    def get(self, request, pk):
        definition = definition_get(pk=pk)
        version = definition_version_get(
            definition=definition, number=request.query_params.get("version")
        )
        pack = pack_build(
            definition=version,
            period=request.query_params.get("period", ""),
            reader=request.user,
        )
        return Response(pack.to_json())


class PreviewDownloadApi(ReportingApi):
    @extend_schema(
        operation_id="reporting_definitions_preview_download",
        summary="The pack of a definition for a period, as a PDF, Word, Excel or CSV file",
        description=(
            "The same pack as the preview, drawn as a file: `pdf` (tagged PDF/UA, bookmarks, "
            "page numbers), `docx`, `xlsx` (one sheet per section, numbers as numbers) or "
            "`csv` (one file, a Section column). A PDF or Word file of a pack of more rows "
            "than REPORTING_SYNC_OUTPUT_MAX_ROWS (250) is refused with 400 `pack_too_large`."
        ),
        tags=TAGS,
        parameters=[
            OpenApiParameter("fmt", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(FORMATS)),
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                required=True,
                description="The period's code, e.g. 2024/25 Q2.",
            ),
            OpenApiParameter(
                "version", OpenApiTypes.INT, description="A version (the newest by default)."
            ),
        ],
        responses={
            **{(200, CONTENT_TYPES[fmt].split(";")[0]): OpenApiTypes.BINARY for fmt in FORMATS},
            **errors(400, *ITEM),
        },
    )
    def get(self, request, pk, fmt):
        fmt = checked_format(fmt)
        definition = definition_get(pk=pk)
        version = definition_version_get(
            definition=definition, number=request.query_params.get("version")
        )
        pack = pack_build(
            definition=version,
            period=request.query_params.get("period", ""),
            reader=request.user,
        )
        return pack_download(pack, fmt)
