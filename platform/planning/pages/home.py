from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import permissions
from ..selectors.home import my_items
from ..selectors.home_parts import home_parts
from ..selectors.scorecard import EXCEPTIONS_SHOWN, scorecard
from .common import planning_page


@planning_page()
def home_page(request: HttpRequest) -> HttpResponse:
    """The organisation's home: the scorecard for those whose home it is (councillors), for
    everyone else what they own, must update and have overdue. Only what the organisation's
    modules allow (`home_parts`): without planning, a councillor's home is their items."""
    parts = home_parts(request)
    if "scorecard" in parts and permissions.home_is_scorecard(request.user):
        return _scorecard(request, is_home=True, parts=parts)
    return _my_items(request, parts=parts)


@planning_page()
def my_items_page(request: HttpRequest) -> HttpResponse:
    """The "my items" home page: what I own, what I must update and by when, what is overdue."""
    return _my_items(request, parts=home_parts(request))


def _my_items(request: HttpRequest, *, parts: frozenset[str]) -> HttpResponse:
    items = my_items(user=request.user, parts=parts)
    return render(request, "planning/my_items.html", {"items": items, "parts": parts})


@planning_page()
def scorecard_page(request: HttpRequest) -> HttpResponse:
    """Each strategic priority's PIs, actions and risks, with what is off target or high."""
    return _scorecard(request, is_home=False, parts=home_parts(request))


def _scorecard(request: HttpRequest, *, is_home: bool, parts: frozenset[str]) -> HttpResponse:
    return render(
        request,
        "planning/scorecard.html",
        {
            "priorities": scorecard(),
            "is_home": is_home,
            "shown_at_most": EXCEPTIONS_SHOWN,
            # Without performance the PIs are not the organisation's to see, here or linked.
            "hide_pis": "indicators" not in parts,
        },
    )
