from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import permissions
from ..errors import NotFound
from ..models import PlanningSettings
from ..selectors.strategy import find_in_tree, node_links, strategy_node_get, strategy_tree
from .common import planning_page
from .editing import planning_flags


@planning_page()
def strategy_tree_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "planning/strategy_tree.html",
        {
            "roots": strategy_tree(),
            "settings": PlanningSettings.load(),
            **planning_flags(request.user),
        },
    )


@planning_page()
def strategy_node_page(request: HttpRequest, pk: int) -> HttpResponse:
    node = strategy_node_get(pk=pk)
    item = find_in_tree(strategy_tree(), node.pk)
    if item is None:
        raise NotFound(f"There is no strategy node with the id '{pk}'.")
    return render(
        request,
        "planning/strategy_node.html",
        {
            "item": item,
            "node": node,
            "can_edit_node": permissions.can_edit_node(request.user, node),
            **node_links(node),
        },
    )
