"""Submission reminders: who receives one is a selector (`reminder_recipients`), sending is a
service (`reminder_send`, at most once), and the Celery task only calls the service."""

from __future__ import annotations

import pytest
from django.core import mail

from goldenthread.partnerships import services
from goldenthread.partnerships.models import SubmissionReminder
from goldenthread.partnerships.selectors import reminder_recipients
from goldenthread.partnerships.tasks import send_submission_reminder

from .conftest import local_pi

pytestmark = pytest.mark.django_db


@pytest.fixture
def reminder(scenario, django_capture_on_commit_callbacks):
    county, police = scenario.parties.county, scenario.parties.police
    with django_capture_on_commit_callbacks(execute=False):
        services.reminders_request(
            partnership=scenario.partnership,
            organisation=county.organisation,
            actor=county.admin,
            period_code="2024/25 Q4",
            member_ids=[police.organisation.pk],
        )
    return SubmissionReminder.objects.filter(
        indicator__partnership=scenario.partnership, organisation=police.organisation
    ).first()


def test_the_recipients_are_the_members_managers_and_its_pis_owner(scenario, reminder):
    police = scenario.parties.police
    pi = local_pi(police, reminder.indicator.code, owner=police.provider)
    recipients = reminder_recipients(reminder=reminder)
    # (The organisation is shared by the run, so it may have more managers than ours.)
    assert {police.admin.email, police.officer.email, police.provider.email} <= set(
        recipients.emails
    )
    assert recipients.emails == sorted(set(recipients.emails))
    assert recipients.local_indicator.pk == pi.pk
    assert police.reader.email not in recipients.emails
    assert police.verifier.email not in recipients.emails


def test_the_task_sends_through_the_service_once(scenario, reminder):
    police = scenario.parties.police
    assert services.reminder_send(reminder_id=reminder.pk) is True
    assert send_submission_reminder.run(reminder.pk) is False  # already sent: nothing twice
    (message,) = [m for m in mail.outbox if reminder.indicator.code in m.subject]
    assert {police.admin.email, police.officer.email} <= set(message.to)
    assert police.reader.email not in message.to
    reminder.refresh_from_db()
    assert reminder.sent_at is not None and reminder.sent_to == message.to
