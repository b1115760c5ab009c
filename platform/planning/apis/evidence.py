from __future__ import annotations

from django.http import FileResponse
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from ..models import EvidenceDocument
from ..selectors.actions import action_get
from ..selectors.common import get_one, indicator_get
from ..selectors.risks import risk_get
from ..services.evidence import evidence_delete, evidence_upload
from .common import PlanningApi, input_data, referenced


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

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()
        description = serializers.CharField(required=False, allow_blank=True, default="")
        indicator = serializers.IntegerField(required=False)
        action = serializers.IntegerField(required=False)
        risk = serializers.IntegerField(required=False)

    def get(self, request):
        qs = EvidenceDocument.objects.all()
        for name in ("action", "risk", "indicator"):
            raw = request.query_params.get(name)
            if raw:
                qs = qs.filter(**{f"{name}_id": raw if str(raw).isdigit() else 0})
        return Response(EvidenceOutput(qs[:500], many=True).data)

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

    def get(self, request, pk):
        return Response(EvidenceOutput(get_one(EvidenceDocument, pk, "evidence document")).data)

    def delete(self, request, pk):
        document = get_one(EvidenceDocument, pk, "evidence document")
        evidence_delete(actor=request.user, document=document)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EvidenceDownloadApi(PlanningApi):
    records = True

    def get(self, request, pk):
        document = get_one(EvidenceDocument, pk, "evidence document")
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )
