"""The verifier's queue: submitted values to approve or send back."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from goldenthread.platform.core.errors import DomainError

from ..choices import WorkflowStatus
from ..models import Commentary
from ..permissions import can_manage_indicators, can_verify
from ..selectors.indicators import value_list
from ..services.workflow import value_approve, value_send_back
from .common import refuse_unless, value_or_404

QUEUE_REFUSED = "Only verifiers and performance officers may see the approvals queue."
OWN_VALUE = "You entered or submitted this value, so someone else must approve it."


def _queue(request: HttpRequest, *, errors: dict[int, str] | None = None, status: int = 200):
    rows = list(value_list(filters={"workflow_status": WorkflowStatus.SUBMITTED}))
    latest: dict[tuple[int, str], Commentary] = {}
    for entry in (
        Commentary.objects.filter(
            indicator_id__in={row.indicator_id for row in rows},
            period_code__in={row.period_code for row in rows},
        )
        .select_related("author")
        .order_by("-created_at")
    ):
        latest.setdefault((entry.indicator_id, entry.period_code), entry)
    user = request.user
    items = [
        {
            "row": row,
            "own": user.pk in (row.entered_by_id, row.submitted_by_id),
            "commentary": latest.get((row.indicator_id, row.period_code)),
            "error": (errors or {}).get(row.pk, ""),
        }
        for row in rows
    ]
    shown = {row.pk for row in rows}
    # A value no longer in the queue (approved meanwhile by someone else) still gets its answer.
    elsewhere = [message for pk, message in (errors or {}).items() if pk not in shown]
    return render(
        request,
        "indicators/approvals.html",
        {
            "items": items,
            "errors_elsewhere": elsewhere,
            "can_approve": can_verify(user),
            "own_value_reason": OWN_VALUE,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def approvals_page(request: HttpRequest) -> HttpResponse:
    refuse_unless(can_verify(request.user) or can_manage_indicators(request.user), QUEUE_REFUSED)
    return _queue(request)


@login_required
@require_POST
def value_approve_page(request: HttpRequest, value_pk: int) -> HttpResponse:
    row = value_or_404(value_pk)
    refuse_unless(can_verify(request.user), "Only a verifier may approve values.")
    try:
        value_approve(actor=request.user, value=row)
    except DomainError as error:
        return _queue(request, errors={row.pk: error.message}, status=400)
    messages.success(request, f"The {row.period_code} value of {row.indicator.code} is approved.")
    return redirect("indicators:approvals")


@login_required
@require_POST
def value_send_back_page(request: HttpRequest, value_pk: int) -> HttpResponse:
    row = value_or_404(value_pk)
    refuse_unless(
        can_verify(request.user) or can_manage_indicators(request.user),
        "Only a verifier or a performance officer may send values back.",
    )
    try:
        value_send_back(actor=request.user, value=row, reason=request.POST.get("reason", ""))
    except DomainError as error:
        return _queue(request, errors={row.pk: error.message}, status=400)
    messages.success(
        request,
        f"The {row.period_code} value of {row.indicator.code} is sent back to its provider.",
    )
    return redirect("indicators:approvals")
