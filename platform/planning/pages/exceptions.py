from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from goldenthread.platform.indicators.domain.status import Status

from ..selectors.actions import actions_behind, overdue_actions
from ..selectors.exceptions import (
    high_risks,
    overdue_by_person,
    overdue_trend,
    pis_off_target,
    pis_off_target_without_action,
    pis_special_cause_concerning,
)
from ..selectors.indicators import status_presentation
from ..selectors.risks import risks_review_overdue
from .common import planning_page

LIMIT = 100


@planning_page()
def exceptions_page(request: HttpRequest) -> HttpResponse:
    """Everything that needs attention, each list capped (a fixed number of queries)."""
    from ..selectors.actions import decorate

    overdue = decorate(
        overdue_actions()
        .select_related("plan", "assigned_to", "managed_by")
        .order_by("due_date", "code")[:LIMIT]
    )
    return render(
        request,
        "planning/exceptions.html",
        {
            "by_assignee": overdue_by_person(role="assigned_to"),
            "by_manager": overdue_by_person(role="managed_by"),
            "trend": overdue_trend(),
            "overdue": overdue,
            "pis": pis_off_target_without_action(limit=LIMIT),
            "off_target": pis_off_target(limit=LIMIT),
            "special_cause": pis_special_cause_concerning(limit=LIMIT),
            "high_risks": high_risks(limit=LIMIT),
            "off_target_shown": status_presentation(Status.OFF_TARGET),
            "risks": risks_review_overdue(limit=LIMIT),
            "behind": actions_behind(limit=LIMIT),
            "limit": LIMIT,
        },
    )
