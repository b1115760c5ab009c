"""Sending the e-mails: one per notification for those who want them straight away, and one
daily digest per person for those who chose the digest.

Exactly once, even when the broker redelivers a task or a worker retries it:
- a notification's e-mail is claimed by one UPDATE moving it from "pending" to "sending"
  (only one worker can win it), sent, then marked "sent". A send that raises puts it back to
  "pending" for the task's retry. A worker that dies between the claim and the hand-over to
  the mail server loses that one e-mail rather than risk sending it twice;
- a digest is a `DigestEmail` row per person and day (unique), committed together with the
  notifications it gathers before the e-mail goes; a second run that day finds the row and
  sends nothing, and gathered notifications are never gathered again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone

from goldenthread.platform.accounts.models import User

from ..domain.choices import EmailState, Kind
from ..models import DigestEmail, Notification
from ..selectors.links import (
    absolute,
    organisation_base_url,
    organisation_name,
    unsubscribe_url,
)
from .preferences import unsubscribe_token

logger = logging.getLogger(__name__)


def _message(
    *,
    recipient: User,
    subject: str,
    template: str,
    context: dict,
    unsubscribe: str,
) -> EmailMultiAlternatives:
    base_url = context["base_url"]
    context = {
        **context,
        "recipient": recipient,
        "organisation_name": organisation_name(),
        "preferences_url": absolute(base_url, reverse("notifications:preferences")),
        "unsubscribe_url": unsubscribe,
    }

    def render(extension: str) -> str:
        # A kind without its own template (sent by its own sender) uses the generic one.
        return select_template(
            [
                f"notifications/emails/{template}.{extension}",
                f"notifications/emails/generic.{extension}",
            ]
        ).render(context)

    message = EmailMultiAlternatives(
        subject=subject,
        body=render("txt"),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        # One-click unsubscribe (RFC 8058): mail programs POST to the link without a page.
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render("html"), "text/html")
    return message


def unsubscribe_parts(*, recipient: User, kind: str) -> tuple[str, dict[str, str]]:
    """For senders that write their own e-mails (reminders, the overdue digest): the footer
    (settings and unsubscribe links) to end the text with, and the one-click headers."""
    base_url = organisation_base_url()
    unsubscribe = unsubscribe_url(base_url, unsubscribe_token(user=recipient, kinds=[kind]))
    preferences = absolute(base_url, reverse("notifications:preferences"))
    footer = (
        f"\n--\nChoose which notifications are e-mailed to you: {preferences}\n"
        f"Stop these e-mails: {unsubscribe}\n"
    )
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return footer, headers


def notification_message(notification: Notification, *, base_url: str) -> EmailMultiAlternatives:
    recipient = notification.recipient
    token = unsubscribe_token(user=recipient, kinds=[notification.kind])
    return _message(
        recipient=recipient,
        subject=notification.title,
        template=notification.kind,
        context={
            "notification": notification,
            "c": notification.context,
            "kind_label": Kind(notification.kind).label,
            "base_url": base_url,
            "link_url": absolute(base_url, notification.link) if notification.link else "",
        },
        unsubscribe=unsubscribe_url(base_url, token),
    )


def notification_email_send(*, notification_id: int) -> bool:
    """Send one notification's e-mail if it is still waiting; True when this call sent it."""
    claimed = Notification.objects.filter(
        pk=notification_id, email_state=EmailState.PENDING
    ).update(email_state=EmailState.SENDING)
    if not claimed:
        return False  # sent already, being sent, or not wanted by e-mail
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if not notification.recipient.is_active or notification.recipient.access_has_expired:
        Notification.objects.filter(pk=notification_id).update(email_state=EmailState.NONE)
        return False
    try:
        notification_message(notification, base_url=organisation_base_url()).send()
    except Exception:
        # Not handed over: let the task's retry have it.
        Notification.objects.filter(pk=notification_id, email_state=EmailState.SENDING).update(
            email_state=EmailState.PENDING
        )
        raise
    Notification.objects.filter(pk=notification_id).update(
        email_state=EmailState.SENT, emailed_at=timezone.now()
    )
    return True


@dataclass
class DigestOutcome:
    sent_to: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"sent_to": self.sent_to, "already_sent": self.already_sent, "failed": self.failed}


def _gather(recipient_id: int, day: date) -> DigestEmail | None:
    """Commit the person's digest row for `day` with the notifications it gathers; None when
    that day's digest exists already (a rerun)."""
    try:
        with transaction.atomic():
            digest = DigestEmail.objects.create(recipient_id=recipient_id, day=day)
            digest.item_count = Notification.objects.filter(
                recipient_id=recipient_id, email_state=EmailState.IN_DIGEST
            ).update(email_state=EmailState.DIGESTED, digest=digest)
            digest.save(update_fields=["item_count"])
    except IntegrityError:
        return None
    return digest


def daily_digest_send(*, today: date | None = None) -> DigestOutcome:
    """E-mail each person who chose the digest for some kind one message gathering what
    waited for it. Safe to run any number of times a day."""
    today = today or timezone.localdate()
    outcome = DigestOutcome()
    waiting = (
        Notification.objects.filter(email_state=EmailState.IN_DIGEST)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    base_url = organisation_base_url()
    for recipient in User.objects.filter(pk__in=list(waiting)).order_by("pk"):
        if not recipient.is_active or recipient.access_has_expired:
            continue
        digest = _gather(recipient.pk, today)
        if digest is None:
            outcome.already_sent.append(recipient.email)
            continue
        items = list(digest.notifications.order_by("created_at", "id"))
        try:
            _digest_message(recipient, items, base_url=base_url, today=today).send()
        except Exception:
            logger.exception("The daily digest to user %s could not be sent", recipient.pk)
            # Not handed over: the items wait for tomorrow's digest.
            with transaction.atomic():
                digest.notifications.update(email_state=EmailState.IN_DIGEST, digest=None)
                DigestEmail.objects.filter(pk=digest.pk).update(state=EmailState.FAILED)
            outcome.failed.append(recipient.email)
            continue
        DigestEmail.objects.filter(pk=digest.pk).update(
            state=EmailState.SENT, sent_at=timezone.now()
        )
        outcome.sent_to.append(recipient.email)
    return outcome


def _digest_message(
    recipient: User, items: list[Notification], *, base_url: str, today: date
) -> EmailMultiAlternatives:
    count = len(items)
    rows = [
        {
            "notification": item,
            "kind_label": Kind(item.kind).label,
            "link_url": absolute(base_url, item.link) if item.link else "",
        }
        for item in items
    ]
    # The digest's unsubscribe link turns off the kinds it gathers.
    token = unsubscribe_token(user=recipient, kinds=[item.kind for item in items])
    return _message(
        recipient=recipient,
        subject=f"Your daily summary: {count} notification{'s' if count != 1 else ''}",
        template="digest",
        context={
            "rows": rows,
            "today": today,
            "base_url": base_url,
            "list_url": absolute(base_url, reverse("notifications:list")),
        },
        unsubscribe=unsubscribe_url(base_url, token),
    )
