"""The reminders and the managers' overdue digest follow each person's choice: straight away
as before by default (now with an unsubscribe link), in the daily digest, or not e-mailed —
always in the notifications list."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from goldenthread.platform.indicators.models import Indicator, ReminderSent
from goldenthread.platform.indicators.services.reminders import send_due_reminders
from goldenthread.platform.notifications.domain.choices import EmailState
from goldenthread.platform.notifications.models import Notification
from goldenthread.platform.notifications.services.email import daily_digest_send
from goldenthread.platform.notifications.services.preferences import preferences_set

WEEK_BEFORE = date(2025, 7, 8)  # Q1 2025/26 is due on 15 July 2025


@pytest.fixture
def pi(in_alpha, people, make_indicator):
    indicator = make_indicator("REMK 1", title="Missed bins")
    Indicator.objects.filter(pk=indicator.pk).update(
        created_at=timezone.make_aware(datetime(2025, 4, 2, 12))
    )
    return indicator


def test_by_default_a_reminder_is_emailed_with_an_unsubscribe_link_and_listed(pi, people):
    mail.outbox = []
    assert send_due_reminders(today=WEEK_BEFORE) == 2
    message = next(m for m in mail.outbox if m.to == [people.provider.email])
    assert "Stop these e-mails: http://alpha." in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    note = Notification.objects.get(recipient=people.provider, kind="value_reminder")
    assert note.title == "Due on 15 July 2025: REMK 1 for 2025/26 Q1"
    assert note.email_state == EmailState.SENT and note.link == "/indicators/owe/"


def test_off_sends_no_reminder_but_the_ladder_moves_on_and_it_is_listed(pi, people):
    preferences_set(user=people.provider, choices={"value_reminder": "off"})
    mail.outbox = []
    assert send_due_reminders(today=WEEK_BEFORE) == 1  # the other provider only
    assert [m.to for m in mail.outbox] == [[people.provider_verifier.email]]
    assert ReminderSent.objects.filter(recipient=people.provider).count() == 1
    assert Notification.objects.get(
        recipient=people.provider, kind="value_reminder"
    ).email_state == (EmailState.NONE)
    assert send_due_reminders(today=WEEK_BEFORE) == 0


def test_digest_gathers_the_reminder_into_the_daily_summary(pi, people):
    preferences_set(user=people.provider, choices={"value_reminder": "digest"})
    mail.outbox = []
    send_due_reminders(today=WEEK_BEFORE)
    assert people.provider.email not in [m.to[0] for m in mail.outbox]
    daily_digest_send(today=WEEK_BEFORE)
    summary = next(m for m in mail.outbox if m.to == [people.provider.email])
    assert "Due on 15 July 2025: REMK 1 for 2025/26 Q1" in summary.body


def test_the_overdue_digest_follows_the_managers_choice(in_alpha, people):
    from goldenthread.platform.planning.models import Action, ActionPlan, DigestDelivery
    from goldenthread.platform.planning.services.digest import overdue_digest_send

    today = timezone.localdate()
    plan = ActionPlan.objects.create(code="NK-P", title="Plan")
    Action.objects.create(
        plan=plan,
        code="NK-A",
        title="Fix the roof",
        assigned_to=people.provider,
        managed_by=people.manager,
        start_date=today - timedelta(days=30),
        due_date=today - timedelta(days=2),
    )
    preferences_set(user=people.manager, choices={"overdue_actions": "off"})
    mail.outbox = []
    outcome = overdue_digest_send(today=today)
    assert outcome.not_emailed == [people.manager.email] and mail.outbox == []
    assert DigestDelivery.objects.get(recipient=people.manager).status == "skipped"
    note = Notification.objects.get(recipient=people.manager, kind="overdue_actions")
    assert note.title == "1 overdue action in your team"
