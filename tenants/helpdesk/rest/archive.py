"""Helpdesk REST endpoints for one organisation's exports and backups (tenants/archive):
export on the organisation's request (with the reason), its progress and download; the
backups, a backup now, and restores in place (typed slug) or as a copy, queued for the
worker (202 with the restore, whose state and progress are then read). Helpdesk leads only,
as on the console; every action is in the platform audit log (the services write it).
"""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from goldenthread.platform.core.openapi import errors
from goldenthread.tenants.archive.models import RestoreKind
from goldenthread.tenants.archive.rest.exports import ExportRunOutput
from goldenthread.tenants.archive.selectors import (
    backup_get,
    backups_of,
    export_run_get,
    export_runs_of,
    restore_run_get,
    restore_runs_of,
)
from goldenthread.tenants.archive.services.exporting import (
    export_download_record,
    export_request_by_helpdesk,
)
from goldenthread.tenants.archive.services.restores import restore_request

from .base import HelpdeskApi, IsHelpdeskLead, organisation_or_404

TAGS = ["helpdesk"]


@extend_schema_serializer(component_name="HelpdeskExportInput")
class ExportInput(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500, help_text="Whose request this export answers (ticket, person)."
    )


@extend_schema_serializer(component_name="HelpdeskBackup")
class BackupOutput(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField()
    trigger = serializers.CharField(help_text="scheduled or manual.")
    size = serializers.IntegerField(help_text="Bytes.")
    sha256 = serializers.CharField()


@extend_schema_serializer(component_name="HelpdeskRestoreInput")
class RestoreInput(serializers.Serializer):
    confirmation = serializers.CharField(
        max_length=42, help_text="The organisation's slug, typed again to confirm."
    )


@extend_schema_serializer(component_name="HelpdeskRestore")
class RestoreRunOutput(serializers.Serializer):
    id = serializers.IntegerField()
    backup = serializers.IntegerField(source="backup_id", help_text="The backup restored.")
    kind = serializers.CharField(help_text="in_place or copy.")
    requested_by = serializers.CharField()
    requested_at = serializers.DateTimeField()
    status = serializers.CharField(help_text="queued, running, done or failed.")
    progress = serializers.IntegerField(help_text="Percent, 0 to 100.")
    phase = serializers.CharField(
        help_text="What the worker is doing, in words; `Waiting for the queue (starts by "
        "itself)` while queued when the background queue could not be reached as it was asked "
        "for (it is kept and sent when the queue is back: keep asking)."
    )
    error = serializers.CharField(help_text="Why it failed (empty unless failed).")
    finished_at = serializers.DateTimeField(allow_null=True)
    safety_backup = serializers.IntegerField(
        source="safety_backup_id",
        allow_null=True,
        help_text="In place: the backup of the data as they were just before.",
    )
    copy_schema = serializers.SerializerMethodField(
        help_text="As a copy: the schema the backup was restored into."
    )

    def get_copy_schema(self, run) -> str | None:
        return run.copy.schema_name if run.copy_id else None


class LeadApi(HelpdeskApi):
    permission_classes = [IsHelpdeskLead]


class ExportListApi(LeadApi):
    @extend_schema(
        operation_id="helpdesk_exports_list",
        summary="An organisation's exports, newest first",
        tags=TAGS,
        responses={200: ExportRunOutput(many=True), **errors(403, 404)},
    )
    def get(self, request, slug):
        runs = export_runs_of(organisation=organisation_or_404(slug))[:50]
        return Response(ExportRunOutput(runs, many=True).data)

    @extend_schema(
        operation_id="helpdesk_exports_create",
        summary="Export an organisation on its request (written by the worker)",
        description="Poll the export until `status` is `done`, then download it.",
        tags=TAGS,
        request=ExportInput,
        responses={202: ExportRunOutput, **errors(400, 403, 404)},
    )
    def post(self, request, slug):
        organisation = organisation_or_404(slug)
        data = ExportInput(data=request.data)
        data.is_valid(raise_exception=True)
        run = export_request_by_helpdesk(
            organisation=organisation, staff_user=request.user, reason=data.validated_data["reason"]
        )
        return Response(ExportRunOutput(run).data, status=status.HTTP_202_ACCEPTED)


class ExportDetailApi(LeadApi):
    @extend_schema(
        operation_id="helpdesk_exports_retrieve",
        summary="One export of an organisation and its progress",
        tags=TAGS,
        responses={200: ExportRunOutput, **errors(403, 404)},
    )
    def get(self, request, slug, pk):
        run = export_run_get(organisation=organisation_or_404(slug), pk=pk)
        return Response(ExportRunOutput(run).data)


class ExportDownloadApi(LeadApi):
    @extend_schema(
        operation_id="helpdesk_exports_download",
        summary="Download an organisation's export (ZIP)",
        tags=TAGS,
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The organisation's archive."
            ),
            **errors(400, 403, 404),
        },
    )
    def get(self, request, slug, pk):
        run = export_run_get(organisation=organisation_or_404(slug), pk=pk)
        path = export_download_record(run=run, actor=self.actor)
        return FileResponse(
            open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
            as_attachment=True,
            filename=path.name,
            content_type="application/zip",
        )


class BackupListApi(LeadApi):
    @extend_schema(
        operation_id="helpdesk_backups_list",
        summary="An organisation's backups kept, newest first",
        tags=TAGS,
        responses={200: BackupOutput(many=True), **errors(403, 404)},
    )
    def get(self, request, slug):
        backups = backups_of(organisation=organisation_or_404(slug))[:100]
        return Response(BackupOutput(backups, many=True).data)

    @extend_schema(
        operation_id="helpdesk_backups_create",
        summary="Back up an organisation now (taken by the worker)",
        tags=TAGS,
        request=None,
        responses={202: OpenApiResponse(description="Queued."), **errors(403, 404)},
    )
    def post(self, request, slug):
        from goldenthread.tenants.archive.services.backups import backup_now_queue

        backup_now_queue(organisation=organisation_or_404(slug), actor=self.actor)
        return Response(status=status.HTTP_202_ACCEPTED)


class RestoreApi(LeadApi):
    @extend_schema(
        operation_id="helpdesk_backups_restore",
        summary="Replace an organisation's data by one of its backups (by the worker)",
        description=(
            "Typed confirmation: `confirmation` must be the organisation's slug. Answered at "
            "once with the queued restore; the worker takes a safety backup of the data as "
            "they are now first. Poll the restore until `status` is `done` or `failed`."
        ),
        tags=TAGS,
        request=RestoreInput,
        responses={202: RestoreRunOutput, **errors(400, 403, 404)},
    )
    def post(self, request, slug, pk):
        backup = backup_get(organisation=organisation_or_404(slug), pk=pk)
        data = RestoreInput(data=request.data)
        data.is_valid(raise_exception=True)
        run = restore_request(
            backup=backup,
            actor=self.actor,
            kind=RestoreKind.IN_PLACE,
            confirmation=data.validated_data["confirmation"],
        )
        return Response(RestoreRunOutput(run).data, status=status.HTTP_202_ACCEPTED)


class RestoreCopyApi(LeadApi):
    @extend_schema(
        operation_id="helpdesk_backups_restore_copy",
        summary="Restore a backup beside the organisation, for inspection (by the worker)",
        description="Poll the restore; when done, `copy_schema` names the copy.",
        tags=TAGS,
        request=None,
        responses={202: RestoreRunOutput, **errors(400, 403, 404)},
    )
    def post(self, request, slug, pk):
        backup = backup_get(organisation=organisation_or_404(slug), pk=pk)
        run = restore_request(backup=backup, actor=self.actor, kind=RestoreKind.COPY)
        return Response(RestoreRunOutput(run).data, status=status.HTTP_202_ACCEPTED)


class RestoreListApi(LeadApi):
    @extend_schema(
        operation_id="helpdesk_restores_list",
        summary="An organisation's restores, newest first",
        tags=TAGS,
        responses={200: RestoreRunOutput(many=True), **errors(403, 404)},
    )
    def get(self, request, slug):
        runs = restore_runs_of(organisation=organisation_or_404(slug))[:50]
        return Response(RestoreRunOutput(runs, many=True).data)


class RestoreDetailApi(LeadApi):
    @extend_schema(
        operation_id="helpdesk_restores_retrieve",
        summary="One restore of an organisation: its state and progress",
        tags=TAGS,
        responses={200: RestoreRunOutput, **errors(403, 404)},
    )
    def get(self, request, slug, pk):
        run = restore_run_get(organisation=organisation_or_404(slug), pk=pk)
        return Response(RestoreRunOutput(run).data)
