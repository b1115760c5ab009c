from __future__ import annotations

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

    def get(self, request):
        return Response([_tree_data(root) for root in strategy_tree()])


class NodeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    level = serializers.IntegerField()
    parent_id = serializers.IntegerField(allow_null=True)
    owner = UserRef(allow_null=True)
    position = serializers.IntegerField()


class NodeListApi(PlanningApi):
    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=32)
        title = serializers.CharField(max_length=300)
        level = serializers.IntegerField(min_value=1)
        parent = serializers.IntegerField(required=False, allow_null=True)
        owner = serializers.IntegerField(required=False, allow_null=True)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        position = serializers.IntegerField(required=False, min_value=0, default=0)

    def get(self, request):
        return Response(NodeOutput(strategy_node_list(), many=True).data)

    def post(self, request):
        data = input_data(self.InputSerializer, request)
        data["parent"] = referenced(strategy_node_get, data.get("parent"), "parent")
        data["owner"] = referenced(user_get, data.get("owner"), "owner")
        node = services.strategy_node_create(actor=request.user, **data)
        return Response(NodeOutput(node).data, status=status.HTTP_201_CREATED)


class NodeDetailApi(PlanningApi):
    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=32, required=False)
        title = serializers.CharField(max_length=300, required=False)
        level = serializers.IntegerField(min_value=1, required=False)
        parent = serializers.IntegerField(required=False, allow_null=True)
        owner = serializers.IntegerField(required=False, allow_null=True)
        description = serializers.CharField(required=False, allow_blank=True)
        position = serializers.IntegerField(required=False, min_value=0)

    def get(self, request, pk):
        node = strategy_node_get(pk=pk)
        item = find_in_tree(strategy_tree(), node.pk)
        links = node_links(node)
        return Response(
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

    def delete(self, request, pk):
        services.strategy_node_delete(actor=request.user, node=strategy_node_get(pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class NodeLinkApi(PlanningApi):
    """Link (POST) or unlink (DELETE) a PI, action or risk to a node."""

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

    def delete(self, request, pk):
        node = strategy_node_get(pk=pk)
        data = input_data(self.InputSerializer, request)
        services.strategy_unlink(actor=request.user, node=node, **self._targets(data))
        return Response(status=status.HTTP_204_NO_CONTENT)
