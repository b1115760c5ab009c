"""Helpdesk REST endpoints for importing an organisation archive as a NEW organisation
(tenants/archive, `services.import_runs`): upload the archive with the new organisation's
name and slug (202 with the queued run and its address), then read the run until the worker
has imported it or refused it. Helpdesk leads only, as on the console; every organisation
imported is in the platform audit log (the import service writes it)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from goldenthread.platform.core.openapi import errors
from goldenthread.tenants.archive.selectors import import_run_get, import_runs
from goldenthread.tenants.archive.services.import_runs import (
    check_declared_request_size,
    import_request,
)

from .base import HelpdeskApi, IsHelpdeskLead

TAGS = ["helpdesk"]
# How long a client should wait before asking again about an import under way.
RETRY_AFTER_SECONDS = 5


@extend_schema_serializer(component_name="HelpdeskImportInput")
class ImportInput(serializers.Serializer):
    archive = serializers.FileField(
        help_text="The organisation archive (ZIP) made by Golden Thread's export, at most "
        "`ARCHIVE_IMPORT_MAX_UPLOAD_BYTES` (1 GiB unless configured)."
    )
    name = serializers.CharField(max_length=200, help_text="The new organisation's name.")
    slug = serializers.CharField(
        max_length=42,
        help_text="The new organisation's slug: its host is <slug>.<platform domain>, its "
        "schema org_<slug>.",
    )


@extend_schema_serializer(component_name="HelpdeskImport")
class ImportRunOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="The new organisation's name, as asked.")
    slug = serializers.CharField(help_text="The new organisation's slug, as asked.")
    requested_by = serializers.CharField()
    requested_at = serializers.DateTimeField()
    original_name = serializers.CharField(help_text="The uploaded file's name.")
    size = serializers.IntegerField(help_text="The uploaded archive's size in bytes.")
    sha256 = serializers.CharField(help_text="The uploaded archive's SHA-256.")
    status = serializers.CharField(help_text="queued, running, done or failed.")
    status_words = serializers.CharField(source="get_status_display")
    progress = serializers.IntegerField(help_text="Percent, 0 to 100.")
    phase = serializers.CharField(
        help_text="What the worker is doing, in words; `Waiting for the queue (starts by "
        "itself)` while queued when the background queue could not be reached as it was asked "
        "for (it is kept and sent when the queue is back: keep asking)."
    )
    error = serializers.CharField(
        help_text="Why the archive was refused or the import failed, naming the problem "
        "(empty unless failed). A refused import leaves nothing behind."
    )
    finished_at = serializers.DateTimeField(allow_null=True)
    organisation = serializers.SerializerMethodField(
        help_text="When done: the slug of the organisation made (read it at "
        "`/organisations/<slug>/`)."
    )

    def get_organisation(self, run) -> str | None:
        return run.organisation.slug if run.organisation_id else None


def _answer(run, *, status_code: int = 200) -> Response:
    response = Response(ImportRunOutput(run).data, status=status_code)
    if run.is_running:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class LeadApi(HelpdeskApi):
    permission_classes = [IsHelpdeskLead]


class ImportListApi(LeadApi):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="helpdesk_imports_list",
        summary="Imports of organisation archives, newest first",
        tags=TAGS,
        responses={200: ImportRunOutput(many=True), **errors(403)},
    )
    def get(self, request):
        return Response(ImportRunOutput(import_runs()[:50], many=True).data)

    @extend_schema(
        operation_id="helpdesk_imports_create",
        summary="Import an organisation archive as a new organisation (by the worker)",
        description=(
            "Answers 202 at once with the queued import and its address in `Location`: the "
            "archive is stored, then checked and imported on a worker, never in this request. "
            "Ask the `Location` until `status` is `done` (then `organisation` is the new "
            "organisation's slug) or `failed` (then `error` names the problem; nothing was "
            "created). Refused here (400): an empty file or one over the size limit (the "
            "limit named in `message` and `extra.max_bytes`; a request whose `Content-Length` "
            "is already over the limit plus 64 KiB for the form is refused before its body is "
            "read), a name or slug that a new organisation cannot take, or an import into the "
            "same slug already under way."
        ),
        tags=TAGS,
        request={"multipart/form-data": ImportInput},
        responses={202: ImportRunOutput, **errors(400, 403)},
    )
    def post(self, request):
        # Before `request.data`, which receives (and spools) the whole upload: a declared
        # length already over the limit is refused unread. Authentication and the role check
        # have run by now, from the headers only.
        check_declared_request_size(content_length=request.META.get("CONTENT_LENGTH"))
        data = ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        run = import_request(
            upload=data.validated_data["archive"],
            name=data.validated_data["name"],
            slug=data.validated_data["slug"],
            actor=self.actor,
        )
        response = _answer(run, status_code=status.HTTP_202_ACCEPTED)
        response["Location"] = reverse("helpdesk-api:import", kwargs={"pk": run.pk})
        return response


class ImportDetailApi(LeadApi):
    @extend_schema(
        operation_id="helpdesk_imports_retrieve",
        summary="One import of an organisation archive: its state and outcome",
        tags=TAGS,
        responses={200: ImportRunOutput, **errors(403, 404)},
    )
    def get(self, request, pk):
        return _answer(import_run_get(pk=pk))
