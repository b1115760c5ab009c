"""Changing the organisation's single sign-on configuration (administrators only).

Every change is checked as a whole (the protocol has what it needs; roles exist; "SSO
required" names an active administrator to keep passwords for) and audited as old → new in
the user audit trail, the client secret only ever as "set" / "replaced", never its value.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from goldenthread.platform.core.errors import Conflict, DomainError

from ...domain import sso as rules
from ...domain.choices import SsoProtocol, UserAuditAction
from ...models import Role, SsoConfiguration, User, UserAuditEntry
from ...permissions import is_active_member, require_administer_users
from . import oidc
from .saml_metadata import saml_configuration_problems
from .secrets import secret_encrypt

# What may be changed, in the order it is audited. `oidc_client_secret` is the plain secret
# (write-only); `break_glass_user_id` names a user of this organisation, or None.
FIELDS = (
    "protocol",
    "button_label",
    "oidc_discovery_url",
    "oidc_client_id",
    "saml_metadata_url",
    "saml_metadata_xml",
    "saml_idp_entity_id",
    "saml_email_attribute",
    "jit_enabled",
    "jit_default_role",
    "groups_claim",
    "group_role_mapping",
    "sso_required",
    "break_glass_user_id",
)
SECRET = "oidc_client_secret"  # noqa: S105 (a field name)


def _audited(config: SsoConfiguration, name: str) -> Any:
    if name == "break_glass_user_id":
        return config.break_glass_user.email if config.break_glass_user_id else None
    if name == "saml_metadata_xml":  # long: the trail says whether it is there
        return "pasted" if config.saml_metadata_xml else ""
    return getattr(config, name)


def _problems(config: SsoConfiguration, *, discovery_changed: bool) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if config.protocol not in SsoProtocol.values:
        add("protocol", "Choose off, OpenID Connect or SAML 2.0.")
    if config.protocol == SsoProtocol.OIDC:
        if not config.oidc_discovery_url:
            add("oidc_discovery_url", "Enter the provider's discovery URL.")
        elif problem := oidc.provider_url_problem(config.oidc_discovery_url):
            add("oidc_discovery_url", problem)
        elif discovery_changed:
            try:
                oidc.provider_metadata(config.oidc_discovery_url, fresh=True)
            except DomainError as error:
                add("oidc_discovery_url", error.message)
        if not config.oidc_client_id:
            add("oidc_client_id", "Enter the client (application) ID the provider gave you.")
        if not config.oidc_client_secret_encrypted:
            add(SECRET, "Enter the client secret the provider gave you.")
    if config.protocol == SsoProtocol.SAML:
        # The metadata is read (and a URL fetched) now, so a mistake shows on this page.
        for field, messages in saml_configuration_problems(config).items():
            for message in messages:
                add(field, message)
    if config.jit_default_role:
        if config.jit_default_role not in Role.values:
            add("jit_default_role", "Choose a role that exists.")
        elif config.jit_default_role == Role.ORGANISATION_ADMIN:
            add(
                "jit_default_role",
                "The default role cannot be organisation administrator: map a group to it "
                "if some people created at sign-in must be administrators.",
            )
    for message in rules.mapping_problems(config.group_role_mapping):
        add("group_role_mapping", message)
    if config.sso_required:
        if config.protocol == SsoProtocol.OFF:
            add("sso_required", "Single sign-on cannot be required while it is off.")
        user = config.break_glass_user
        if user is None:
            add(
                "break_glass_user_id",
                "Name a break-glass administrator, who can still sign in with a password if "
                "the identity provider fails.",
            )
        elif not (is_active_member(user) and user.has_role(Role.ORGANISATION_ADMIN)):
            add(
                "break_glass_user_id",
                f"{user.email} cannot be the break-glass administrator: they must be an active "
                "organisation administrator.",
            )
    return problems


@transaction.atomic
def sso_configuration_update(*, actor: User, changes: dict[str, Any]) -> SsoConfiguration:
    """Apply `changes` (names from `FIELDS`, plus `oidc_client_secret`: a new secret, or
    empty to keep the one stored) to the organisation's configuration, checked as a whole.
    Refuses with every problem, by field, in `extra["fields"]`. Unchanged: not audited."""
    require_administer_users(actor)
    unknown = set(changes) - set(FIELDS) - {SECRET}
    if unknown:
        raise DomainError(f"Unknown single sign-on setting(s): {', '.join(sorted(unknown))}.")
    config, _ = SsoConfiguration.objects.select_for_update().get_or_create(
        id=SsoConfiguration.SINGLETON_ID
    )
    before = {name: _audited(config, name) for name in FIELDS}
    had_secret = config.has_client_secret
    for name in FIELDS:
        if name not in changes:
            continue
        value = changes[name]
        if name == "break_glass_user_id":
            config.break_glass_user = _break_glass_user(value)
        elif name == "group_role_mapping":
            value = value or {}
            if not rules.mapping_problems(value):
                value = rules.normalised_mapping(value)
            config.group_role_mapping = value
        elif isinstance(value, str):
            setattr(config, name, value.strip())
        else:
            setattr(config, name, value)
    secret = (changes.get(SECRET) or "").strip()
    if secret:
        config.oidc_client_secret_encrypted = secret_encrypt(secret)
    problems = _problems(
        config, discovery_changed=before["oidc_discovery_url"] != config.oidc_discovery_url
    )
    if problems:
        first = next(iter(problems.values()))[0]
        raise DomainError(first, extra={"fields": problems})
    config.save()
    after = {name: _audited(config, name) for name in FIELDS}
    old = {name: before[name] for name in FIELDS if before[name] != after[name]}
    new = {name: after[name] for name in FIELDS if before[name] != after[name]}
    if secret:
        old[SECRET] = "set" if had_secret else "not set"
        new[SECRET] = "replaced" if had_secret else "set"
    if new:
        UserAuditEntry.objects.create(
            actor=actor,
            actor_email=actor.email,
            action=UserAuditAction.SSO_CONFIGURATION_CHANGED,
            user=None,
            user_email="",
            old=old,
            new=new,
        )
    return config


def _break_glass_user(value: Any) -> User | None:
    if value in (None, ""):
        return None
    user = User.objects.filter(pk=value).first() if str(value).isdigit() else None
    if user is None:
        raise DomainError(
            "There is no such user in this organisation to be the break-glass administrator.",
            extra={"fields": {"break_glass_user_id": ["Choose a user of this organisation."]}},
        )
    return user


def sso_break_glass_check(*, user: User, becoming_inactive: bool, keeps_admin: bool) -> None:
    """Refuse to deactivate the break-glass administrator, or to take their administrator
    role away, while single sign-on is required: the organisation would be left with no way
    in if its provider failed. (Unset "SSO required" or name someone else first.)"""
    config = SsoConfiguration.load()
    if not (config.sso_required and config.break_glass_user_id == user.pk):
        return
    if becoming_inactive or not keeps_admin:
        raise Conflict(
            f"{user.email} is the break-glass administrator while single sign-on is required. "
            "Name another break-glass administrator on the single sign-on page first (or stop "
            "requiring single sign-on).",
            code="break_glass_administrator",
        )
