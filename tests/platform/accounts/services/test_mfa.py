"""MFA services in an organisation's schema: the checks the pages rely on."""

from __future__ import annotations

import pyotp
import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.accounts.models import RecoveryCode, Role, TotpDevice
from goldenthread.platform.accounts.services import mfa
from goldenthread.platform.core.errors import Conflict, DomainError, PermissionDenied
from tests.fixtures.mfa import next_code


@pytest.fixture
def enrolled(org_a, make_user):
    person = make_user(org_a, roles=[Role.MANAGER]).user
    secret = pyotp.random_base32(32)
    with schema_context(org_a.schema_name):
        codes = mfa.mfa_enrol(user=person, secret=secret, code=pyotp.TOTP(secret).now())
    return person, secret, codes


def test_enrolling_twice_is_refused(org_a, enrolled):
    person, secret, _ = enrolled
    with schema_context(org_a.schema_name), pytest.raises(Conflict):
        mfa.mfa_enrol(user=person, secret=secret, code=next_code(secret))


def test_a_recovery_code_is_spent_by_the_first_check(org_a, enrolled):
    person, _, codes = enrolled
    with schema_context(org_a.schema_name):
        assert mfa.mfa_check(user=person, code=codes[0]) == mfa.RECOVERY_CODE
        assert mfa.mfa_check(user=person, code=codes[0]) is None
        assert RecoveryCode.objects.filter(user=person, used_at__isnull=True).count() == 9


def test_a_recovery_code_does_not_regenerate_or_remove(org_a, enrolled):
    """Those need the app itself (a current TOTP code), not a spare code."""
    person, _, codes = enrolled
    with schema_context(org_a.schema_name):
        with pytest.raises(DomainError):
            mfa.recovery_codes_regenerate(user=person, code=codes[1])
        with pytest.raises(DomainError):
            mfa.mfa_remove(user=person, code=codes[2])
        assert TotpDevice.objects.filter(user=person).exists()


def test_an_administrator_cannot_reset_their_own_mfa(org_a, make_user):
    admin = make_user(org_a, roles=[Role.ORGANISATION_ADMIN]).user
    secret = pyotp.random_base32(32)
    with schema_context(org_a.schema_name):
        mfa.mfa_enrol(user=admin, secret=secret, code=pyotp.TOTP(secret).now())
        with pytest.raises(PermissionDenied):
            mfa.mfa_reset(actor=admin, user=admin, base_url="http://alpha.localhost/")
        assert TotpDevice.objects.filter(user=admin).exists()


def test_resetting_someone_without_mfa_is_a_conflict(org_a, make_user):
    admin = make_user(org_a, roles=[Role.ORGANISATION_ADMIN]).user
    person = make_user(org_a, roles=[Role.MANAGER]).user
    with schema_context(org_a.schema_name), pytest.raises(Conflict):
        mfa.mfa_reset(actor=admin, user=person, base_url="http://alpha.localhost/")
