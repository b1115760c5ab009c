"""The single sign-on rules that need no database: roles for people created just in time, the
group mapping's problems, passwords under "SSO required", who an ID token names, the button's
words, and secrets at rest with key rotation."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings

from goldenthread.platform.accounts.domain import sso as rules
from goldenthread.platform.accounts.models import SsoConfiguration
from goldenthread.platform.accounts.selectors.sso import sso_button_label
from goldenthread.platform.accounts.services.sso import secrets
from goldenthread.platform.accounts.services.sso.oidc import identity_claims, provider_url_problem
from goldenthread.platform.core.errors import DomainError

MAPPING = {"finance": ["data_provider"], "leaders": ["org_admin", "manager"]}


def test_a_new_person_gets_the_default_role_and_the_roles_of_their_groups_only():
    assert rules.roles_for_new_user(default_role="councillor", groups=[], mapping=MAPPING) == [
        "councillor"
    ]
    assert rules.roles_for_new_user(
        default_role="", groups=["finance", "choir"], mapping=MAPPING
    ) == ["data_provider"]
    # Administrator only through a group explicitly mapped to it
    assert rules.roles_for_new_user(default_role="", groups=["leaders"], mapping=MAPPING) == [
        "manager",
        "org_admin",
    ]
    # Groups compare exactly (providers send identifiers)
    assert rules.roles_for_new_user(default_role="", groups=["Finance"], mapping=MAPPING) == []


@pytest.mark.parametrize(
    ("mapping", "problem"),
    [
        ({"g": ["emperor"]}, "a role that does not exist: emperor"),
        ({"g": []}, "mapped to no role"),
        ({" ": ["manager"]}, "needs a name"),
        (["manager"], "must pair each group"),
    ],
)
def test_a_mapping_with_a_problem_is_named(mapping, problem):
    assert problem in " ".join(rules.mapping_problems(mapping))


def test_passwords_under_sso_required_are_the_break_glass_administrators_only():
    assert rules.password_allowed(sso_required=False, break_glass_user_id=None, user_id=3)
    assert not rules.password_allowed(sso_required=True, break_glass_user_id=7, user_id=3)
    assert rules.password_allowed(sso_required=True, break_glass_user_id=7, user_id=7)


def test_who_an_id_token_names():
    assert identity_claims(
        {"email": "a@x.example", "groups": ["g1", 2]}, groups_claim="groups"
    ) == {
        "email": "a@x.example",
        "name": "",
        "groups": ("g1", "2"),
    }
    # Microsoft Entra ID without the optional email claim: the sign-in name, if an address
    assert identity_claims({"preferred_username": "b@x.example"}, groups_claim="")["email"] == (
        "b@x.example"
    )
    assert identity_claims({"preferred_username": "bob"}, groups_claim="")["email"] == ""
    # An address the provider has not verified is no identity, nor its fallbacks
    unverified = {"email": "c@x.example", "email_verified": False, "upn": "c@x.example"}
    assert identity_claims(unverified, groups_claim="")["email"] == ""
    assert identity_claims({"email": "d@x.example", "roles": "r"}, groups_claim="roles")[
        "groups"
    ] == ("r",)


def test_provider_addresses_must_be_https_except_on_this_machine():
    assert provider_url_problem("https://login.microsoftonline.com/t/v2.0/.well-known/x") is None
    assert provider_url_problem("http://127.0.0.1:9000/o/.well-known/openid-configuration") is None
    assert "https://" in provider_url_problem("http://idp.example/.well-known/x")
    assert provider_url_problem("ftp://idp.example/") is not None


def test_the_button_names_entra_id_or_what_the_administrator_wrote():
    entra = SsoConfiguration(
        oidc_discovery_url="https://login.microsoftonline.com/abc/v2.0/.well-known/openid-configuration"
    )
    assert sso_button_label(entra) == "Microsoft Entra ID"
    assert sso_button_label(SsoConfiguration(button_label="Council account")) == "Council account"
    assert sso_button_label(SsoConfiguration()) == "your organisation's account"


def test_secrets_are_encrypted_and_survive_key_rotation():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(SSO_ENCRYPTION_KEYS=[old]):
        token = secrets.secret_encrypt("client-secret")
    assert "client-secret" not in token
    with override_settings(SSO_ENCRYPTION_KEYS=[new, old]):  # rotated: the old key still reads
        assert secrets.secret_decrypt(token) == "client-secret"
        assert secrets.secret_decrypt(secrets.secret_encrypt("x")) == "x"
    with override_settings(SSO_ENCRYPTION_KEYS=[new]), pytest.raises(DomainError) as unreadable:
        secrets.secret_decrypt(token)  # the old key was dropped too early
    assert "enter it again" in unreadable.value.message
