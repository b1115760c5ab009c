"""The verifier's queue: submitted values to approve or send back.

What each person may do with each value is `permissions.verification_decision`'s to say: the
queue lists first the values they may act on, then (without buttons) those awaiting a PI's
named verifier, so a verifier sees why a value is not theirs.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from goldenthread.platform.core.error_summary import ErrorItem
from goldenthread.platform.core.errors import DomainError, PermissionDenied
from goldenthread.platform.core.pages import refuse_unless

from ..domain.choices import WorkflowStatus
from ..models import Commentary
from ..permissions import Verification, can_verify, may_see_approvals, verification_decision
from ..selectors.indicators import value_list
from ..services.workflow import value_approve, value_send_back
from .common import value_or_404

QUEUE_REFUSED = (
    "Only verifiers, performance officers and organisation administrators may see the "
    "approvals queue."
)


def _queue(request: HttpRequest, *, errors: dict[int, str] | None = None, status: int = 200):
    rows = list(
        value_list(filters={"workflow_status": WorkflowStatus.SUBMITTED}).select_related(
            "indicator__verifier"
        )
    )
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
    yours, awaiting_others = [], []
    for row in rows:
        approve = verification_decision(user, row, Verification.APPROVE)
        send_back = verification_decision(user, row, Verification.SEND_BACK)
        item = {
            "row": row,
            "approve": approve,
            # Shown disabled, with the reason: the value is theirs to check but not to approve.
            "approve_blocked": approve.code == "self_approval",
            "send_back": send_back,
            "cover_for": approve.cover_for or send_back.cover_for,
            "commentary": latest.get((row.indicator_id, row.period_code)),
            "error": (errors or {}).get(row.pk, ""),
        }
        if approve.allowed or send_back.allowed:
            yours.append(item)
        else:
            awaiting_others.append(item)
    shown = {row.pk for row in rows}
    # A value no longer in the queue (approved meanwhile by someone else) still gets its answer.
    elsewhere = [
        ErrorItem("", "", message) for pk, message in (errors or {}).items() if pk not in shown
    ]
    return render(
        request,
        "indicators/approvals.html",
        {
            "items": yours,
            "awaiting_others": awaiting_others,
            "errors_elsewhere": elsewhere,
            "is_verifier": can_verify(user),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def approvals_page(request: HttpRequest) -> HttpResponse:
    refuse_unless(may_see_approvals(request.user), QUEUE_REFUSED)
    return _queue(request)


def _refused(request: HttpRequest, row, error: DomainError) -> HttpResponse:
    """The queue again, with the refusal beside the value (403 when it was not theirs to do)."""
    status = 403 if isinstance(error, PermissionDenied) else 400
    return _queue(request, errors={row.pk: error.message}, status=status)


@login_required
@require_POST
def value_approve_page(request: HttpRequest, value_pk: int) -> HttpResponse:
    row = value_or_404(value_pk)
    refuse_unless(may_see_approvals(request.user), "Only a verifier may approve values.")
    try:
        value_approve(actor=request.user, value=row)
    except DomainError as error:
        return _refused(request, row, error)
    messages.success(request, f"The {row.period_code} value of {row.indicator.code} is approved.")
    return redirect("indicators:approvals")


@login_required
@require_POST
def value_send_back_page(request: HttpRequest, value_pk: int) -> HttpResponse:
    row = value_or_404(value_pk)
    refuse_unless(
        may_see_approvals(request.user),
        "Only a verifier or a performance officer may send values back.",
    )
    try:
        value_send_back(actor=request.user, value=row, reason=request.POST.get("reason", ""))
    except DomainError as error:
        return _refused(request, row, error)
    messages.success(
        request,
        f"The {row.period_code} value of {row.indicator.code} is sent back to its provider.",
    )
    return redirect("indicators:approvals")
