"""User administration services: the rules, and the audit row each change writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import Role, User, UserAuditEntry
from goldenthread.platform.accounts.services.users import (
    user_deactivate,
    user_invite,
    user_reactivate,
    user_update,
)
from goldenthread.platform.accounts.tasks import send_invitation_email
from goldenthread.platform.core.errors import Conflict, DomainError, PermissionDenied

BASE = "http://alpha.localhost/"


def test_an_administrator_invites_a_user_who_gets_a_set_password_link(
    org_a, admin, mailoutbox, django_capture_on_commit_callbacks
):
    with schema_context(org_a.schema_name):
        with django_capture_on_commit_callbacks() as callbacks:
            user = user_invite(
                actor=admin,
                email=" Sam.New@Alpha.example ",
                full_name="Sam New",
                roles=[Role.VERIFIER],
                base_url=BASE,
            )
        assert len(callbacks) == 1  # the e-mail goes out from a worker, after commit
        assert user.email == "sam.new@alpha.example"
        assert not user.has_usable_password()
        entry = UserAuditEntry.objects.get(user=user)
        assert (entry.action, entry.actor, entry.old) == ("invited", admin, None)
        assert entry.new["roles"] == ["verifier"]
        assert send_invitation_email.run(user.pk, BASE) is True
    assert mailoutbox[-1].to == ["sam.new@alpha.example"]
    assert "http://alpha.localhost/accounts/password-reset/" in mailoutbox[-1].body


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ORGANISATION_ADMIN])
def test_only_administrators_administer_users(org_a, make_user, role, in_a_year):
    actor = make_user(org_a, roles=list(set(Role.values) - {Role.ORGANISATION_ADMIN}))
    actor = actor.user
    target = make_user(org_a, roles=[Role.VERIFIER]).user
    with schema_context(org_a.schema_name):
        count = User.objects.count()
        with pytest.raises(PermissionDenied):
            user_invite(
                actor=actor, email="x@alpha.example", full_name="X", roles=[], base_url=BASE
            )
        with pytest.raises(PermissionDenied):
            user_update(actor=actor, user=target, roles=[Role.MANAGER])
        with pytest.raises(PermissionDenied):
            user_deactivate(actor=actor, user=target)
        target.refresh_from_db()
        assert User.objects.count() == count
        assert target.roles == [Role.VERIFIER] and target.is_active
        assert not UserAuditEntry.objects.exists()


def test_administrators_give_others_any_role_but_never_raise_themselves(org_a, make_user):
    actor = make_user(org_a, roles=[Role.ORGANISATION_ADMIN, Role.VERIFIER]).user
    target = make_user(org_a, roles=[Role.DATA_PROVIDER, Role.MANAGER]).user
    with schema_context(org_a.schema_name):
        # Raising oneself is refused, and nothing changes
        with pytest.raises(DomainError, match="yourself a role you do not hold: Performance"):
            user_update(actor=actor, user=actor, roles=[*actor.roles, Role.PERFORMANCE_OFFICER])
        actor.refresh_from_db()
        assert actor.roles == [Role.ORGANISATION_ADMIN, Role.VERIFIER]
        # Inviting someone with a role the administrator does not hold is their job
        invited = user_invite(
            actor=actor,
            email="c@alpha.example",
            full_name="C",
            roles=[Role.COUNCILLOR],
            base_url=BASE,
        )
        assert invited.roles == [Role.COUNCILLOR]
        # Changing another person's roles, to ones the administrator does not hold too
        user_update(actor=actor, user=target, roles=[Role.MANAGER, Role.PERFORMANCE_OFFICER])
        target.refresh_from_db()
        assert target.roles == [Role.MANAGER, Role.PERFORMANCE_OFFICER]
        entry = UserAuditEntry.objects.get(user=target)
        assert entry.old == {"roles": ["data_provider", "manager"]}
        assert entry.new == {"roles": ["manager", "performance_officer"]}


def test_the_last_active_administrator_cannot_be_removed_or_deactivated(
    org_a, sole_administrator, make_user, in_a_year
):
    only = sole_administrator
    with schema_context(org_a.schema_name):
        for change in (
            lambda: user_update(actor=only, user=only, roles=[]),
            lambda: user_deactivate(actor=only, user=only),
            lambda: user_update(actor=only, user=only, access_expires_at=in_a_year),
        ):
            with pytest.raises(Conflict, match="last active administrator"):
                change()
        only.refresh_from_db()
        assert only.is_active and only.roles == [Role.ORGANISATION_ADMIN]
        assert only.access_expires_at is None
        # With a second administrator, the first may step down.
        second = user_invite(
            actor=only,
            email="second@alpha.example",
            full_name="Second",
            roles=[Role.ORGANISATION_ADMIN],
            base_url=BASE,
        )
        user_update(actor=only, user=only, roles=[])
        only.refresh_from_db()
        with pytest.raises(PermissionDenied):
            user_deactivate(actor=only, user=second)  # no longer an administrator


def test_an_auditor_needs_a_future_end_date_which_an_administrator_extends(org_a, admin, in_a_year):
    with schema_context(org_a.schema_name):
        for end, message in ((None, "needs an end date"), (timezone.now(), "in the future")):
            with pytest.raises(DomainError, match=message):
                user_invite(
                    actor=admin,
                    email="aud@alpha.example",
                    full_name="Aud",
                    roles=[Role.AUDITOR],
                    access_expires_at=end,
                    base_url=BASE,
                )
        auditor = user_invite(
            actor=admin,
            email="aud@alpha.example",
            full_name="Aud",
            roles=[Role.AUDITOR],
            access_expires_at=in_a_year,
            base_url=BASE,
        )
        with pytest.raises(DomainError, match="needs an end date"):
            user_update(actor=admin, user=auditor, clear_access_expires_at=True)
        later = in_a_year + timedelta(days=90)
        user_update(actor=admin, user=auditor, access_expires_at=later)
        auditor.refresh_from_db()
        assert auditor.access_expires_at == later
        entry = UserAuditEntry.objects.get(user=auditor, action="access_end_changed")
        assert entry.old == {"access_expires_at": in_a_year.isoformat()}
        assert entry.new == {"access_expires_at": later.isoformat()}
        assert entry.actor_email == admin.email


def test_deactivation_ends_the_users_sessions_and_reactivation_is_audited(org_a, admin, make_user):
    target = make_user(org_a, roles=[Role.VERIFIER]).user
    bystander = make_user(org_a, roles=[Role.VERIFIER]).user
    with schema_context(org_a.schema_name):
        for user in (target, target, bystander):
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session.create()
        user_deactivate(actor=admin, user=target)
        remaining = [s.get_decoded()[SESSION_KEY] for s in Session.objects.all()]
        assert str(target.pk) not in remaining and str(bystander.pk) in remaining
        with pytest.raises(Conflict):
            user_deactivate(actor=admin, user=target)
        user_reactivate(actor=admin, user=target)
        target.refresh_from_db()
        assert target.is_active
        actions = list(
            UserAuditEntry.objects.filter(user=target).order_by("id").values_list("action", "new")
        )
        assert actions == [
            ("deactivated", {"is_active": False, "sessions_ended": 2}),
            ("reactivated", {"is_active": True}),
        ]
