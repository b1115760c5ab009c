"""Reads of the organisation's security settings and of their history (administrators only)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ..domain.choices import OrganisationSetting
from ..models import OrganisationSettingChange, SessionSettings, User
from ..permissions import require_administer_users


def security_settings_read(*, reader: User, organisation) -> dict[str, Any]:
    require_administer_users(reader)
    return {
        "idle_timeout_minutes": SessionSettings.load().idle_timeout_minutes,
        "mfa_required_for_everyone": organisation.mfa_required_for_everyone,
    }


def setting_change_list(*, reader: User) -> QuerySet[OrganisationSettingChange]:
    """Every recorded change, newest first."""
    require_administer_users(reader)
    return OrganisationSettingChange.objects.order_by("-at", "-id")


def _words(setting: str, value: Any) -> str:
    if value is None:
        return "not set"
    if setting == OrganisationSetting.MFA_FOR_EVERYONE:
        return "required of everyone" if value else "required of administrators only"
    if setting == OrganisationSetting.IDLE_TIMEOUT:
        return f"{value} minutes"
    return str(value)


def setting_change_words(change: OrganisationSettingChange) -> dict[str, str]:
    """A change as people read it: which setting, from what, to what."""
    labels = dict(OrganisationSetting.choices)
    old = (change.old or {}).get("value")
    new = (change.new or {}).get("value")
    return {
        "setting": labels.get(change.setting, change.setting),
        "old": _words(change.setting, old),
        "new": _words(change.setting, new),
    }
