from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..selectors.home import my_items
from .common import planning_page


@planning_page()
def my_items_page(request: HttpRequest) -> HttpResponse:
    """The "my items" home page: what I own, what I must update and by when, what is overdue."""
    return render(request, "planning/my_items.html", {"items": my_items(user=request.user)})
