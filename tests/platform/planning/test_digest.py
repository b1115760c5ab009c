"""The managers' overdue digest: who gets what, how often, and never twice per run."""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.planning.domain.choices import DeliveryStatus
from goldenthread.platform.planning.models import DigestDelivery, DigestRun
from goldenthread.platform.planning.services.configuration import planning_settings_update
from goldenthread.platform.planning.services.digest import overdue_digest_send
from goldenthread.platform.planning.tasks import send_overdue_digest
from tests.factories import ActionFactory, UserFactory
from tests.fixtures.worker import finished_tasks, wait_for

TODAY = timezone.localdate()


@pytest.fixture
def team(people, in_org):
    boss = UserFactory(roles=["manager"], full_name="Second Manager")
    late = {"start_date": TODAY - timedelta(days=40), "due_date": TODAY - timedelta(days=2)}
    first = ActionFactory(
        assigned_to=people["staff"], managed_by=people["manager"], title="Fix the roof", **late
    )
    second = ActionFactory(assigned_to=people["staff2"], managed_by=people["manager"], **late)
    ActionFactory(assigned_to=people["staff"], managed_by=people["manager"])  # not overdue
    ActionFactory(assigned_to=people["manager"], managed_by=people["manager"], **late)  # own
    other = ActionFactory(assigned_to=people["staff"], managed_by=boss, **late)
    return {
        "manager": people["manager"],
        "boss": boss,
        "first": first,
        "second": second,
        "other": other,
    }


def test_each_manager_gets_the_overdue_actions_of_their_people(team, mailoutbox):
    outcome = overdue_digest_send(today=TODAY)
    assert sorted(outcome.sent_to) == sorted([team["manager"].email, team["boss"].email])
    by_recipient = {message.to[0]: message for message in mailoutbox}
    body = by_recipient[team["manager"].email].body
    assert team["first"].code in body and team["second"].code in body
    assert team["other"].code not in body and "Fix the roof" in body
    assert "2 days overdue" in body and f"/planning/actions/{team['first'].pk}/" in body
    assert by_recipient[team["manager"].email].subject == "2 overdue actions in your team"
    assert by_recipient[team["boss"].email].subject == "1 overdue action in your team"


def test_it_is_fortnightly_by_default_and_configurable(team, people, mailoutbox):
    overdue_digest_send(today=TODAY)
    assert overdue_digest_send(today=TODAY).skipped_reason == "not_due"
    assert overdue_digest_send(today=TODAY + timedelta(days=13)).skipped_reason == "not_due"
    assert len(mailoutbox) == 2
    assert overdue_digest_send(today=TODAY + timedelta(days=14)).sent_to
    planning_settings_update(actor=people["admin"], digest_interval_days=7)
    assert overdue_digest_send(today=TODAY + timedelta(days=20)).skipped_reason == "not_due"
    assert overdue_digest_send(today=TODAY + timedelta(days=21)).sent_to
    planning_settings_update(actor=people["admin"], digest_enabled=False)
    assert overdue_digest_send(today=TODAY + timedelta(days=60)).skipped_reason == "disabled"


def test_a_restarted_run_does_not_send_twice(team, mailoutbox):
    # Given a worker that claimed the first manager's digest and then died mid-run
    run = DigestRun.objects.create(scheduled_for=TODAY)
    DigestDelivery.objects.create(
        run=run, recipient=team["manager"], status=DeliveryStatus.SENDING, action_count=2
    )
    # When the task is redelivered and runs again
    outcome = overdue_digest_send(today=TODAY)
    # Then only the manager not yet handled gets an e-mail, and the run is finished
    assert outcome.already_handled == [team["manager"].email]
    assert [m.to for m in mailoutbox] == [[team["boss"].email]]
    run.refresh_from_db()
    assert run.completed_at is not None
    # And running yet again the same day sends nothing
    assert overdue_digest_send(today=TODAY).skipped_reason == "not_due"
    assert len(mailoutbox) == 1


def test_the_database_refuses_a_second_delivery_row(team):
    run = DigestRun.objects.create(scheduled_for=TODAY)
    DigestDelivery.objects.create(run=run, recipient=team["boss"], status="sent", action_count=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        DigestDelivery.objects.create(
            run=run, recipient=team["boss"], status="sent", action_count=1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        DigestRun.objects.create(scheduled_for=TODAY)


def test_a_manager_whose_access_ended_is_not_mailed(team, mailoutbox):
    team["boss"].access_expires_at = timezone.now() - timedelta(days=1)
    team["boss"].save(update_fields=["access_expires_at"])
    outcome = overdue_digest_send(today=TODAY)
    assert outcome.sent_to == [team["manager"].email]


@pytest.mark.worker
def test_a_real_worker_sends_the_digest_once(
    session_organisations, celery_worker, django_db_blocker
):
    """Round trip through the broker: queued in Alpha's schema, run by the worker there.
    No test transaction here, so the data the worker reads is committed (and removed after)."""
    org_a = session_organisations["alpha"]
    from goldenthread.platform.accounts.services import user_create
    from goldenthread.platform.planning.models import Action, ActionPlan

    tag = uuid.uuid4().hex[:8]
    day = TODAY + timedelta(days=3650)  # a date no other test's run can occupy
    with django_db_blocker.unblock(), schema_context(org_a.schema_name):
        manager = user_create(
            email=f"mgr-{tag}@alpha.example", full_name="Worker Manager", roles=["manager"]
        )
        staff = user_create(email=f"staff-{tag}@alpha.example", full_name="Worker Staff")
        plan = ActionPlan.objects.create(code=f"WP-{tag}", title="Worker plan")
        action = Action.objects.create(
            plan=plan,
            code=f"WA-{tag}",
            title="Worker action",
            assigned_to=staff,
            managed_by=manager,
            start_date=day - timedelta(days=30),
            due_date=day - timedelta(days=1),
        )
    mail.outbox = []
    try:
        with finished_tasks() as finished:
            with schema_context(org_a.schema_name):  # queued twice, as a redelivery would
                queued = [send_overdue_digest.delay(today=day.isoformat()) for _ in range(2)]
            wait_for(
                lambda: all(task.id in finished for task in queued),
                timeout=30,
                what="both digest tasks to finish",
            )
        # Both ran (one after the other: the worker has one process): one sent the digest,
        # the other found the day's run done and sent nothing.
        states, outcomes = zip(*(finished[task.id] for task in queued), strict=True)
        assert states == ("SUCCESS", "SUCCESS")
        sent, suppressed = sorted(outcomes, key=lambda outcome: not outcome["sent_to"])
        assert manager.email in sent["sent_to"]
        assert suppressed["skipped_reason"] == "not_due" and suppressed["sent_to"] == []
        to_manager = [m for m in mail.outbox if m.to == [manager.email]]
        assert len(to_manager) == 1 and action.code in to_manager[0].body
        with django_db_blocker.unblock(), schema_context(org_a.schema_name):
            run = DigestRun.objects.get(scheduled_for=day)
            assert run.completed_at is not None
    finally:
        with django_db_blocker.unblock(), schema_context(org_a.schema_name):
            DigestRun.objects.filter(scheduled_for=day).delete()
            Action.objects.filter(pk=action.pk).delete()
            plan.delete()
            manager.delete()
            staff.delete()
