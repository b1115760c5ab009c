"""Reminder e-mails: before a value is due, and escalating once it is late.

Each organisation's schedule comes from its PerformanceSettings: data providers hear
`reminder_days_before_due` days before the due date; once the value is late, the providers
again after `escalate_provider_after_days`, then the PI's owner after
`escalate_owner_after_days`, then the performance team (performance officers) after
`escalate_team_after_days`. The ladder moves at most one step a day, so even when reminders
start late (switched on, or a worker was down) the order is kept: providers, owner, team.

Each reminder goes out once. For every recipient, in one transaction, the value is checked to
be still owed, a `ReminderSent` row is claimed (INSERT … ON CONFLICT DO NOTHING against its
unique constraint) and the e-mail is sent. A second run, at the same time or after a worker
restart, finds the claim and sends nothing; a failed send rolls its claim back so the next
run tries again.

Each reminder is also a notification of the kind "value_reminder" (`notifications`): it is
in the person's notifications list, and it is e-mailed as they chose — straight away (the
default, as before), in their daily digest, or not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings as django_settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone

from goldenthread.platform.accounts.models import Role, User
from goldenthread.platform.core.periods import Period
from goldenthread.platform.notifications.domain.choices import Kind
from goldenthread.platform.notifications.services.email import unsubscribe_parts
from goldenthread.platform.notifications.services.notify import (
    Event,
    notify_and_let_caller_send,
)

from ..domain.choices import WorkflowStatus
from ..models import Indicator, IndicatorValue, PerformanceSettings, ReminderSent, ReminderStage
from ..selectors.due import DueItem, late_values, values_due_soon

logger = logging.getLogger(__name__)

# Late values whose due date is older than this are not chased by e-mail any more: a PI set up
# with years of gaps should not flood its providers on its first night.
LOOKBACK_DAYS = 365


@dataclass(frozen=True)
class Reminder:
    stage: str
    indicator: Indicator
    period: Period
    due_date: date
    days_late: int
    recipients: tuple[User, ...]


def _reachable(users: Iterable[User | None]) -> tuple[User, ...]:
    found = {}
    for user in users:
        if user is not None and user.is_active and not user.access_has_expired:
            found[user.pk] = user
    return tuple(found[pk] for pk in sorted(found))


def _performance_team() -> tuple[User, ...]:
    return _reachable(User.objects.filter(roles__contains=[Role.PERFORMANCE_OFFICER]))


def reminders_due(*, today: date | None = None) -> list[Reminder]:
    """The reminders this organisation should send now, decided from what is owed and what
    has already been sent (nothing is sent or claimed here)."""
    settings = PerformanceSettings.load()
    if not settings.reminders_enabled:
        return []
    today = today or timezone.localdate()
    soon = values_due_soon(today=today, within_days=settings.reminder_days_before_due)
    late = [
        item
        for item in late_values(today=today)
        if item.due_date >= today - timedelta(days=LOOKBACK_DAYS)
    ]
    items = [*soon, *late]
    if not items:
        return []
    # (PI, period, stage) -> the day that step was taken.
    sent: dict[tuple[int, str, str], date] = {}
    for key in ReminderSent.objects.filter(
        indicator__in={item.indicator.pk for item in items},
        period_code__in={item.period.code for item in items},
    ).values_list("indicator_id", "period_code", "stage", "sent_on"):
        sent[key[:3]] = min(key[3], sent.get(key[:3], key[3]))
    team: tuple[User, ...] | None = None
    reminders: list[Reminder] = []

    def add(item: DueItem, stage: str, recipients: tuple[User, ...]) -> None:
        days_late = max((today - item.due_date).days, 0)
        reminders.append(
            Reminder(stage, item.indicator, item.period, item.due_date, days_late, recipients)
        )

    for item in soon:
        if (item.indicator.pk, item.period.code, ReminderStage.DUE_SOON) not in sent:
            add(item, ReminderStage.DUE_SOON, _reachable(item.indicator.data_providers.all()))
    ladder = (
        (ReminderStage.LATE_PROVIDER, settings.escalate_provider_after_days),
        (ReminderStage.LATE_OWNER, settings.escalate_owner_after_days),
        (ReminderStage.LATE_TEAM, settings.escalate_team_after_days),
    )
    for item in late:
        days_late = (today - item.due_date).days
        previous_step_on: date | None = None
        for stage, after_days in ladder:
            taken_on = sent.get((item.indicator.pk, item.period.code, stage))
            if taken_on is not None:
                previous_step_on = taken_on
                continue
            # The first step not yet taken is the only candidate, and not on the day the
            # step before it was taken: one step a day, in order.
            if days_late >= after_days and (previous_step_on is None or previous_step_on < today):
                if stage == ReminderStage.LATE_PROVIDER:
                    recipients = _reachable(item.indicator.data_providers.all())
                elif stage == ReminderStage.LATE_OWNER:
                    recipients = _reachable([item.indicator.owner])
                else:
                    team = _performance_team() if team is None else team
                    recipients = team
                add(item, stage, recipients)
            break
    return reminders


def _claim(reminder: Reminder, recipient: User | None, *, today: date) -> bool:
    """Record the reminder as sent to `recipient`; False when it already was."""
    table = connection.ops.quote_name(ReminderSent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "  # noqa: S608
            "(indicator_id, period_code, stage, recipient_id, sent_at, sent_on) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING id",
            [
                reminder.indicator.pk,
                reminder.period.code,
                reminder.stage,
                recipient.pk if recipient else None,
                timezone.now(),
                today,
            ],
        )
        return cursor.fetchone() is not None


def _still_owed(reminder: Reminder) -> bool:
    return not (
        IndicatorValue.objects.filter(
            indicator=reminder.indicator, period_code=reminder.period.code, sub_area__isnull=True
        )
        .exclude(workflow_status=WorkflowStatus.DRAFT)
        .exists()
    )


SUBJECTS = {
    ReminderStage.DUE_SOON: "Due on {due}: {code} for {period}",
    ReminderStage.LATE_PROVIDER: "Overdue: {code} for {period}",
    ReminderStage.LATE_OWNER: "Overdue by {days} days: {code} for {period} (you own it)",
    ReminderStage.LATE_TEAM: "Escalation: {code} for {period} is {days} days late",
}


def _subject(reminder: Reminder) -> str:
    return SUBJECTS[reminder.stage].format(
        due=dateformat.format(reminder.due_date, "j F Y"),
        code=reminder.indicator.code,
        period=reminder.period.code,
        days=reminder.days_late,
    )


def _wants_email_now(reminder: Reminder, recipient: User) -> bool:
    """Record the reminder in the recipient's notifications; True when they want it e-mailed
    straight away (else it waits for their digest, or they turned these e-mails off)."""
    event = Event(
        kind=Kind.VALUE_REMINDER,
        key=f"reminder:{reminder.indicator.pk}:{reminder.period.code}:{reminder.stage}",
        title=_subject(reminder),
        link=reverse("indicators:owe"),
        context={
            "indicator_title": reminder.indicator.title,
            "indicator_code": reminder.indicator.code,
            "period": reminder.period.label,
        },
    )
    return bool(notify_and_let_caller_send(event=event, recipients=[recipient]))


def _send(reminder: Reminder, recipient: User) -> None:
    tenant = getattr(connection, "tenant", None)
    context = {
        "recipient": recipient,
        "stage": reminder.stage,
        "indicator": reminder.indicator,
        "period": reminder.period,
        "due_date": reminder.due_date,
        "days_late": reminder.days_late,
        "organisation_name": getattr(tenant, "name", ""),
    }
    footer, headers = unsubscribe_parts(recipient=recipient, kind=Kind.VALUE_REMINDER)
    EmailMessage(
        subject=_subject(reminder),
        body=render_to_string("indicators/reminders/reminder.txt", context) + footer,
        from_email=django_settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers=headers,
    ).send()


def send_due_reminders(*, today: date | None = None) -> int:
    """Send every reminder this organisation owes now, each once; returns e-mails sent."""
    today = today or timezone.localdate()
    sent = 0
    for reminder in reminders_due(today=today):
        if not reminder.recipients:
            # Nobody to tell at this step (no provider or owner): record it so the ladder
            # moves on to the next step next time.
            with transaction.atomic():
                if _still_owed(reminder):
                    _claim(reminder, None, today=today)
            continue
        for recipient in reminder.recipients:
            try:
                with transaction.atomic():
                    if (
                        _still_owed(reminder)
                        and _claim(reminder, recipient, today=today)
                        and _wants_email_now(reminder, recipient)
                    ):
                        _send(reminder, recipient)
                        sent += 1
            except Exception:
                # The claim was rolled back with the failed send: the next run tries again.
                logger.exception(
                    "Reminder %s for %s %s to user %s failed",
                    reminder.stage,
                    reminder.indicator.code,
                    reminder.period.code,
                    recipient.pk,
                )
    return sent
