"""The verifier's queue: submitted values to approve or send back, one at a time or many.

What each person may do with each value is `permissions.verification_decision`'s to say: the
queue lists first the values they may act on, then (without buttons) those awaiting a PI's
named verifier, so a verifier sees why a value is not theirs. Choosing several values and
approving or sending them back (with one reason) goes through the same services per value
(`services.bulk_verification`): each value is done or refused on its own, and the page says
which were done and which were refused, and why.
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

from ..permissions import can_verify, may_see_approvals
from ..selectors.approvals import approval_queue
from ..services.bulk_verification import (
    BulkVerificationResult,
    Refusal,
    values_approve_each,
    values_send_back_each,
)
from ..services.workflow import value_approve, value_send_back
from .common import value_or_404

QUEUE_REFUSED = (
    "Only verifiers, performance officers and organisation administrators may see the "
    "approvals queue."
)


def _queue(
    request: HttpRequest,
    *,
    errors: dict[int, str] | None = None,
    summary: list[ErrorItem] | None = None,
    refusals: list[Refusal] | None = None,
    summary_title: str = "",
    chosen: set[int] | None = None,
    reason: str = "",
    status: int = 200,
):
    errors = errors or {}
    cards = approval_queue(user=request.user)
    yours = [card for card in cards if card.actionable]
    awaiting_others = [card for card in cards if not card.actionable]
    shown = {card.row.pk for card in cards}
    if refusals is not None:
        # Each refused value in the summary, linked to its tick box while it can be ticked.
        tickable = {card.row.pk for card in yours}
        summary = [
            ErrorItem(
                f"choose-{refusal.value_id}" if refusal.value_id in tickable else "",
                _named(refusal.value) if refusal.value else f"Value {refusal.value_id}",
                refusal.message,
            )
            for refusal in refusals
        ]
    elif summary is None:
        # A value no longer in the queue (approved meanwhile by someone else) still gets its
        # answer, in the page's summary.
        summary = [ErrorItem("", "", text) for pk, text in errors.items() if pk not in shown]
    return render(
        request,
        "indicators/approvals.html",
        {
            "items": [(card, errors.get(card.row.pk, "")) for card in yours],
            "awaiting_others": [(card, errors.get(card.row.pk, "")) for card in awaiting_others],
            "errors_elsewhere": summary,
            "summary_title": summary_title,
            "chosen": chosen or set(),
            "bulk_reason": reason,
            "is_verifier": can_verify(request.user),
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


def _chosen_ids(request: HttpRequest) -> list[int]:
    return [int(raw) for raw in request.POST.getlist("value") if raw.isdigit()]


def _named(row) -> str:
    return f"{row.indicator.code} {row.period_code}"


@login_required
@require_POST
def values_bulk_page(request: HttpRequest) -> HttpResponse:
    """Approve or send back (with one reason) the chosen values; per value, done or refused."""
    refuse_unless(may_see_approvals(request.user), QUEUE_REFUSED)
    ids = _chosen_ids(request)
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    try:
        if action == "approve":
            result = values_approve_each(actor=request.user, value_ids=ids)
            done_words = "approved"
        elif action == "send_back":
            result = values_send_back_each(actor=request.user, value_ids=ids, reason=reason)
            done_words = "sent back to their providers"
        else:
            raise DomainError("Choose whether to approve or send back the chosen values.")
    except DomainError as error:
        anchor = "bulk-reason" if error.code == "reason_required" else ""
        return _queue(
            request,
            summary=[ErrorItem(anchor, "", error.message)],
            chosen=set(ids),
            reason=reason,
            status=403 if isinstance(error, PermissionDenied) else 400,
        )
    return _bulk_answer(request, result, done_words, reason)


def _bulk_answer(
    request: HttpRequest, result: BulkVerificationResult, done_words: str, reason: str
) -> HttpResponse:
    if result.done:
        names = ", ".join(_named(row) for row in result.done)
        count = len(result.done)
        messages.success(
            request, f"{count} value{'s' if count != 1 else ''} {done_words}: {names}."
        )
    if not result.refused:
        return redirect("indicators:approvals")
    refused_count = len(result.refused)
    title = (
        f"{refused_count} of {refused_count + len(result.done)} chosen values were refused; "
        "each is shown with the reason, and nothing was changed for them."
    )
    # Each refused value gets its reason in the summary, and beside it while still waiting.
    return _queue(
        request,
        errors={refusal.value_id: refusal.message for refusal in result.refused},
        refusals=result.refused,
        summary_title=title,
        chosen={refusal.value_id for refusal in result.refused},
        reason=reason,
        status=400 if not result.done else 200,
    )
