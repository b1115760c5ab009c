"""REST of the organisation's exports, under /api/v1/archive/ on its host: ask for an export
(the worker writes it; 202 with the run to poll), list them, read one's progress, download
its archive. Only the organisation's administrators."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from goldenthread.platform.core.door import OrganisationApi
from goldenthread.platform.core.openapi import errors

from .. import permissions
from ..selectors import export_run_get, export_runs_of
from ..services.exporting import export_download_record, export_request

TAGS = ["archive"]
READ, ITEM, WRITE = (403,), (403, 404), (400, 403, 404)


class CanExportOrganisation(BasePermission):
    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        permissions.require_export_organisation(request.user)
        return True


class ExportApi(OrganisationApi):
    permission_classes = [CanExportOrganisation]


class ExportRunOutput(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="queued, running, done or failed.")
    status_words = serializers.CharField(source="get_status_display")
    progress = serializers.IntegerField(help_text="0 to 100.")
    phase = serializers.CharField(
        help_text="What the worker is doing, in words; `Waiting for the queue (starts by "
        "itself)` while queued when the background queue could not be reached as it was asked "
        "for (it is kept and sent when the queue is back: keep asking)."
    )
    error = serializers.CharField(help_text="Why it failed; empty otherwise.")
    requested_by = serializers.CharField()
    requested_via = serializers.CharField()
    requested_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    size = serializers.IntegerField(allow_null=True, help_text="The archive's size in bytes.")
    sha256 = serializers.CharField(help_text="The archive's SHA-256, once done.")


class ExportListApi(ExportApi):
    @extend_schema(
        operation_id="archive_exports_list",
        summary="The organisation's exports, newest first",
        tags=TAGS,
        responses={200: ExportRunOutput(many=True), **errors(*READ)},
    )
    def get(self, request):
        runs = export_runs_of(organisation=self.organisation)[:50]
        return Response(ExportRunOutput(runs, many=True).data)

    @extend_schema(
        operation_id="archive_exports_create",
        summary="Export all of the organisation's data (written by the worker)",
        description=(
            "Queues the export and answers the run (202); poll `/api/v1/archive/exports/{id}/` "
            "until `status` is `done`, then download `/api/v1/archive/exports/{id}/download/`. "
            "The archive's format is documented in docs/archive-format.md and in the "
            "archive's own README.md."
        ),
        tags=TAGS,
        request=None,
        responses={202: ExportRunOutput, **errors(*READ)},
    )
    def post(self, request):
        run = export_request(organisation=self.organisation, user=request.user)
        return Response(ExportRunOutput(run).data, status=status.HTTP_202_ACCEPTED)


class ExportDetailApi(ExportApi):
    @extend_schema(
        operation_id="archive_exports_retrieve",
        summary="One export and its progress",
        tags=TAGS,
        responses={200: ExportRunOutput, **errors(*ITEM)},
    )
    def get(self, request, pk):
        return Response(ExportRunOutput(export_run_get(organisation=self.organisation, pk=pk)).data)


class ExportDownloadApi(ExportApi):
    @extend_schema(
        operation_id="archive_exports_download",
        summary="Download an export's archive (ZIP)",
        tags=TAGS,
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The organisation's archive."
            ),
            **errors(*WRITE),
        },
    )
    def get(self, request, pk):
        run = export_run_get(organisation=self.organisation, pk=pk)
        path = export_download_record(run=run, actor=request.user.email)
        return FileResponse(
            open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
            as_attachment=True,
            filename=path.name,
            content_type="application/zip",
        )
