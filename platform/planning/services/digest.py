"""The managers' digest of overdue actions, sent at most once per run and recipient.

Runs are checked daily (beat) and go out every `digest_interval_days` (14 by default). The
guarantee against duplicates, even when a worker dies and the broker redelivers the task
(`task_acks_late`): each run is one `DigestRun` row per scheduled day (unique), and before a
manager's e-mail is sent a `DigestDelivery` row for (run, manager) is committed under a unique
constraint. A rerun finds the row and skips that manager. The price of at-most-once is that a
crash between committing the row and handing the e-mail over loses that one digest; the row
stays "sending" so it can be seen.

The digest is also a notification of the kind "overdue_actions" (`notifications`): in the
manager's notifications list, and e-mailed as they chose — as now (the default), in their
daily summary instead, or not at all (the delivery row then says "not e-mailed").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby

from django.conf import settings as django_settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from goldenthread.platform.accounts.models import User
from goldenthread.platform.notifications.domain.choices import Kind
from goldenthread.platform.notifications.services.email import unsubscribe_parts
from goldenthread.platform.notifications.services.notify import (
    Event,
    notify_and_let_caller_send,
)

from ..domain.choices import ActionState, DeliveryStatus
from ..models import Action, DigestDelivery, DigestRun, PlanningSettings

logger = logging.getLogger(__name__)


@dataclass
class DigestOutcome:
    run_id: int | None = None
    skipped_reason: str = ""
    sent_to: list[str] = field(default_factory=list)
    already_handled: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    # Managers who chose the daily summary or no e-mail for this kind.
    not_emailed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "not_emailed": self.not_emailed,
            "run_id": self.run_id,
            "skipped_reason": self.skipped_reason,
            "sent_to": self.sent_to,
            "already_handled": self.already_handled,
            "failed": self.failed,
        }


def _is_due(today: date, interval_days: int) -> bool:
    last = DigestRun.objects.order_by("-scheduled_for").values_list("scheduled_for", flat=True)
    latest = last.first()
    return latest is None or (today - latest).days >= interval_days


def _open_run(today: date, interval_days: int) -> DigestRun | None:
    """The run to work on: an unfinished one (a worker stopped part-way), else a new one if
    the interval has passed. Two workers racing get the same row (unique date)."""
    unfinished = DigestRun.objects.filter(completed_at__isnull=True).order_by("scheduled_for")
    run = unfinished.first()
    if run is not None:
        return run
    if not _is_due(today, interval_days):
        return None
    try:
        with transaction.atomic():
            run, _ = DigestRun.objects.get_or_create(scheduled_for=today)
    except IntegrityError:
        run = DigestRun.objects.get(scheduled_for=today)
    return None if run.completed_at else run


def _base_url() -> str:
    from goldenthread.tenants.models import Domain

    domain = (
        Domain.objects.filter(tenant__schema_name=connection.schema_name, is_primary=True)
        .values_list("domain", flat=True)
        .first()
    )
    scheme = "https" if django_settings.SESSION_COOKIE_SECURE else "http"
    return f"{scheme}://{domain}" if domain else ""


def _claim(run: DigestRun, manager: User, count: int) -> bool:
    """Commit the (run, manager) row before sending; False if it already exists."""
    try:
        with transaction.atomic():
            DigestDelivery.objects.create(
                run=run, recipient=manager, status=DeliveryStatus.SENDING, action_count=count
            )
    except IntegrityError:
        return False
    return True


def overdue_digest_send(*, today: date | None = None) -> DigestOutcome:
    """E-mail each manager the overdue open actions assigned to the people they manage (the
    actions naming them as manager), if a run is due. Safe to call any number of times."""
    today = today or timezone.localdate()
    settings = PlanningSettings.load()
    if not settings.digest_enabled:
        return DigestOutcome(skipped_reason="disabled")
    run = _open_run(today, settings.digest_interval_days)
    if run is None:
        return DigestOutcome(skipped_reason="not_due")
    outcome = DigestOutcome(run_id=run.pk)
    overdue = (
        Action.objects.filter(
            state=ActionState.OPEN,
            due_date__lt=today,
            managed_by__isnull=False,
            managed_by__is_active=True,
        )
        .exclude(assigned_to=F("managed_by"))
        .select_related("managed_by", "assigned_to", "plan")
        .order_by("managed_by_id", "due_date", "code")
    )
    base_url = _base_url()
    for _, group in groupby(overdue, key=lambda action: action.managed_by_id):
        actions = list(group)
        manager = actions[0].managed_by
        if manager.access_has_expired:
            continue
        if not _claim(run, manager, len(actions)):
            outcome.already_handled.append(manager.email)
            continue
        if not _wants_email_now(run, manager, len(actions)):
            DigestDelivery.objects.filter(run=run, recipient=manager).update(
                status=DeliveryStatus.NOT_EMAILED
            )
            outcome.not_emailed.append(manager.email)
            continue
        _send(manager=manager, actions=actions, today=today, base_url=base_url, run=run)
        delivery = DigestDelivery.objects.get(run=run, recipient=manager)
        (outcome.sent_to if delivery.status == DeliveryStatus.SENT else outcome.failed).append(
            manager.email
        )
    run.completed_at = timezone.now()
    run.save(update_fields=["completed_at"])
    return outcome


def _subject(count: int) -> str:
    return f"{count} overdue action{'s' if count != 1 else ''} in your team"


def _wants_email_now(run: DigestRun, manager: User, count: int) -> bool:
    """Record this run's digest in the manager's notifications; True when they want it
    e-mailed as it is (committed with the delivery row, see `_claim`)."""
    event = Event(
        kind=Kind.OVERDUE_ACTIONS,
        key=f"overdue_actions:{run.pk}",
        title=_subject(count),
        link=reverse("planning:actions"),
    )
    with transaction.atomic():
        return bool(notify_and_let_caller_send(event=event, recipients=[manager]))


def _send(*, manager: User, actions: list[Action], today: date, base_url: str, run) -> None:
    rows = [
        {
            "action": action,
            "days_overdue": (today - action.due_date).days,
            "url": f"{base_url}{reverse('planning:action', kwargs={'pk': action.pk})}",
        }
        for action in actions
    ]
    body = render_to_string(
        "planning/emails/overdue_digest.txt",
        {"manager": manager, "rows": rows, "today": today, "base_url": base_url},
    )
    count = len(actions)
    deliveries = DigestDelivery.objects.filter(run=run, recipient=manager)
    footer, headers = unsubscribe_parts(recipient=manager, kind=Kind.OVERDUE_ACTIONS)
    try:
        EmailMessage(
            subject=_subject(count),
            body=body + footer,
            from_email=django_settings.DEFAULT_FROM_EMAIL,
            to=[manager.email],
            headers=headers,
        ).send()
    except Exception:
        logger.exception("The overdue digest to %s could not be sent", manager.email)
        deliveries.update(status=DeliveryStatus.FAILED)
        return
    deliveries.update(status=DeliveryStatus.SENT, sent_at=timezone.now())
