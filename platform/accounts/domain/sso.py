"""The council's rules for single sign-on, free of tables and HTTP.

* A person is matched to an invited user by e-mail address, ignoring case.
* People not invited are refused, unless the organisation turns on just-in-time creation;
  then they get the default role plus the roles their groups map to. Organisation
  administrator is never a default: only a group explicitly mapped to it gives it.
* With "SSO required", passwords work only for the one named break-glass administrator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..models import Role
from .choices import SsoRefusal

_ASK = "Ask your organisation's administrator"
# What the refused person reads (the reason's code is kept in the sign-in history).
REFUSAL_MESSAGES = {
    SsoRefusal.NOT_INVITED: "Your council has not given you access to Golden Thread with this "
    f"account. {_ASK} to invite you, using the e-mail address you signed in with.",
    SsoRefusal.DEACTIVATED: f"Your account here has been deactivated. {_ASK} if you still "
    "need access.",
    SsoRefusal.ACCESS_ENDED: f"Your access has ended. {_ASK} if you still need it.",
    SsoRefusal.NOT_CONFIGURED: "Single sign-on is not set up for this organisation. Sign in "
    f"with your password, or {_ASK[0].lower()}{_ASK[1:]}.",
    SsoRefusal.NO_EMAIL: "Your identity provider did not tell us a usable e-mail address, so we "
    f"cannot tell who you are here. {_ASK} to check the single sign-on set-up.",
    SsoRefusal.INVALID_RESPONSE: "The answer from your identity provider failed our security "
    "checks, so you are not signed in. Try again; if it happens again, tell your "
    "organisation's administrator.",
    SsoRefusal.PROVIDER_ERROR: "Your identity provider did not sign you in. Try again, or "
    f"{_ASK[0].lower()}{_ASK[1:]}.",
    SsoRefusal.OTHER_IDENTITY: "Your account here is linked to a different identity at your "
    "identity provider, so we cannot be sure it is you. If your account at the provider was "
    f"replaced, {_ASK[0].lower()}{_ASK[1:]} to unlink the old one on your user page.",
    SsoRefusal.LOCKED: "There have been too many sign-in attempts for this account, so it is "
    "locked for now. Try again later.",
}


def normalised_email(email: str | None) -> str:
    return (email or "").strip().lower()


def mapping_problems(mapping: object) -> list[str]:
    """What is wrong with a group → roles mapping, in words (empty when it is right). The
    mapping is {"group": ["role", ...]}; a role must exist."""
    if not isinstance(mapping, Mapping):
        return ["The group mapping must pair each group with a list of roles."]
    problems = []
    for group, roles in mapping.items():
        if not isinstance(group, str) or not group.strip():
            problems.append("Every mapped group needs a name or identifier.")
            continue
        if isinstance(roles, str):
            roles = [roles]
        if not isinstance(roles, list) or not roles:
            problems.append(f"The group '{group}' is mapped to no role.")
            continue
        unknown = sorted({str(r) for r in roles} - set(Role.values))
        if unknown:
            problems.append(
                f"The group '{group}' is mapped to a role that does not exist: "
                f"{', '.join(unknown)}."
            )
    return problems


def normalised_mapping(mapping: Mapping[str, object]) -> dict[str, list[str]]:
    """{"group": ["role", ...]} with each list sorted and without repeats."""
    out = {}
    for group, roles in mapping.items():
        roles = [roles] if isinstance(roles, str) else list(roles)
        out[group.strip()] = sorted(set(roles))
    return out


def roles_for_new_user(
    *, default_role: str, groups: Iterable[str], mapping: Mapping[str, list[str]]
) -> list[str]:
    """The roles a person created just in time starts with: the default role and every role
    a group of theirs is mapped to (groups compare exactly: providers send identifiers)."""
    roles = {default_role} if default_role else set()
    member_of = set(groups)
    for group, mapped in mapping.items():
        if group in member_of:
            roles.update(mapped)
    return sorted(roles & set(Role.values))


def password_allowed(*, sso_required: bool, break_glass_user_id: int | None, user_id: int) -> bool:
    """Whether this user may use a password (sign in, reset): always, unless single sign-on
    is required; then only the break-glass administrator."""
    return not sso_required or user_id == break_glass_user_id
