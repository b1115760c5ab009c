"""Celery tasks for partnerships: thin wrappers over services. Partnerships live in the
public schema, so these tasks name any organisation schema they need explicitly."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django_tenants.utils import schema_context

from goldenthread.platform.celery_app import app


@app.task
def expire_agreements() -> dict[str, int]:
    """Daily: expire versions past their end date; start publication under those whose
    start date has come."""
    from .services import agreement_expire_due

    with schema_context("public"):
        return agreement_expire_due()


REMINDER_ROLES = ("org_admin", "performance_officer", "partner_liaison")


@app.task
def send_submission_reminder(reminder_id: int) -> bool:
    """E-mail a member's managers (and the owner of its PI for the code) that its figure for
    a period is awaited. Sends at most once per reminder."""
    from goldenthread.platform.accounts.models import User
    from goldenthread.platform.indicators.models import Indicator

    from .models import SubmissionReminder
    from .services import reminder_mark_sent

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
        indicator = reminder.indicator
        member = reminder.organisation
    with schema_context(member.schema_name):
        recipients = set(
            User.objects.filter(is_active=True, roles__overlap=list(REMINDER_ROLES)).values_list(
                "email", flat=True
            )
        )
        local = (
            Indicator.objects.filter(catalogue_code=indicator.code).select_related("owner").first()
            or Indicator.objects.filter(catalogue_code="", code=indicator.code)
            .select_related("owner")
            .first()
        )
        if local is not None and local.owner is not None and local.owner.is_active:
            recipients.add(local.owner.email)
    recipients_list = sorted(recipients)
    if not recipients_list:
        return False
    # Locked while sending: a retry or a second worker finds it sent and does nothing, and a
    # failed send leaves it unsent for the retry.
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
                    "member": member,
                    "local": local,
                },
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients_list,
        )
        return reminder_mark_sent(reminder=reminder, recipients=recipients_list)
