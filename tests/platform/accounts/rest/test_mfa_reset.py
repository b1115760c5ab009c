"""An administrator resets a user's MFA over REST (POST /api/v1/accounts/users/<id>/mfa-reset/):
the app and codes go, the user is signed out, the reset is audited and the user e-mailed once,
after commit, by the worker. Refused to anonymous callers, another organisation, other roles
and oneself, with nothing changed."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import (
    RecoveryCode,
    Role,
    TotpDevice,
    User,
    UserAuditEntry,
)
from goldenthread.platform.accounts.services import api_credential_issue
from goldenthread.platform.accounts.tasks import send_mfa_reset_email
from tests.fixtures.worker import wait_for
from tests.refusals import database_state

USERS = "/api/v1/accounts/users/"


def key_for(organisation, user) -> str:
    with schema_context(organisation.schema_name):
        return api_credential_issue(user=user, name="test")[1]


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def give_mfa(organisation, user) -> None:
    with schema_context(organisation.schema_name):
        TotpDevice.objects.create(user=user, secret="JBSWY3DPEHPK3PXP", confirmed_at=timezone.now())
        RecoveryCode.objects.create(user=user, code_hash="a" * 64)


def has_mfa(organisation, user) -> bool:
    with schema_context(organisation.schema_name):
        return TotpDevice.objects.filter(user=user).exists()


@pytest.fixture
def enrolled(org_a, make_user):
    person = make_user(org_a, roles=[Role.VERIFIER]).user
    give_mfa(org_a, person)
    return person


def test_an_administrator_resets_mfa_by_api_audited_and_e_mailed_after_commit(
    org_a, admin, enrolled, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    their_session = client_for(org_a, user=enrolled)
    assert their_session.get("/accounts/me/").status_code == 200
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(org_a).post(
            f"{USERS}{enrolled.pk}/mfa-reset/", **bearer(key_for(org_a, admin))
        )
    assert response.status_code == 200, response.content
    assert response.json()["mfa"] == "not set up"
    assert len(callbacks) == 1  # one e-mail, queued for the worker once the reset is committed
    assert mailoutbox == []  # nothing is sent inside the request
    assert not has_mfa(org_a, enrolled)
    assert their_session.get("/accounts/me/").status_code == 302  # signed out
    with schema_context(org_a.schema_name):
        assert not RecoveryCode.objects.filter(user=enrolled).exists()
        entry = UserAuditEntry.objects.get(user=enrolled, action="mfa_reset")
        assert send_mfa_reset_email.run(enrolled.pk, "http://alpha.localhost/") is True
    assert entry.actor_email == admin.email
    assert entry.old == {"mfa": "authenticator app"} and entry.new["mfa"] == "not set up"
    assert [m.to for m in mailoutbox] == [[enrolled.email]]
    history = client_for(org_a, user=admin).get(f"{USERS}{enrolled.pk}/history/").json()
    assert history["results"][0]["action"] == "mfa_reset"


def test_resetting_someone_without_mfa_is_a_conflict(org_a, admin, make_user, client_for):
    person = make_user(org_a, roles=[Role.VERIFIER]).user
    response = client_for(org_a, user=admin).post(f"{USERS}{person.pk}/mfa-reset/")
    assert response.status_code == 409
    assert response.json()["code"] == "mfa_not_enrolled"


@pytest.mark.parametrize(
    "who", ["anonymous", "other_organisation_key", "other_organisation_host", "self", *[
        role for role in Role.values if role != Role.ORGANISATION_ADMIN
    ]],
)  # fmt: skip
def test_resetting_mfa_by_api_is_refused_and_changes_nothing(
    org_a,
    org_b,
    enrolled,
    make_user,
    client_for,
    mailoutbox,
    django_capture_on_commit_callbacks,
    who,
):
    target = enrolled
    headers: dict = {}
    host = org_a
    if who == "anonymous":
        expected = 401
    elif who == "other_organisation_key":
        other = make_user(org_b, roles=[Role.ORGANISATION_ADMIN]).user
        headers, expected = bearer(key_for(org_b, other)), 401
    elif who == "other_organisation_host":
        other = make_user(org_b, roles=[Role.ORGANISATION_ADMIN]).user
        headers, host, expected = bearer(key_for(org_b, other)), org_b, 404
        with schema_context(org_b.schema_name):
            # The id names nobody there: no user of Beta shares it (ids are per schema).
            User.objects.filter(pk=target.pk).delete()
    elif who == "self":
        target = make_user(org_a, roles=[Role.ORGANISATION_ADMIN]).user
        give_mfa(org_a, target)
        headers, expected = bearer(key_for(org_a, target)), 403
    else:
        caller = make_user(org_a, roles=[who]).user
        headers, expected = bearer(key_for(org_a, caller)), 403
    schemas = (org_a.schema_name, org_b.schema_name, "public")
    before = database_state(*schemas)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(host).post(f"{USERS}{target.pk}/mfa-reset/", **headers)
    assert response.status_code == expected, response.content
    assert callbacks == [] and mailoutbox == []
    assert has_mfa(org_a, target)
    with schema_context(org_a.schema_name):
        assert not UserAuditEntry.objects.filter(action="mfa_reset").exists()
    changed = [t for t, digest in database_state(*schemas).items() if before.get(t) != digest]
    # An auditor's every request is written to the auditor access log, by design.
    assert [t for t in changed if not t.endswith("auditoraccesslog")] == []


@pytest.mark.worker
def test_the_worker_e_mails_the_reset_once(
    session_organisations, celery_worker, django_db_blocker, client_for
):
    """Round trip: the request commits, the worker (in Alpha's schema) sends one e-mail."""
    from goldenthread.platform.accounts.services import user_create

    org_a = session_organisations["alpha"]
    tag = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock(), schema_context(org_a.schema_name):
        admin = user_create(
            email=f"adm-{tag}@alpha.example", full_name="Worker Admin", roles=["org_admin"]
        )
        person = user_create(email=f"lost-{tag}@alpha.example", full_name="Lost Phone")
        TotpDevice.objects.create(
            user=person, secret="JBSWY3DPEHPK3PXP", confirmed_at=timezone.now()
        )
        _, key = api_credential_issue(user=admin, name="worker test")
    mail.outbox = []
    try:
        with django_db_blocker.unblock():
            response = client_for(org_a).post(f"{USERS}{person.pk}/mfa-reset/", **bearer(key))
        assert response.status_code == 200, response.content
        sent = wait_for(
            lambda: [m for m in mail.outbox if m.to == [person.email]], what="the reset e-mail"
        )
        assert "reset the multi-factor authentication" in sent[0].body
        assert len([m for m in mail.outbox if m.to == [person.email]]) == 1
    finally:
        with django_db_blocker.unblock(), schema_context(org_a.schema_name):
            UserAuditEntry.objects.filter(user__in=[admin, person]).delete()
            person.delete()
            admin.delete()
