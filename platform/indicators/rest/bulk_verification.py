"""Approving or sending back many submitted values in one request.

Each value goes through `value_approve` / `value_send_back` on its own
(`services.bulk_verification`), so the named-verifier rule is asked of each, and the answer
says per value what was done and what was refused and why; a refused value is left exactly as
it was. The whole request is refused (nothing changed) when the caller may not verify at all
(403), or the selection is empty, too long or, to send back, has no reason (400).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response

from ..selectors.indicators import value_list
from ..services.bulk_verification import (
    MAX_BULK_VERIFICATIONS,
    BulkVerificationResult,
    values_approve_each,
    values_send_back_each,
)
from . import schema
from .base import IndicatorsApi
from .values import value_output

BULK_MEANINGS = {
    400: "The selection is empty or too long, or a send-back has no reason: nothing changed.",
    403: "The caller is not a verifier, performance officer or organisation administrator: "
    "nothing changed.",
}


@extend_schema_serializer(component_name="BulkApproveInput")
class BulkApproveInput(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=False,
        max_length=MAX_BULK_VERIFICATIONS,
        help_text="The ids of the submitted values, at most 500.",
    )


@extend_schema_serializer(component_name="BulkSendBackInput")
class BulkSendBackInput(BulkApproveInput):
    reason = serializers.CharField(
        max_length=2000, help_text="Why the values are sent back; the same for each."
    )


def bulk_output(result: BulkVerificationResult) -> dict:
    done_ids = [row.pk for row in result.done]
    # Read back once, with everything value_output names, in the order asked.
    rows = value_list().in_bulk(done_ids)
    return {
        "done_count": len(result.done),
        "refused_count": len(result.refused),
        "done": [value_output(rows[pk]) for pk in done_ids],
        "refused": [
            {"id": refusal.value_id, "message": refusal.message, "code": refusal.code}
            for refusal in result.refused
        ],
    }


class ValueBulkApproveApi(IndicatorsApi):
    """POST `{"ids": [...]}`: approve each submitted value the caller may approve."""

    @extend_schema(
        operation_id="indicators_values_bulk_approve",
        summary="Approve many submitted values, each on its own",
        description=__doc__,
        tags=[schema.TAG],
        request=BulkApproveInput,
        responses={
            200: schema.BulkVerificationResultSerializer,
            **schema.errors(400, 403, meanings=BULK_MEANINGS),
        },
    )
    def post(self, request):
        serializer = BulkApproveInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = values_approve_each(actor=request.user, value_ids=serializer.validated_data["ids"])
        return Response(bulk_output(result))


class ValueBulkSendBackApi(IndicatorsApi):
    """POST `{"ids": [...], "reason": "..."}`: send each submitted value back with the reason."""

    @extend_schema(
        operation_id="indicators_values_bulk_send_back",
        summary="Send many submitted values back with one reason, each on its own",
        description=__doc__,
        tags=[schema.TAG],
        request=BulkSendBackInput,
        responses={
            200: schema.BulkVerificationResultSerializer,
            **schema.errors(400, 403, meanings=BULK_MEANINGS),
        },
    )
    def post(self, request):
        serializer = BulkSendBackInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = values_send_back_each(
            actor=request.user,
            value_ids=serializer.validated_data["ids"],
            reason=serializer.validated_data["reason"],
        )
        return Response(bulk_output(result))
