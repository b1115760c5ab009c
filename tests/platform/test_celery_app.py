"""The Celery round trip: a request on one organisation's host queues a task on commit, and the
real worker runs it, against the real broker, in that organisation's schema."""

from __future__ import annotations

import uuid

import pytest
from celery.signals import before_task_publish
from django.core import mail
from django.db import transaction
from django.test import Client
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import User
from tests.conftest import host_of
from tests.fixtures.worker import wait_for

RESET_TASK = "goldenthread.platform.accounts.tasks.send_password_reset_email"
pytestmark = pytest.mark.worker


@pytest.fixture
def published():
    """Names of the tasks sent to the broker while the test runs (Celery's own signal)."""
    names: list[str] = []

    def record(sender=None, **_kwargs):
        names.append(sender)

    before_task_publish.connect(record, weak=False)
    yield names
    before_task_publish.disconnect(record)


def _committed_user_pair(alpha, beta, tag: str) -> tuple[User, User]:
    """A user in Alpha and a different user in Beta sharing one primary key."""
    pk = 10_000_000 + uuid.uuid4().int % 1_000_000
    with schema_context(alpha.schema_name):
        alice = User.objects.create_user(
            f"alice-{tag}@alpha.example", "irrelevant-pw-1", id=pk, full_name="Alice"
        )
    with schema_context(beta.schema_name):
        bob = User.objects.create_user(
            f"bob-{tag}@beta.example", "irrelevant-pw-2", id=pk, full_name="Bob"
        )
    return alice, bob


def test_password_reset_email_is_sent_by_the_worker_in_the_requesting_organisation(
    celery_worker, session_organisations, django_db_blocker, published
):
    alpha, beta = session_organisations["alpha"], session_organisations["beta"]
    tag = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        # Given Alice in Alpha and Bob in Beta with the same primary key (committed)
        alice, bob = _committed_user_pair(alpha, beta, tag)
        assert alice.pk == bob.pk

        alpha_host = host_of(alpha)
        # When Alice asks for a reset on Alpha's host (a real request, autocommit)
        response = Client(HTTP_HOST=alpha_host).post(
            "/accounts/password-reset/", {"email": alice.email}
        )
    assert response.status_code == 200
    assert published == [RESET_TASK]

    # Then the worker sends the e-mail to Alice: run in Beta's (or the public) schema the
    # same primary key would have found Bob, or nobody.
    ours = {alice.email, bob.email}
    message = wait_for(
        lambda: next((m for m in mail.outbox if ours & set(m.to)), None),
        what="the password reset e-mail",
    )
    assert message.to == [alice.email]
    assert [m.to for m in mail.outbox if ours & set(m.to)] == [[alice.email]]
    assert f"http://{alpha_host}/accounts/password-reset/" in message.body


def test_a_rolled_back_request_queues_nothing(
    org_a, make_user, client_for, published, django_capture_on_commit_callbacks
):
    member = make_user(org_a)
    client = client_for(org_a)

    # While the request's transaction is open the task waits for the commit...
    with django_capture_on_commit_callbacks(execute=False) as pending:
        client.post("/accounts/password-reset/", {"email": member.email})
    assert len(pending) == 1
    assert published == []

    # ...and when the transaction rolls back instead, it never goes to the broker.
    with django_capture_on_commit_callbacks(execute=True) as run_on_commit:
        try:
            with transaction.atomic():
                client.post("/accounts/password-reset/", {"email": member.email})
                raise _RollBack
        except _RollBack:
            pass
    assert run_on_commit == []
    assert published == []


def test_an_unknown_address_queues_nothing(org_a, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as pending:
        response = client_for(org_a).post(
            "/accounts/password-reset/", {"email": "nobody@alpha.example"}
        )
    # Same answer as for a known address, so the form reveals nothing
    assert response.status_code == 200
    assert b"Check your e-mail" in response.content
    assert pending == []


class _RollBack(Exception):
    pass
