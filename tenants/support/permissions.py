"""Who may do what with support access, announcements and requests."""

from __future__ import annotations

from goldenthread.platform.accounts.models import Role


def can_manage_support_access(user) -> bool:
    """An active administrator of the organisation (not a helpdesk visitor working as one)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_role(Role.ORGANISATION_ADMIN)
        and not is_support_account(user)
    )


def can_raise_requests(user) -> bool:
    """Anyone signed in to the organisation, except a helpdesk visitor."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and not is_support_account(user)
    )


def is_support_account(user) -> bool:
    from .domain.choices import SUPPORT_EMAIL_DOMAIN

    email = getattr(user, "email", "") or ""
    return email.endswith("@" + SUPPORT_EMAIL_DOMAIN)


def is_helpdesk_staff(user) -> bool:
    """An active staff user of the public schema (the caller checks the host)."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)
