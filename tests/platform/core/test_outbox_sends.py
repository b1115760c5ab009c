"""Sends with no job row survive a broker that is down (#16, `core.outbox.queue_after_commit`).

With the test process's Celery app pointed at a port nothing listens on, the action succeeds
for the person doing it, and an outbox message waits with the task, its arguments and the
schema it must run in; once the app is back on the real broker, the relay (what beat's
`relay_outbox` does every minute) sends it and the real worker (the session's, on this run's
Redis) runs it in that schema: the e-mail arrives, the files go, the backup is taken. Data
here are committed (the worker reads them), with names of their own.
"""

from __future__ import annotations

import uuid

import pytest
from celery.signals import before_task_publish
from django.conf import settings
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from goldenthread.platform.accounts.models import User
from tests.conftest import host_of
from tests.factories import provision_organisation, provision_staffed_organisation
from tests.fixtures.outbox import broker_down, relay_now, worker_ran
from tests.fixtures.worker import wait_for
from tests.support import outbox_messages
from tests.tenants.archive.test_backups import committed  # noqa: F401 - fixture
from tests.tenants.archive.test_restores_on_worker import committed_staff  # noqa: F401
from tests.tenants.test_helpdesk_api import BASE, enrol, next_code

pytestmark = [pytest.mark.worker, pytest.mark.usefixtures("committed_data")]

PUBLIC = "public"


@pytest.fixture
def published():
    """Names and arguments of the tasks handed to the broker while the test runs."""
    sent: list[tuple[str, list]] = []

    def record(sender=None, body=None, **_kwargs):
        sent.append((sender, list(body[0]) if body else []))

    before_task_publish.connect(record, weak=False)
    yield sent
    before_task_publish.disconnect(record)


def _mail_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


@pytest.fixture(scope="module")
def council(session_organisations, django_db_blocker):
    """An organisation of this module's own (committed), with its administrator; Alpha has
    a user with the same id, so an e-mail task run in the wrong schema finds someone else."""
    staffed = provision_staffed_organisation(
        django_db_blocker, prefix="obs", name="Outbox sends", roles=("org_admin",)
    )
    return staffed.organisation, staffed.administrator


def test_an_invitation_while_the_broker_is_down_is_mailed_in_its_organisation_when_it_returns(
    council, celery_worker, client_for
):
    from goldenthread.platform.accounts.tasks import send_invitation_email

    organisation, admin = council
    client = client_for(organisation, user=admin)
    email = f"invited-{uuid.uuid4().hex[:6]}@example.org"
    with broker_down():
        # When the administrator invites someone
        response = client.post(
            "/users/invite/", {"full_name": "Ivy Invited", "email": email, "roles": ["manager"]}
        )
        # Then the invitation is made, as usual
        assert response.status_code == 302, response.content[:500]
        with schema_context(organisation.schema_name):
            invited = User.objects.get(email=email)
        # And its e-mail waits in the outbox, for this organisation's schema
        [message] = outbox_messages(send_invitation_email, invited.pk)
        assert message.schema_name == organisation.schema_name
        assert message.args == [invited.pk, f"http://{host_of(organisation)}/"]
        assert message.attempts == 1 and "refused" in message.last_error.lower()
    assert _mail_to(email) == []

    # When the broker is back and the relay runs
    assert relay_now() >= 1
    # Then the worker e-mails the invitation, with the organisation's link
    [sent] = wait_for(lambda: _mail_to(email), timeout=30, what="the invitation e-mail")
    assert f"http://{host_of(organisation)}/accounts/password-reset/" in sent.body
    assert outbox_messages(send_invitation_email, invited.pk) == []


def test_a_new_organisations_administrator_invited_while_the_broker_is_down_is_mailed_there(
    celery_worker,
):
    from goldenthread.platform.accounts.tasks import send_invitation_email
    from goldenthread.tenants.services import organisation_create

    tag = uuid.uuid4().hex[:6]
    with broker_down():
        # When the helpdesk provisions an organisation (in the public schema)
        made = organisation_create(
            name=f"Outbox new {tag}",
            slug=f"obn-{tag}",
            type="district",
            admin_email=f"first-{tag}@example.org",
            admin_name="First Administrator",
        )
    # Then the administrator's invitation waits for the new organisation's schema, not the
    # public one it was queued from
    [message] = outbox_messages(send_invitation_email, made.administrator.pk)
    assert message.schema_name == made.organisation.schema_name

    assert relay_now() >= 1
    [sent] = wait_for(
        lambda: _mail_to(made.administrator.email), timeout=30, what="the invitation e-mail"
    )
    assert f"http://{host_of(made.organisation)}/accounts/password-reset/" in sent.body


def test_a_password_reset_while_the_broker_is_down_answers_as_usual_and_is_mailed_later(
    council, celery_worker, session_organisations
):
    from goldenthread.platform.accounts.tasks import send_password_reset_email

    organisation, _ = council
    alpha = session_organisations["alpha"]
    tag = uuid.uuid4().hex[:6]
    # Given a person here, and one in Alpha with the same id (a task run in Alpha's schema
    # would e-mail her instead)
    pk = 20_000_000 + uuid.uuid4().int % 1_000_000
    with schema_context(organisation.schema_name):
        person = User.objects.create_user(
            f"reset-{tag}@obs.example", "irrelevant-0", id=pk, full_name="Rae Reset"
        )
    with schema_context(alpha.schema_name):
        twin = User.objects.create_user(
            f"twin-{tag}@alpha.example", "irrelevant-1", id=pk, full_name="Tess Twin"
        )
    client = Client(HTTP_HOST=host_of(organisation))
    with broker_down():
        # When they ask for a reset
        response = client.post("/accounts/password-reset/", {"email": person.email})
        # Then the answer is the usual one (not an error, which would also tell that the
        # address is known)
        assert response.status_code == 200
        assert b"Check your e-mail" in response.content
        [message] = outbox_messages(send_password_reset_email, person.pk)
        assert message.schema_name == organisation.schema_name

    assert relay_now() >= 1
    [sent] = wait_for(lambda: _mail_to(person.email), timeout=30, what="the reset e-mail")
    assert f"http://{host_of(organisation)}/accounts/password-reset/" in sent.body
    assert _mail_to(twin.email) == []
    assert outbox_messages(send_password_reset_email, person.pk) == []


def test_a_notification_queued_while_the_broker_is_down_is_mailed_once_when_it_returns(
    celery_worker, django_db_blocker
):
    from goldenthread.platform.indicators.services.values import value_enter
    from goldenthread.platform.indicators.services.workflow import value_submit
    from goldenthread.platform.notifications.domain.choices import EmailState
    from goldenthread.platform.notifications.models import Notification
    from goldenthread.platform.notifications.tasks import send_notification_email

    staffed = provision_staffed_organisation(
        django_db_blocker,
        prefix="obv",
        name="Outbox notices",
        roles=("performance_officer", "data_provider", "verifier"),
        indicator_code="N 1",
        indicator_title="Outbox PI",
        assign_data_provider=True,
        assign_verifier=True,
    )
    provider, verifier = staffed.provider, staffed.verifier
    schema = staffed.schema_name
    with schema_context(schema):
        row = value_enter(
            actor=provider, indicator=staffed.indicator, period_code="2024/25 Q1", value=5
        )
    with broker_down(), schema_context(schema):
        # When the provider submits (the verifier is told, by e-mail straight away)
        value_submit(actor=provider, value=row)
        note = Notification.objects.get(recipient=verifier, kind="value_submitted")
        assert note.email_state == EmailState.PENDING
    [message] = outbox_messages(send_notification_email, note.pk)
    assert message.schema_name == schema

    assert relay_now() >= 1

    def sent():
        with schema_context(schema):
            return Notification.objects.get(pk=note.pk).email_state == EmailState.SENT

    wait_for(sent, timeout=30, what="the notification's e-mail")
    assert len(_mail_to(verifier.email)) == 1
    # A second delivery (the relay's, after a process died before deleting the row) sends
    # nothing twice: the task claims the pending e-mail.
    with worker_ran() as ran:
        send_notification_email.apply_async(args=[note.pk], headers={"_schema_name": schema})
        wait_for(lambda: ran, timeout=30, what="the duplicate delivery")
    assert ran == [(send_notification_email.name, [note.pk], False)]
    assert len(_mail_to(verifier.email)) == 1


def test_a_purge_while_the_broker_is_down_removes_the_files_once_the_broker_returns(
    celery_worker, settings, tmp_path
):
    from goldenthread.tenants.deletion import services
    from goldenthread.tenants.deletion.tasks import delete_organisation_files

    settings.MEDIA_ROOT = tmp_path / "media"
    tag = uuid.uuid4().hex[:6]
    doomed = provision_organisation(slug=f"obd-{tag}", name=f"Doomed {tag}", type="other")
    schema = doomed.schema_name
    default_storage.save(f"{schema}/evidence/count.pdf", ContentFile(b"%PDF-1.4 count"))
    kept = default_storage.save(f"org_alpha-{tag}/other.pdf", ContentFile(b"%PDF-1.4 other"))
    deletion = services.deletion_request(organisation=doomed, actor="t", reason="Contract ended")
    with broker_down():
        # When the purge runs (beat's task, or the console)
        services.deletion_purge(deletion=deletion, now=deletion.purge_after)
    # Then the organisation is gone, and its files wait for the worker
    assert not schema_exists(schema)
    [message] = outbox_messages(delete_organisation_files, schema)
    assert message.args == [schema]
    # In the public schema: the organisation's is gone, and the task is told which it was
    assert message.schema_name == get_public_schema_name()
    assert default_storage.exists(f"{schema}/evidence/count.pdf")

    assert relay_now() >= 1
    wait_for(
        lambda: not default_storage.exists(f"{schema}/evidence/count.pdf"),
        timeout=30,
        what="the purged organisation's files to be removed",
    )
    assert default_storage.exists(kept)
    assert outbox_messages(delete_organisation_files, schema) == []


def test_back_up_now_while_the_broker_is_down_is_queued_on_page_and_rest_and_taken_once(
    committed,  # noqa: F811
    committed_staff,  # noqa: F811
    celery_worker,
):
    from goldenthread.tenants.archive.models import OrganisationBackup
    from goldenthread.tenants.archive.tasks import backup_organisation_now
    from goldenthread.tenants.helpdesk.api_keys import helpdesk_api_key_issue

    org = committed("now")
    lead_user, lead = committed_staff(lead=True)
    _, plain = committed_staff(lead=False)
    _, key = helpdesk_api_key_issue(user=lead_user, name="now", code=next_code(enrol(lead_user)))
    page = f"/helpdesk/organisations/{org.slug}/data/backup/"
    with broker_down():
        # Staff who are not leads are refused, and nothing is queued
        assert plain.post(page).status_code == 403
        assert outbox_messages(backup_organisation_now, org.pk) == []
        # When a lead asks for a backup on the console page
        response = lead.post(page, follow=True)
        # Then it answers "queued", not an error
        assert response.status_code == 200
        assert "The backup is queued" in response.content.decode()
        # And over REST: 202
        api = Client(HTTP_HOST=settings.PLATFORM_DOMAIN)
        answer = api.post(
            f"{BASE}/organisations/{org.slug}/backups/",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )
        assert answer.status_code == 202, answer.content
    from_page, from_rest = outbox_messages(backup_organisation_now, org.pk)
    assert from_page.args[:2] == [org.pk, lead_user.email]
    assert from_rest.args[:2] == [org.pk, lead_user.email]
    assert {from_page.schema_name, from_rest.schema_name} == {get_public_schema_name()}
    assert not OrganisationBackup.objects.filter(organisation=org).exists()

    def backups_run(ran) -> list:
        return [r for r in ran if r[0] == backup_organisation_now.name and r[1][0] == org.pk]

    # When the broker is back and the relay runs
    with worker_ran() as ran:
        assert relay_now() >= 2
        wait_for(lambda: len(backups_run(ran)) == 2, timeout=120, what="the two requests")
    # Then one backup answers both: taken after both were asked for
    [backup] = OrganisationBackup.objects.filter(organisation=org)
    assert backup.created_by == lead_user.email and backup.trigger == "manual"
    assert [retval for *_, retval in backups_run(ran)] == [backup.pk, backup.pk]
    assert outbox_messages(backup_organisation_now, org.pk) == []
    # And a second delivery of the page's request (the relay's, after a process died before
    # deleting its row) takes no second dump
    with worker_ran() as ran:
        backup_organisation_now.apply_async(args=from_page.args, headers={"_schema_name": PUBLIC})
        wait_for(lambda: backups_run(ran), timeout=120, what="the duplicate delivery")
    assert backups_run(ran)[0][2] == backup.pk
    assert OrganisationBackup.objects.filter(organisation=org).count() == 1


def test_a_rolled_back_change_leaves_no_message_and_a_normal_send_goes_once(
    council, celery_worker, published
):
    from goldenthread.platform.accounts.services.users import user_invite
    from goldenthread.platform.accounts.tasks import send_invitation_email

    organisation, admin = council
    tag = uuid.uuid4().hex[:6]
    base = f"http://{host_of(organisation)}/"

    class RolledBack(Exception):
        pass

    before = len(outbox_messages(send_invitation_email))
    # Given an invitation whose transaction rolls back (the broker is up)
    with pytest.raises(RolledBack), schema_context(organisation.schema_name):
        with transaction.atomic():
            user_invite(
                actor=admin,
                email=f"never-{tag}@example.org",
                full_name="Never",
                roles=["manager"],
                base_url=base,
            )
            assert len(outbox_messages(send_invitation_email)) == before + 1  # in the transaction
            raise RolledBack
    # Then no message is left and nothing was sent
    with schema_context(organisation.schema_name):
        assert not User.objects.filter(email=f"never-{tag}@example.org").exists()
    assert len(outbox_messages(send_invitation_email)) == before
    assert published == []

    # When one commits, it is sent once at commit, and its row is gone: the relay has
    # nothing more to send for it
    with schema_context(organisation.schema_name):
        user = user_invite(
            actor=admin,
            email=f"once-{tag}@example.org",
            full_name="Once",
            roles=["manager"],
            base_url=base,
        )
    ours = (send_invitation_email.name, [user.pk, base])
    assert published == [ours]
    assert outbox_messages(send_invitation_email, user.pk) == []
    relay_now()
    assert published.count(ours) == 1
    wait_for(lambda: _mail_to(user.email), timeout=30, what="the invitation e-mail")
    assert len(_mail_to(user.email)) == 1


def test_a_send_that_fails_leaves_no_span_current_in_the_thread(db):
    # The Celery instrumentation makes its publish span current before sending and ends it
    # only once sent: a failed send used to leave it current, so every later log line of the
    # thread carried that trace.
    from opentelemetry import trace

    from goldenthread.shared_indicators.publication.tasks import outbox_send, outbox_write
    from goldenthread.tenants.tasks import vacuum_catalogue

    assert not trace.get_current_span().get_span_context().is_valid
    message = outbox_write(vacuum_catalogue, PUBLIC, [])
    with broker_down():
        assert outbox_send(message) is False

    assert not trace.get_current_span().get_span_context().is_valid
    message.refresh_from_db()
    assert message.attempts == 1 and message.last_error
