"""The organisation's security settings — the idle timeout (`SessionSettings`, in its schema)
and MFA for everyone (on its public `Organisation` row) — changed by its administrators from
the Security settings page or REST. Each change is recorded, old → new, by whom and when, in
`OrganisationSettingChange` in the organisation's schema, in the transaction that makes it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ..models import OrganisationSettingChange, User
from ..permissions import require_administer_users


def setting_change_record(
    *, actor: User, setting: str, old: Any, new: Any
) -> OrganisationSettingChange:
    return OrganisationSettingChange.objects.create(
        actor=actor,
        actor_email=actor.email,
        setting=setting,
        old={"value": old},
        new={"value": new},
    )


@transaction.atomic
def security_settings_update(
    *,
    actor: User,
    organisation,
    idle_timeout_minutes: int | None = None,
    mfa_required_for_everyone: bool | None = None,
) -> None:
    """Change either setting or both, all or nothing (a refused idle timeout leaves the MFA
    policy as it was). A setting given unchanged is not recorded."""
    from .mfa import mfa_policy_set
    from .session_lifetime import session_settings_update

    require_administer_users(actor)
    if idle_timeout_minutes is not None:
        session_settings_update(actor=actor, idle_timeout_minutes=idle_timeout_minutes)
    if mfa_required_for_everyone is not None:
        mfa_policy_set(
            actor=actor,
            organisation=organisation,
            required_for_everyone=mfa_required_for_everyone,
        )
