from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from ..models import EvidenceDocument
from ..selectors.actions import action_get
from ..selectors.common import get_one, indicator_get
from ..selectors.risks import risk_get
from ..services.evidence import evidence_delete, evidence_upload
from .common import PlanningApi, input_data, referenced
from .schema import ITEM, READ, TAGS, WRITE, errors, query


@extend_schema_serializer(component_name="EvidenceDocument")
class EvidenceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    description = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    uploaded_by_id = serializers.IntegerField(allow_null=True)
    indicator_id = serializers.IntegerField(allow_null=True)
    action_id = serializers.IntegerField(allow_null=True)
    risk_id = serializers.IntegerField(allow_null=True)


class EvidenceListApi(PlanningApi):
    """List documents (`?action=`, `?risk=` or `?indicator=`) or upload one (multipart:
    `file`, one of `action`/`risk`/`indicator`, optional `description`)."""

    records = True
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema_serializer(component_name="EvidenceUploadInput")
    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()
        description = serializers.CharField(required=False, allow_blank=True, default="")
        indicator = serializers.IntegerField(required=False)
        action = serializers.IntegerField(required=False)
        risk = serializers.IntegerField(required=False)

    @extend_schema(
        operation_id="planning_evidence_list",
        summary="List evidence documents",
        tags=TAGS,
        parameters=[
            query("action", OpenApiTypes.INT, "Documents of this action."),
            query("risk", OpenApiTypes.INT, "Documents of this risk."),
            query("indicator", OpenApiTypes.INT, "Documents of this PI."),
        ],
        responses={200: EvidenceOutput(many=True), **errors(*READ)},
    )
    def get(self, request):
        qs = EvidenceDocument.objects.all()
        for name in ("action", "risk", "indicator"):
            raw = request.query_params.get(name)
            if raw:
                qs = qs.filter(**{f"{name}_id": raw if str(raw).isdigit() else 0})
        return Response(EvidenceOutput(qs[:500], many=True).data)

    @extend_schema(
        operation_id="planning_evidence_create",
        summary="Upload an evidence document",
        tags=TAGS,
        request={"multipart/form-data": InputSerializer},
        responses={201: EvidenceOutput, **errors(*WRITE)},
        description="Upload a file and attach it to exactly one of `action`, `risk` or "
        "`indicator`. Refused (400, code upload_refused) when empty, too large, of a type not "
        "allowed, or when its contents do not match its name.",
    )
    def post(self, request):
        data = input_data(self.InputSerializer, request)
        getters = {"indicator": indicator_get, "action": action_get, "risk": risk_get}
        targets = {
            name: referenced(getter, data[name], name)
            for name, getter in getters.items()
            if name in data
        }
        document = evidence_upload(
            actor=request.user,
            upload=data["file"],
            description=data["description"],
            **targets,
        )
        return Response(EvidenceOutput(document).data, status=status.HTTP_201_CREATED)


class EvidenceDetailApi(PlanningApi):
    records = True

    @extend_schema(
        operation_id="planning_evidence_retrieve",
        summary="Read an evidence document's details",
        tags=TAGS,
        responses={200: EvidenceOutput, **errors(*ITEM)},
    )
    def get(self, request, pk):
        return Response(EvidenceOutput(get_one(EvidenceDocument, pk, "evidence document")).data)

    @extend_schema(
        operation_id="planning_evidence_destroy",
        summary="Delete an evidence document",
        tags=TAGS,
        responses={204: OpenApiResponse(description="Deleted."), **errors(*ITEM)},
    )
    def delete(self, request, pk):
        document = get_one(EvidenceDocument, pk, "evidence document")
        evidence_delete(actor=request.user, document=document)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EvidenceDownloadApi(PlanningApi):
    records = True

    @extend_schema(
        operation_id="planning_evidence_download",
        summary="Download an evidence document",
        tags=TAGS,
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, as an attachment."
            ),
            **errors(*ITEM),
        },
    )
    def get(self, request, pk):
        document = get_one(EvidenceDocument, pk, "evidence document")
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )
