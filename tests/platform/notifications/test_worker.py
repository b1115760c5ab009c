"""Exactly one e-mail per event and person through the real broker and worker, even when
the task is delivered three times and the first send fails and is retried."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.test import override_settings
from django_tenants.utils import schema_context

from tests.factories import provision_staffed_organisation
from tests.fixtures import mail as test_mail
from tests.fixtures.worker import wait_for


@pytest.mark.worker
def test_a_submission_is_emailed_to_the_verifier_once_despite_redelivery_and_a_retry(
    session_organisations, celery_worker, django_db_blocker
):
    from goldenthread.platform.indicators.services.values import value_enter
    from goldenthread.platform.indicators.services.workflow import value_submit
    from goldenthread.platform.notifications.domain.choices import EmailState
    from goldenthread.platform.notifications.models import Notification
    from goldenthread.platform.notifications.tasks import send_notification_email

    # An organisation of the test's own (committed: the worker reads it). Its administrator is
    # not invited: that e-mail, sent by the worker, would meet the failing mail server first.
    staffed = provision_staffed_organisation(
        django_db_blocker,
        prefix="wrk",
        name="Worker Borough Council",
        roles=("performance_officer", "data_provider", "verifier"),
        indicator_code="W 1",
        indicator_title="Worker PI",
        assign_data_provider=True,
        assign_verifier=True,
        invite_administrator=False,
    )
    provider, verifier, pi = staffed.provider, staffed.verifier, staffed.indicator
    test_mail.reset()
    mail.outbox = []
    schema = staffed.schema_name
    with override_settings(EMAIL_BACKEND="tests.fixtures.mail.FailsOnceBackend"):
        with django_db_blocker.unblock(), schema_context(schema):
            row = value_enter(actor=provider, indicator=pi, period_code="2024/25 Q1", value=5)
            # Committed here (no test transaction): the e-mail task is queued on commit.
            value_submit(actor=provider, value=row)
            note = Notification.objects.get(recipient=verifier, kind="value_submitted")
            # The broker delivers the same task twice more, as after a worker restart.
            for _ in range(2):
                send_notification_email.apply_async(
                    args=[note.pk], headers={"_schema_name": schema}
                )

        def sent():
            with django_db_blocker.unblock(), schema_context(schema):
                return Notification.objects.get(pk=note.pk).email_state == EmailState.SENT

        wait_for(sent, timeout=30, what="the notification's e-mail to be sent")
        # Let the remaining deliveries run (they find it sent and do nothing).
        wait_for(lambda: len(test_mail.attempts) >= 2, timeout=10, what="the retry")
        time.sleep(2)
        to_verifier = [m for m in mail.outbox if m.to == [verifier.email]]
        assert len(to_verifier) == 1
        assert to_verifier[0].subject.startswith("Waiting for your approval: Worker PI")
        # The first attempt failed (the mail server went away) and was retried once.
        assert test_mail.attempts.count(to_verifier[0].subject) == 2
