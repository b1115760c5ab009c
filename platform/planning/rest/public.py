"""REST for the public performance pages' decisions: publications (propose, approve, reject,
withdraw) and pre-election periods. The performance team's only; the public pages themselves
are HTML, CSV and JSON at /performance/ (no API key or sign-in needed there)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from .. import permissions
from ..selectors.actions import action_get
from ..selectors.common import indicator_get
from ..selectors.public import (
    pre_election_get,
    pre_election_list,
    publication_get,
    publication_list,
)
from ..services import public as services
from .common import PlanningApi, input_data, referenced
from .schema import ITEM, PAGE, READ, TAGS, WRITE, errors, paginated


@extend_schema_serializer(component_name="Publication")
class PublicationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    indicator_id = serializers.IntegerField(allow_null=True)
    action_id = serializers.IntegerField(allow_null=True)
    item = serializers.SerializerMethodField(help_text="The item's code and title.")
    state = serializers.CharField(
        help_text="proposed, approved, rejected, superseded or withdrawn."
    )
    state_words = serializers.CharField(source="get_state_display")
    values_from = serializers.DateField(allow_null=True)
    include_commentary = serializers.BooleanField()
    embargo_until = serializers.DateTimeField()
    proposed_by_id = serializers.IntegerField(allow_null=True)
    proposed_at = serializers.DateTimeField()
    decided_by_id = serializers.IntegerField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()

    def get_item(self, row) -> str:
        item = row.indicator or row.action
        return f"{item.code}: {item.title}"


@extend_schema_serializer(component_name="PreElectionPeriod")
class PeriodOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class _TeamApi(PlanningApi):
    records = True

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        permissions.require_manage_publication(request.user)


class PublicationListApi(_TeamApi):
    @extend_schema_serializer(component_name="PublicationProposeInput")
    class InputSerializer(serializers.Serializer):
        indicator = serializers.IntegerField(required=False, allow_null=True)
        action = serializers.IntegerField(required=False, allow_null=True)
        values_from = serializers.DateField(required=False, allow_null=True)
        include_commentary = serializers.BooleanField(required=False, default=True)
        embargo_until = serializers.DateTimeField(
            required=False, allow_null=True, help_text="With its offset; omitted: once approved."
        )

    @extend_schema(
        operation_id="planning_publications_list",
        summary="List publication decisions",
        tags=TAGS,
        parameters=PAGE,
        responses={200: paginated(PublicationOutput, "Publication"), **errors(*READ)},
    )
    def get(self, request):
        return self.paginate(request, publication_list(), PublicationOutput)

    @extend_schema(
        operation_id="planning_publications_propose",
        summary="Propose a PI or an action for the public pages",
        tags=TAGS,
        request=InputSerializer,
        responses={201: PublicationOutput, **errors(*WRITE)},
    )
    def post(self, request):
        data = input_data(self.InputSerializer, request)
        row = services.publication_propose(
            actor=request.user,
            indicator=referenced(indicator_get, data.get("indicator"), "indicator"),
            action=referenced(action_get, data.get("action"), "action"),
            values_from=data.get("values_from"),
            include_commentary=data["include_commentary"],
            embargo_until=data.get("embargo_until"),
        )
        return Response(
            PublicationOutput(publication_get(pk=row.pk)).data, status=status.HTTP_201_CREATED
        )


@extend_schema_serializer(component_name="PublicationDecisionInput")
class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Why (required to refuse or withdraw; a note when approving).",
    )


def _decision(name: str, summary: str, doing, with_reason: bool):
    class DecisionApi(_TeamApi):
        @extend_schema(
            operation_id=f"planning_publications_{name}",
            summary=summary,
            tags=TAGS,
            request=ReasonInput,
            responses={200: PublicationOutput, **errors(*WRITE, 409)},
        )
        def post(self, request, pk: int):
            row = publication_get(pk=pk)
            reason = input_data(ReasonInput, request)["reason"]
            doing(
                actor=request.user,
                publication=row,
                **({"reason": reason} if with_reason else {"note": reason}),
            )
            return Response(PublicationOutput(publication_get(pk=pk)).data)

    DecisionApi.__name__ = f"Publication{name.title()}Api"
    return DecisionApi


PublicationApproveApi = _decision(
    "approve",
    "Approve a proposed publication (not its proposer)",
    services.publication_approve,
    False,
)
PublicationRejectApi = _decision(
    "reject", "Refuse a proposed publication, saying why", services.publication_reject, True
)
PublicationWithdrawApi = _decision(
    "withdraw", "Take a published item off the public pages", services.publication_withdraw, True
)


class PreElectionListApi(_TeamApi):
    @extend_schema_serializer(component_name="PreElectionPeriodInput")
    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=200)
        starts_at = serializers.DateTimeField()
        ends_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="planning_pre_election_list",
        summary="List pre-election periods",
        tags=TAGS,
        responses={200: PeriodOutput(many=True), **errors(*READ)},
    )
    def get(self, request):
        return Response(PeriodOutput(pre_election_list(), many=True).data)

    @extend_schema(
        operation_id="planning_pre_election_create",
        summary="Set a pre-election period (administrator)",
        tags=TAGS,
        request=InputSerializer,
        responses={201: PeriodOutput, **errors(*WRITE)},
    )
    def post(self, request):
        row = services.pre_election_create(
            actor=request.user, **input_data(self.InputSerializer, request)
        )
        return Response(PeriodOutput(row).data, status=status.HTTP_201_CREATED)


class PreElectionApi(_TeamApi):
    @extend_schema(
        operation_id="planning_pre_election_delete",
        summary="Remove a pre-election period (administrator)",
        tags=TAGS,
        request=None,
        responses={204: None, **errors(*ITEM)},
    )
    def delete(self, request, pk: int):
        services.pre_election_delete(actor=request.user, period=pre_election_get(pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
