"""Support requests and improvement suggestions: raised by an organisation's users,
triaged and answered by the helpdesk, voted on by other organisations' users."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from goldenthread.platform.core.errors import Conflict, DomainError, NotFound, PermissionDenied

from ..domain.choices import RequestKind, RequestStatus
from ..models import SuggestionVote, SupportReply, SupportRequest
from ..permissions import can_raise_requests, is_helpdesk_staff


def _clean_page(page_url: str) -> str:
    """Only a path on the host it was raised from is kept (never another site's address)."""
    page_url = (page_url or "").strip()[:500]
    return page_url if page_url.startswith("/") and not page_url.startswith("//") else ""


@transaction.atomic
def request_create(
    *,
    actor,
    organisation,
    kind: str,
    subject: str,
    description: str,
    page_url: str = "",
    user_agent: str = "",
) -> SupportRequest:
    if not can_raise_requests(actor):
        raise PermissionDenied("Sign in with your own account to raise a request.")
    problems = {}
    if kind not in RequestKind.values:
        problems["kind"] = "Choose whether this is a support request or a suggestion."
    if not (subject or "").strip():
        problems["subject"] = "Enter a short subject."
    elif len(subject.strip()) > 150:
        problems["subject"] = "The subject must be 150 characters or fewer."
    if not (description or "").strip():
        problems["description"] = "Describe the problem or the improvement."
    elif len(description) > 5000:
        problems["description"] = "The description must be 5,000 characters or fewer."
    if problems:
        raise DomainError(next(iter(problems.values())), extra={"fields": problems})
    now = timezone.now()
    return SupportRequest.objects.create(
        organisation=organisation,
        kind=kind,
        subject=subject.strip(),
        description=description.strip(),
        page_url=_clean_page(page_url),
        user_agent=(user_agent or "")[:500],
        requester_id=actor.pk,
        requester_name=actor.full_name or actor.email,
        requester_email=actor.email,
        created_at=now,
        updated_at=now,
    )


@transaction.atomic
def request_answer(
    *, actor, request_id: int, body: str = "", status: str | None = None, base_url: str = ""
) -> SupportRequest:
    """The helpdesk replies and/or sets the status; the requester is told by the worker once
    this commits (`notify_requester`, queued through the outbox)."""
    if not is_helpdesk_staff(actor):
        raise PermissionDenied("Only helpdesk staff answer requests.")
    row = (
        SupportRequest.objects.select_for_update()
        .select_related("organisation")
        .filter(pk=request_id)
        .first()
    )
    if row is None:
        raise NotFound("There is no such request.")
    body = (body or "").strip()
    if status is not None and status not in RequestStatus.values:
        raise DomainError("Choose a status from the list.", extra={"fields": {"status": "x"}})
    new_status = status or row.status
    if not body and new_status == row.status:
        raise DomainError(
            "Write a reply or choose a new status.", extra={"fields": {"body": "empty"}}
        )
    reply = SupportReply.objects.create(
        request=row,
        from_helpdesk=True,
        author_name=f"{actor.full_name or actor.email} (Golden Thread helpdesk)",
        body=body,
        status_before=row.status,
        status_after=new_status,
    )
    row.status = new_status
    row.updated_at = timezone.now()
    row.save(update_fields=["status", "updated_at"])
    _queue_reply_notice(reply, base_url=base_url)
    return row


def _queue_reply_notice(reply: SupportReply, *, base_url: str) -> None:
    """The requester is told by the worker, through the outbox: a mail server or broker that
    is down must not turn an answer that has committed into an error page (nor lose the
    e-mail). Queued in the public schema, where requests and replies live."""
    from goldenthread.platform.core.outbox import queue_after_commit

    from ..tasks import notify_support_reply

    queue_after_commit(
        notify_support_reply, reply.pk, base_url, schema_name=get_public_schema_name()
    )


def notify_requester(*, reply_id: int, base_url: str = "") -> bool:
    """Tells the requester of the helpdesk's reply or new status: in the app (when their
    account is still active) and by e-mail as they chose for this kind, straight away by
    default. Run by the worker (`tasks.notify_support_reply`); True when it e-mailed.

    A requester with an account is told once: a retry or a second delivery finds their
    notification and sends nothing. One whose account is gone has nothing to record
    against, so a second delivery e-mails them again (rare, and the same news)."""
    from django_tenants.utils import schema_context

    from goldenthread.platform.accounts.models import User
    from goldenthread.platform.notifications.domain.choices import Kind
    from goldenthread.platform.notifications.models import Notification
    from goldenthread.platform.notifications.services.notify import (
        Event,
        notify_and_let_caller_send,
    )

    reply = SupportReply.objects.select_related("request__organisation").get(pk=reply_id)
    request = reply.request
    if reply.status_after:
        # The status this reply set, even when the worker runs after a later change (the
        # e-mail and its template read the request's).
        request.status = reply.status_after
    status = request.get_status_display()
    event = Event(
        kind=Kind.SUPPORT_REQUEST_ANSWERED,
        key=f"support_reply:{reply.pk}",
        title=f"The helpdesk answered \u201c{request.subject}\u201d: {status}",
        link=f"/support/requests/{request.pk}/",
    )
    with schema_context(request.organisation.schema_name), transaction.atomic():
        # Two deliveries run one after the other (the reply row is locked), so the second
        # sees the first's notification.
        list(SupportReply.objects.select_for_update().filter(pk=reply.pk).values_list("pk"))
        requester = User.objects.filter(pk=request.requester_id).first()
        if requester is None:
            email_now = True  # no account to record against: e-mail as before
        elif Notification.objects.filter(recipient=requester, event_key=event.key).exists():
            email_now = False  # told already (a retry, or a second delivery)
        else:
            email_now = bool(notify_and_let_caller_send(event=event, recipients=[requester]))
        if email_now:
            send_mail(
                subject=f"Your request \u201c{request.subject}\u201d: {status}",
                message=render_to_string(
                    "support/emails/request_update.txt", {"reply": reply, "base_url": base_url}
                ),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[request.requester_email],
            )
    return email_now


@transaction.atomic
def request_comment(*, actor, organisation, request_id: int, body: str) -> SupportReply:
    """The requester adds to their own request (e.g. answers the helpdesk's question)."""
    row = (
        SupportRequest.objects.select_for_update()
        .filter(pk=request_id, organisation=organisation, requester_id=getattr(actor, "pk", None))
        .first()
    )
    if row is None or not can_raise_requests(actor):
        raise NotFound("There is no such request of yours.")
    body = (body or "").strip()
    if not body:
        raise DomainError("Write your message.", extra={"fields": {"body": "empty"}})
    status = RequestStatus.UNDER_REVIEW if row.status == RequestStatus.WAITING else row.status
    reply = SupportReply.objects.create(
        request=row,
        from_helpdesk=False,
        author_name=actor.full_name or actor.email,
        body=body[:5000],
        status_before=row.status,
        status_after=status,
    )
    row.status = status
    row.updated_at = timezone.now()
    row.save(update_fields=["status", "updated_at"])
    return reply


@transaction.atomic
def suggestion_vote(*, actor, organisation, request_id: int) -> SuggestionVote:
    """A user of another organisation supports a suggestion, once."""
    if not can_raise_requests(actor):
        raise PermissionDenied("Sign in with your own account to vote.")
    row = SupportRequest.objects.filter(pk=request_id, kind=RequestKind.SUGGESTION).first()
    if row is None or row.organisation_id == organisation.pk:
        # Your own organisation's suggestions are not shown for voting: not found.
        raise NotFound("There is no such suggestion to vote on.")
    try:
        with transaction.atomic():
            return SuggestionVote.objects.create(
                request=row, organisation=organisation, user_id=actor.pk
            )
    except IntegrityError as exc:
        raise Conflict("You have already voted for this suggestion.") from exc
