"""Who may do what with indicators. Every interface asks these functions; services enforce them.

Roles (`accounts.Role`): performance officers and organisation administrators manage PIs,
targets and settings and may reopen approved values; data providers enter and submit values for
the PIs that name them as providers; verifiers approve or send back submitted values; managers,
councillors and auditors read. Every active user of the organisation may read its PIs.

Who may approve or send back a submitted value is decided by `verification_decision` alone
(the workflow services, the approvals queue, the REST transitions all ask it):
- a PI that names a verifier: that person, while they hold the verifier role; and, as cover
  for their absence, performance officers and organisation administrators (the performance
  team, who name verifiers and may change them). Any other verifier is refused.
- a PI that names none: any verifier approves; any verifier or the performance team sends
  back (as before verifiers could be named).
- nobody approves a value they entered or submitted, whoever they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import connection

from goldenthread.platform.accounts.models import Role, User
from goldenthread.platform.core.errors import PermissionDenied

MANAGER_ROLES = (Role.ORGANISATION_ADMIN, Role.PERFORMANCE_OFFICER)
# Who may stand in for a PI's named verifier.
COVER_ROLES = MANAGER_ROLES


def can_read(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_manage_indicators(user: User) -> bool:
    return can_read(user) and user.has_role(*MANAGER_ROLES)


def is_data_provider_for(user: User, indicator) -> bool:
    """True when `user` is one of the PI's data providers (uses a prefetch when present)."""
    cache = getattr(indicator, "_prefetched_objects_cache", {})
    if "data_providers" in cache:
        return any(provider.pk == user.pk for provider in cache["data_providers"])
    return indicator.data_providers.filter(pk=user.pk).exists()


def can_enter_values(user: User, indicator) -> bool:
    if not can_read(user):
        return False
    if user.has_role(*MANAGER_ROLES):
        return True
    return user.has_role(Role.DATA_PROVIDER) and is_data_provider_for(user, indicator)


def can_enter_any_values(user: User) -> bool:
    """True when some PI could take a value from `user`: the performance team, or a data
    provider (whose own PIs are checked item by item)."""
    return can_read(user) and user.has_role(*MANAGER_ROLES, Role.DATA_PROVIDER)


def can_comment(user: User, indicator) -> bool:
    return can_enter_values(user, indicator) or (
        can_read(user) and indicator.owner_id is not None and indicator.owner_id == user.pk
    )


def can_verify(user: User) -> bool:
    return can_read(user) and user.has_role(Role.VERIFIER)


def require_manage(user: User) -> None:
    if not can_manage_indicators(user):
        raise PermissionDenied(
            "Only performance officers and organisation administrators may do this."
        )


def require_enter_any(user: User) -> None:
    if not can_enter_any_values(user):
        raise PermissionDenied(
            "Only data providers, performance officers and organisation administrators enter "
            "values."
        )


def require_enter(user: User, indicator) -> None:
    if not can_enter_values(user, indicator):
        raise PermissionDenied(
            f"You are not a data provider for {indicator.code}, so you cannot enter or submit "
            "its values."
        )


class Verification(StrEnum):
    APPROVE = "approve"
    SEND_BACK = "send back"


@dataclass(frozen=True)
class VerificationDecision:
    """Whether a user may approve or send back one value; `message` and `code` say why not.
    `cover_for` names the PI's verifier when the user may act only as cover for them."""

    allowed: bool
    message: str = ""
    code: str = ""
    cover_for: str = ""


def _person(user: User | None) -> str:
    if user is None:
        return "someone"
    return user.full_name or user.email


def _light_partner_here() -> bool:
    """A light partner organisation (a parish council brought in by a partnership, often one
    clerk) approves its own figures: there is nobody else to. Read from the request's
    organisation (django-tenants' `connection.tenant`), never from the user."""
    return bool(getattr(connection.tenant, "is_light_partner", False))


def verification_decision(user: User, value, action: Verification) -> VerificationDecision:
    """May `user` approve or send back `value` (a submitted `IndicatorValue`)? THE rule; see
    the module docstring. Reads `value.indicator.verifier` (select it with the value to avoid
    a query per value)."""
    if not can_read(user):
        return VerificationDecision(False, "Sign in to approve or send back values.", "signed_out")
    indicator = value.indicator
    doing = "approve" if action is Verification.APPROVE else "send back"
    is_verifier = user.has_role(Role.VERIFIER)
    is_cover = user.has_role(*COVER_ROLES)
    cover_for = ""
    if indicator.verifier_id is not None:
        if user.pk == indicator.verifier_id:
            if not (is_verifier or is_cover):
                return VerificationDecision(
                    False,
                    f"You are named as the verifier of {indicator.code} but do not hold the "
                    f"verifier role, so you cannot {doing} its values; ask an administrator to "
                    "give you the role.",
                    "not_verifier",
                )
        elif is_cover:
            cover_for = _person(indicator.verifier)
        else:
            return VerificationDecision(
                False,
                f"{indicator.code} names {_person(indicator.verifier)} as its verifier: only "
                "they, or a performance officer or organisation administrator covering for "
                f"them, may {doing} its values.",
                "named_verifier",
            )
    elif action is Verification.APPROVE and not is_verifier:
        return VerificationDecision(False, "Only a verifier may approve values.", "not_verifier")
    elif action is Verification.SEND_BACK and not (is_verifier or is_cover):
        return VerificationDecision(
            False, "Only a verifier or a performance officer may send values back.", "not_verifier"
        )
    if (
        action is Verification.APPROVE
        and user.pk in (value.entered_by_id, value.submitted_by_id)
        and not _light_partner_here()
    ):
        return VerificationDecision(
            False,
            "You entered or submitted this value, so someone else must approve it.",
            "self_approval",
            cover_for,
        )
    return VerificationDecision(True, cover_for=cover_for)


def require_verification(user: User, value, action: Verification) -> VerificationDecision:
    """The decision, or PermissionDenied with its message and code."""
    decision = verification_decision(user, value, action)
    if not decision.allowed:
        raise PermissionDenied(decision.message, code=decision.code)
    return decision


def may_see_approvals(user: User) -> bool:
    """The approvals queue and its forms: verifiers and the performance team; which values
    each may act on is `verification_decision`'s to say."""
    return can_read(user) and user.has_role(Role.VERIFIER, *COVER_ROLES)
