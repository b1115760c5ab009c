from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from ..selectors.common import indicator_get, user_get
from ..selectors.strategy import (
    find_in_tree,
    node_links,
    strategy_node_get,
    strategy_node_list,
    strategy_tree,
)
from ..services import strategy as services
from .common import PlanningApi, UserRef, input_data, referenced
from .schema import ITEM, READ, TAGS, WRITE, errors


@extend_schema_serializer(component_name="StrategyRollupPis")
class RollupPisOutput(serializers.Serializer):
    total = serializers.IntegerField()
    on_target = serializers.IntegerField()
    warning = serializers.IntegerField()
    off_target = serializers.IntegerField()
    other = serializers.IntegerField(help_text="No value yet, data only, not due…")


@extend_schema_serializer(component_name="StrategyRollupActions")
class RollupActionsOutput(serializers.Serializer):
    counted = serializers.IntegerField(help_text="Open and completed actions (not parked).")
    on_track = serializers.IntegerField()
    on_track_percent = serializers.DecimalField(max_digits=5, decimal_places=0, allow_null=True)


@extend_schema_serializer(component_name="StrategyRollupBand")
class RollupBandOutput(serializers.Serializer):
    band = serializers.CharField()
    colour = serializers.CharField()
    count = serializers.IntegerField()


@extend_schema_serializer(component_name="StrategyRollup")
class RollupOutput(serializers.Serializer):
    """Counts for a node and everything beneath it."""

    pis = RollupPisOutput()
    actions = RollupActionsOutput()
    risks = RollupBandOutput(many=True, help_text="Open risks by band, highest first.")
    weighted_score = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        allow_null=True,
        help_text="The weighted-basket score of its weighted PIs, if any have weights.",
    )


@extend_schema_serializer(component_name="StrategyTreeNode")
class TreeNodeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    level = serializers.IntegerField()
    level_name = serializers.CharField()
    owner_id = serializers.IntegerField(allow_null=True)
    rollup = RollupOutput()


# Each node's children have the node's own shape (the schema refers to itself).
TreeNodeOutput._declared_fields["children"] = TreeNodeOutput(many=True)


def _tree_data(item) -> dict:
    return {
        "id": item.node.pk,
        "code": item.node.code,
        "title": item.node.title,
        "level": item.node.level,
        "level_name": item.level_name,
        "owner_id": item.node.owner_id,
        "rollup": item.rollup.as_dict(),
        "children": [_tree_data(child) for child in item.children],
    }


class StrategyTreeApi(PlanningApi):
    """The whole strategy tree with every node's roll-up."""

    @extend_schema(
        operation_id="planning_strategy_tree",
        summary="Read the strategy tree with every node's roll-up",
        tags=TAGS,
        responses={200: TreeNodeOutput(many=True), **errors(*READ)},
    )
    def get(self, request):
        # Through the serializer, so that decimals go out as the strings the schema promises.
        return Response(TreeNodeOutput([_tree_data(r) for r in strategy_tree()], many=True).data)


@extend_schema_serializer(component_name="StrategyNode")
class NodeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    level = serializers.IntegerField()
    parent_id = serializers.IntegerField(allow_null=True)
    owner = UserRef(allow_null=True)
    position = serializers.IntegerField()


@extend_schema_serializer(component_name="StrategyNodeIndicator")
class NodeIndicatorOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    weight = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    latest_status = serializers.CharField(allow_null=True)


@extend_schema_serializer(component_name="StrategyNodeDetail")
class NodeDetailOutput(NodeOutput):
    level_name = serializers.CharField()
    rollup = RollupOutput()
    indicators = NodeIndicatorOutput(many=True)
    action_ids = serializers.ListField(child=serializers.IntegerField())
    risk_ids = serializers.ListField(child=serializers.IntegerField())


class NodeListApi(PlanningApi):
    @extend_schema_serializer(component_name="StrategyNodeCreateInput")
    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=32)
        title = serializers.CharField(max_length=300)
        level = serializers.IntegerField(min_value=1)
        parent = serializers.IntegerField(required=False, allow_null=True)
        owner = serializers.IntegerField(required=False, allow_null=True)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        position = serializers.IntegerField(required=False, min_value=0, default=0)

    @extend_schema(
        operation_id="planning_strategy_nodes_list",
        summary="List strategy nodes",
        tags=TAGS,
        responses={200: NodeOutput(many=True), **errors(*READ)},
    )
    def get(self, request):
        return Response(NodeOutput(strategy_node_list(), many=True).data)

    @extend_schema(
        operation_id="planning_strategy_nodes_create",
        summary="Create a strategy node",
        tags=TAGS,
        request=InputSerializer,
        responses={201: NodeOutput, **errors(*WRITE)},
    )
    def post(self, request):
        data = input_data(self.InputSerializer, request)
        data["parent"] = referenced(strategy_node_get, data.get("parent"), "parent")
        data["owner"] = referenced(user_get, data.get("owner"), "owner")
        node = services.strategy_node_create(actor=request.user, **data)
        return Response(NodeOutput(node).data, status=status.HTTP_201_CREATED)


class NodeDetailApi(PlanningApi):
    @extend_schema_serializer(component_name="StrategyNodeUpdateInput")
    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=32, required=False)
        title = serializers.CharField(max_length=300, required=False)
        level = serializers.IntegerField(min_value=1, required=False)
        parent = serializers.IntegerField(required=False, allow_null=True)
        owner = serializers.IntegerField(required=False, allow_null=True)
        description = serializers.CharField(required=False, allow_blank=True)
        position = serializers.IntegerField(required=False, min_value=0)

    @extend_schema(
        operation_id="planning_strategy_nodes_retrieve",
        summary="Read a strategy node with its roll-up and links",
        tags=TAGS,
        responses={200: NodeDetailOutput, **errors(*ITEM)},
    )
    def get(self, request, pk):
        node = strategy_node_get(pk=pk)
        item = find_in_tree(strategy_tree(), node.pk)
        links = node_links(node)
        return Response(
            NodeDetailOutput(
                {
                    **NodeOutput(node).data,
                    "level_name": item.level_name,
                    "rollup": item.rollup.as_dict(),
                    "indicators": [
                        {
                            "id": link.indicator_id,
                            "code": link.indicator.code,
                            "weight": link.weight,
                            "latest_status": link.latest_status,
                        }
                        for link in links["indicator_links"]
                    ],
                    "action_ids": [action.pk for action in links["actions"]],
                    "risk_ids": [risk.pk for risk in links["risks"]],
                }
            ).data
        )

    @extend_schema(
        operation_id="planning_strategy_nodes_update",
        summary="Change a strategy node",
        tags=TAGS,
        request=InputSerializer,
        responses={200: NodeOutput, **errors(*WRITE)},
    )
    def patch(self, request, pk):
        node = strategy_node_get(pk=pk)
        data = input_data(self.InputSerializer, request, partial=True)
        if "parent" in data:
            data["parent"] = referenced(strategy_node_get, data["parent"], "parent")
        if "owner" in data:
            data["owner"] = referenced(user_get, data["owner"], "owner")
        node = services.strategy_node_update(actor=request.user, node=node, **data)
        return Response(NodeOutput(node).data)

    @extend_schema(
        operation_id="planning_strategy_nodes_destroy",
        summary="Delete a strategy node",
        tags=TAGS,
        responses={204: OpenApiResponse(description="Deleted."), **errors(*ITEM, 409)},
    )
    def delete(self, request, pk):
        services.strategy_node_delete(actor=request.user, node=strategy_node_get(pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class NodeLinkApi(PlanningApi):
    """Link (POST) or unlink (DELETE) a PI, action or risk to a node."""

    @extend_schema_serializer(component_name="StrategyLinkInput")
    class InputSerializer(serializers.Serializer):
        indicator = serializers.IntegerField(required=False)
        action = serializers.IntegerField(required=False)
        risk = serializers.IntegerField(required=False)
        weight = serializers.DecimalField(
            max_digits=8, decimal_places=2, required=False, allow_null=True, min_value=0
        )

        def validate(self, attrs):
            named = [key for key in ("indicator", "action", "risk") if key in attrs]
            if len(named) != 1:
                raise serializers.ValidationError("Name exactly one of indicator, action or risk.")
            return attrs

    def _targets(self, data) -> dict:
        from ..selectors.actions import action_get
        from ..selectors.risks import risk_get

        getters = {"indicator": indicator_get, "action": action_get, "risk": risk_get}
        return {
            key: referenced(getter, data[key], key)
            for key, getter in getters.items()
            if key in data
        }

    @extend_schema(
        operation_id="planning_strategy_links_create",
        summary="Link a PI, action or risk to a strategy node",
        tags=TAGS,
        request=InputSerializer,
        responses={204: OpenApiResponse(description="Linked."), **errors(*WRITE)},
        description="Link exactly one of a PI (with an optional weight; linking it again "
        "changes the weight), an action or a risk.",
    )
    def post(self, request, pk):
        node = strategy_node_get(pk=pk)
        data = input_data(self.InputSerializer, request)
        targets = self._targets(data)
        if "indicator" in targets:
            services.strategy_link_indicator(
                actor=request.user,
                node=node,
                indicator=targets["indicator"],
                weight=data.get("weight"),
            )
        else:
            services.strategy_link(actor=request.user, node=node, **targets)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="planning_strategy_links_destroy",
        summary="Unlink a PI, action or risk from a strategy node",
        tags=TAGS,
        request=InputSerializer,
        responses={204: OpenApiResponse(description="Unlinked."), **errors(*WRITE)},
    )
    def delete(self, request, pk):
        node = strategy_node_get(pk=pk)
        data = input_data(self.InputSerializer, request)
        services.strategy_unlink(actor=request.user, node=node, **self._targets(data))
        return Response(status=status.HTTP_204_NO_CONTENT)
