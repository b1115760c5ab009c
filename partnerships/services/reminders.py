"""Reminders to members whose contribution for a period has not been published yet."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.outbox import queue_after_commit
from goldenthread.platform.core.periods import PeriodError, parse_period
from goldenthread.tenants.models import Organisation

from ..models import Partnership, SubmissionReminder
from ..permissions import require_manage
from ..selectors import reminder_recipients


@transaction.atomic
def reminders_request(
    *,
    partnership: Partnership,
    organisation: Organisation,
    actor: User,
    period_code: str,
    indicator_ids: Iterable[int] | None = None,
    member_ids: Iterable[int] | None = None,
) -> list[SubmissionReminder]:
    """Queue an e-mail reminder to every member that has not yet published its figure for
    the period (optionally only for some indicators or members). Each (indicator, member,
    period) is reminded once: asking again sends nothing new. Returns the new reminders."""
    from ..selectors.submissions import missing_submissions
    from ..tasks import send_submission_reminder

    require_manage(partnership, organisation, actor)
    try:
        parse_period(period_code)
    except PeriodError as error:
        raise DomainError(str(error), code="invalid_period") from None
    wanted_indicators = set(indicator_ids) if indicator_ids is not None else None
    wanted_members = set(member_ids) if member_ids is not None else None
    created = []
    for gap in missing_submissions(partnership=partnership, period_code=period_code):
        if wanted_indicators is not None and gap.indicator.pk not in wanted_indicators:
            continue
        if wanted_members is not None and gap.organisation.pk not in wanted_members:
            continue
        if gap.reminder is not None:
            continue
        reminder = SubmissionReminder.objects.create(
            indicator=gap.indicator,
            organisation=gap.organisation,
            period_code=period_code,
            requested_by=actor.email,
        )
        created.append(reminder)
        # Through the outbox: a broker that is down delays the e-mail; a duplicate delivery
        # sends nothing twice (`reminder_mark_sent`).
        queue_after_commit(send_submission_reminder, reminder.pk)
    return created


@transaction.atomic
def reminder_mark_sent(*, reminder: SubmissionReminder, recipients: list[str]) -> bool:
    """Record that a reminder went out; False when it had already been sent (so a retried
    task never e-mails twice)."""
    updated = SubmissionReminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(
        sent_at=timezone.now(), sent_to=recipients
    )
    return bool(updated)


def reminder_send(*, reminder_id: int) -> bool:
    """E-mail a member's managers (and the owner of its indicator for the code) that its
    figure for a period is awaited (recipients: `selectors.reminder_recipients`). Sends at most
    once per reminder: False when it was already sent, no longer exists or has nobody to go
    to. The reminder is locked while sending, so a retry or a second worker finds it sent and
    does nothing, and a failed send leaves it unsent for the retry."""
    with schema_context("public"):
        reminder = (
            SubmissionReminder.objects.select_related(
                "indicator__partnership__lead_organisation", "organisation"
            )
            .filter(pk=reminder_id, sent_at__isnull=True)
            .first()
        )
    if reminder is None:
        return False
    recipients = reminder_recipients(reminder=reminder)
    if not recipients.emails:
        return False
    indicator = reminder.indicator
    with schema_context("public"), transaction.atomic():
        if (
            not SubmissionReminder.objects.select_for_update()
            .filter(pk=reminder.pk, sent_at__isnull=True)
            .exists()
        ):
            return False
        send_mail(
            subject=f"{indicator.partnership.name}: {indicator.code} for {reminder.period_code}",
            message=render_to_string(
                "partnerships/emails/submission_reminder.txt",
                {
                    "reminder": reminder,
                    "indicator": indicator,
                    "partnership": indicator.partnership,
                    "member": reminder.organisation,
                    "local": recipients.local_indicator,
                },
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients.emails,
        )
        return reminder_mark_sent(reminder=reminder, recipients=recipients.emails)
