"""Reminders before a value is due and escalation after it is late: who hears, in what order,
and that each reminder goes out once; plus one round trip on the real worker."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from celery.signals import task_success
from django.core import mail
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import User
from goldenthread.platform.indicators.models import (
    Indicator,
    PerformanceSettings,
    ReminderSent,
)
from goldenthread.platform.indicators.services.reminders import reminders_due, send_due_reminders
from goldenthread.platform.indicators.services.values import value_enter
from goldenthread.platform.indicators.services.workflow import value_submit
from tests.factories import provision_staffed_organisation
from tests.fixtures.worker import wait_for

# A quarterly PI set up in April 2025: Q1 2025/26 (April-June) is due on 15 July 2025.
DUE = date(2025, 7, 15)


def day(month: int, day_of_month: int) -> date:
    return date(2025, month, day_of_month)


@pytest.fixture
def pi(in_alpha, people, make_indicator):
    indicator = make_indicator("REM 1", owner=people.manager)
    # Only periods ending after a PI was set up are owed.
    Indicator.objects.filter(pk=indicator.pk).update(
        created_at=timezone.make_aware(datetime(2025, 4, 2, 12))
    )
    indicator.refresh_from_db()
    return indicator


def recipients_by_subject() -> list[tuple[str, list[str]]]:
    return [(message.subject, sorted(message.to)) for message in mail.outbox]


def test_providers_are_reminded_before_the_due_date_once(pi, people):
    # Given the default of 7 days' notice: nothing on 7 July, 8 days before
    assert send_due_reminders(today=day(7, 7)) == 0
    # When the run on 8 July finds the value due in 7 days
    sent = send_due_reminders(today=day(7, 8))
    # Then each data provider gets one reminder
    assert sent == 2
    assert recipients_by_subject() == [
        ("Due on 15 July 2025: REM 1 for 2025/26 Q1", [people.provider.email]),
        ("Due on 15 July 2025: REM 1 for 2025/26 Q1", [people.provider_verifier.email]),
    ]
    assert "is due on 15 July 2025" in mail.outbox[0].body
    # And running again, that day or the next, sends nothing more
    assert send_due_reminders(today=day(7, 8)) == 0
    assert send_due_reminders(today=day(7, 9)) == 0
    assert len(mail.outbox) == 2
    assert ReminderSent.objects.filter(stage="due_soon").count() == 2


def test_a_late_value_escalates_provider_then_owner_then_team(pi, people):
    team = set(
        User.objects.filter(roles__contains=["performance_officer"]).values_list("email", flat=True)
    )
    assert people.officer.email in team
    providers = sorted([people.provider.email, people.provider_verifier.email])

    def run(on: date) -> list[str]:
        mail.outbox.clear()
        send_due_reminders(today=on)
        return sorted(email for message in mail.outbox for email in message.to)

    assert run(day(7, 15)) == providers  # due today: reminded, not late yet
    assert mail.outbox[0].subject.startswith("Due on 15 July 2025")
    assert run(day(7, 16)) == providers  # 1 day late
    assert run(day(7, 21)) == []  # 6 days: the owner waits for 7
    assert run(day(7, 22)) == [people.manager.email]
    assert mail.outbox[0].subject == "Overdue by 7 days: REM 1 for 2025/26 Q1 (you own it)"
    assert run(day(7, 28)) == []
    assert run(day(7, 29)) == sorted(team)
    assert "14 days late" in mail.outbox[0].body
    assert run(day(7, 30)) == []  # every step taken, each once
    steps = ReminderSent.objects.filter(period_code="2025/26 Q1").order_by("sent_on", "stage")
    assert sorted({(step.sent_on, step.stage) for step in steps}) == [
        (day(7, 15), "due_soon"),
        (day(7, 16), "late_provider"),
        (day(7, 22), "late_owner"),
        (day(7, 29), "late_team"),
    ]
    assert steps.count() == 2 + 2 + 1 + len(team)


def test_escalation_keeps_its_order_when_reminders_start_late(pi, people):
    team = sorted(
        User.objects.filter(roles__contains=["performance_officer"]).values_list("email", flat=True)
    )
    # Reminders first run 46 days after the due date, then twice a day: one step a day
    stages = []
    for on in (day(8, 30), day(8, 30), day(8, 31), day(8, 31), day(9, 1), day(9, 2)):
        mail.outbox.clear()
        send_due_reminders(today=on)
        stages.append(sorted(email for message in mail.outbox for email in message.to))
    assert stages == [
        sorted([people.provider.email, people.provider_verifier.email]),
        [],
        [people.manager.email],
        [],
        team,
        [],
    ]


def test_a_step_with_nobody_to_tell_is_passed(pi, people):
    Indicator.objects.filter(pk=pi.pk).update(owner=None)
    send_due_reminders(today=day(7, 16))
    mail.outbox.clear()
    send_due_reminders(today=day(7, 22))  # the owner's step: there is no owner
    assert mail.outbox == []
    assert ReminderSent.objects.filter(stage="late_owner", recipient__isnull=True).exists()
    send_due_reminders(today=day(7, 29))
    assert people.officer.email in {message.to[0] for message in mail.outbox}
    assert people.manager.email not in {message.to[0] for message in mail.outbox}


def test_offsets_come_from_the_organisations_settings(pi, people):
    settings = PerformanceSettings.load()
    settings.reminder_days_before_due = 2
    settings.escalate_provider_after_days = 3
    settings.save()
    assert send_due_reminders(today=day(7, 12)) == 0
    assert send_due_reminders(today=day(7, 13)) == 2
    assert send_due_reminders(today=day(7, 17)) == 0
    assert send_due_reminders(today=day(7, 18)) == 2


def test_escalation_offsets_must_not_go_down(in_alpha, people):
    from goldenthread.platform.core.errors import DomainError
    from goldenthread.platform.indicators.services.indicators import performance_settings_update

    with pytest.raises(DomainError, match="must not go down"):
        performance_settings_update(
            actor=people.officer, escalate_owner_after_days=30, escalate_team_after_days=10
        )
    assert PerformanceSettings.load().escalate_team_after_days == 14


def test_submitted_values_and_disabled_reminders_send_nothing(pi, people):
    row = value_enter(actor=people.provider, indicator=pi, period_code="2025/26 Q1", value="5")
    value_submit(actor=people.provider, value=row)
    assert send_due_reminders(today=day(7, 8)) == 0
    assert send_due_reminders(today=day(7, 20)) == 0
    settings = PerformanceSettings.load()
    settings.reminders_enabled = False
    settings.save()
    assert reminders_due(today=day(7, 8)) == []
    assert mail.outbox == []


def test_a_draft_still_counts_as_owed(pi, people):
    value_enter(actor=people.provider, indicator=pi, period_code="2025/26 Q1", value="5")
    assert send_due_reminders(today=day(7, 16)) == 2


def test_a_reminder_claimed_by_another_run_is_not_sent_again(pi, people):
    # Given another run decided on the same reminders and claimed them first
    decided = reminders_due(today=day(7, 8))
    assert [r.stage for r in decided] == ["due_soon"]
    assert send_due_reminders(today=day(7, 8)) == 2
    mail.outbox.clear()
    # When this run, which decided before that claim, sends what it decided
    from goldenthread.platform.indicators.services.reminders import _claim

    claims = [_claim(decided[0], user, today=day(7, 8)) for user in decided[0].recipients]
    assert claims == [False, False]
    # Then the database has refused the duplicates and nothing more was sent
    assert mail.outbox == []


def test_a_failed_send_is_retried_on_the_next_run(pi, people, settings):
    settings.EMAIL_BACKEND = "tests.platform.indicators.test_reminders.FailingBackend"
    assert send_due_reminders(today=day(7, 8)) == 0
    assert ReminderSent.objects.count() == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_due_reminders(today=day(7, 9)) == 2


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server down")


def test_the_beat_schedule_runs_reminders_in_every_organisation():
    import goldenthread.platform.indicators.tasks  # noqa: F401 - as the worker's autodiscovery
    from goldenthread.platform.celery_app import app

    entry = app.conf.beat_schedule["indicator-reminders"]
    assert entry["task"] == "goldenthread.platform.core.tasks.dispatch_to_organisations"
    assert entry["kwargs"]["task_name"] in app.tasks


@pytest.fixture(scope="module")
def reminder_organisation(session_organisations, django_db_blocker):
    """A committed organisation whose one PI has a value late (relative to today)."""
    staffed = provision_staffed_organisation(
        django_db_blocker,
        prefix="rem",
        name="Reminder Borough Council",
        roles=("performance_officer", "data_provider"),
        indicator_code="LATE 1",
        indicator_title="Late one",
        indicator_frequency="monthly",
        assign_data_provider=True,
    )
    with django_db_blocker.unblock(), schema_context(staffed.schema_name):
        # Set up four months ago: last month's value is not due yet, earlier ones are late.
        Indicator.objects.filter(pk=staffed.indicator.pk).update(
            created_at=timezone.now() - timezone.timedelta(days=120)
        )
    return staffed.organisation, staffed.provider


@pytest.mark.worker
def test_reminders_round_trip_on_the_real_worker(
    celery_worker, reminder_organisation, django_db_blocker
):
    from goldenthread.platform.indicators.tasks import send_reminders

    organisation, provider = reminder_organisation
    results: list[int] = []

    def record(sender=None, result=None, **_kwargs):
        if sender is not None and sender.name == send_reminders.name:
            results.append(result)

    task_success.connect(record, weak=False)
    try:
        mail.outbox.clear()
        # When the task runs twice in the organisation's schema on the worker
        with schema_context(organisation.schema_name):
            send_reminders.delay()
        wait_for(lambda: len(results) == 1, what="the first reminder run")
        with schema_context(organisation.schema_name):
            send_reminders.delay()
        wait_for(lambda: len(results) == 2, what="the second reminder run")
    finally:
        task_success.disconnect(record)
    # Then the provider was reminded about each late month once; the second run, the same day,
    # sent nothing and took no further step
    assert results[0] > 0 and results[1] == 0
    assert {tuple(message.to) for message in mail.outbox} == {(provider.email,)}
    assert len(mail.outbox) == results[0]
    assert all(message.subject.startswith("Overdue: LATE 1 for ") for message in mail.outbox)
    with django_db_blocker.unblock(), schema_context(organisation.schema_name):
        claims = list(ReminderSent.objects.values_list("stage", "recipient_id"))
    assert claims == [("late_provider", provider.pk)] * results[0]
