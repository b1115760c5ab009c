"""Reads of support requests, each scoped to its reader."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, QuerySet

from ..domain.choices import RequestKind, RequestStatus
from ..models import SuggestionVote, SupportRequest


def requests_of(*, organisation, user) -> QuerySet[SupportRequest]:
    """The requester's own requests (newest first), with their vote counts."""
    return (
        SupportRequest.objects.filter(organisation=organisation, requester_id=user.pk)
        .annotate(vote_count=Count("votes"))
        .order_by("-created_at", "-id")
    )


def request_of(*, organisation, user, request_id: int) -> SupportRequest | None:
    return (
        requests_of(organisation=organisation, user=user)
        .filter(pk=request_id)
        .prefetch_related("replies")
        .first()
    )


def suggestions_to_vote_on(*, organisation, user) -> QuerySet[SupportRequest]:
    """Other organisations' suggestions that are still open: callers show the subject, text,
    status and votes only (never who raised it or where from)."""
    mine = SuggestionVote.objects.filter(
        request=OuterRef("pk"), organisation=organisation, user_id=user.pk
    )
    return (
        SupportRequest.objects.filter(kind=RequestKind.SUGGESTION)
        .exclude(organisation=organisation)
        .exclude(status=RequestStatus.DECLINED)
        .annotate(vote_count=Count("votes"), voted=Exists(mine))
        .only("id", "subject", "description", "status", "created_at")
        .order_by("-vote_count", "-created_at")
    )


def helpdesk_requests(*, kind: str = "", status: str = "") -> QuerySet[SupportRequest]:
    rows = SupportRequest.objects.select_related("organisation").annotate(vote_count=Count("votes"))
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-updated_at", "-id")
