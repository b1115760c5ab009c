"""Reads about single sign-on in the current organisation's schema: its configuration, what
the sign-in page offers, whether a user may use a password, and each user's SSO state."""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats, timezone

from ..domain import sso as rules
from ..domain.choices import SsoProtocol
from ..models import SsoConfiguration, User

NOT_SET_UP = "not set up"
ENTRA_HOST = "login.microsoftonline.com"


def sso_configuration_get() -> SsoConfiguration:
    """The organisation's configuration (unsaved defaults, protocol off, until first saved)."""
    return SsoConfiguration.load()


def sso_is_ready(config: SsoConfiguration) -> bool:
    """On, with what its protocol needs to start a sign-in."""
    if config.protocol == SsoProtocol.OIDC:
        return bool(
            config.oidc_discovery_url and config.oidc_client_id and config.has_client_secret
        )
    if config.protocol == SsoProtocol.SAML:
        return bool(config.saml_metadata_url or config.saml_metadata_xml)
    return False


def sso_button_label(config: SsoConfiguration) -> str:
    if config.button_label:
        return config.button_label
    if ENTRA_HOST in config.oidc_discovery_url:
        return "Microsoft Entra ID"
    return "your organisation's account"


def sso_sign_in_offer(*, organisation) -> dict | None:
    """What the sign-in page shows: the button (label and where it goes) and whether
    passwords are off for everyone but the break-glass administrator. None: no SSO here
    (the public host, or not set up)."""
    if organisation is None:
        return None
    config = sso_configuration_get()
    if not sso_is_ready(config):
        return None
    return {
        "label": sso_button_label(config),
        "start_url": reverse("accounts:sso-start"),
        "required": config.sso_required,
    }


def password_allowed(*, user: User | None) -> bool:
    """May this user sign in or reset with a password here? Yes, unless the organisation
    requires single sign-on (and it is ready); then only its break-glass administrator."""
    if user is None or getattr(user, "is_staff", False):
        return True
    config = sso_configuration_get()
    if not sso_is_ready(config):
        return True
    return rules.password_allowed(
        sso_required=config.sso_required,
        break_glass_user_id=config.break_glass_user_id,
        user_id=user.pk,
    )


def sso_state(*, user: User, configured: bool) -> str:
    """The user list's single sign-on column in words. Reads `user.sso_link` (select it
    with the users: `selectors.users.user_list` does)."""
    link = getattr(user, "sso_link", None) if hasattr(user, "sso_link") else None
    if link is not None:
        when = formats.date_format(timezone.localtime(link.last_signed_in_at), "j M Y, H:i")
        return f"signed in by SSO, last {when}"
    if not configured:
        return NOT_SET_UP
    return "not yet signed in by SSO"


def sso_link_output(*, user: User) -> dict | None:
    link = getattr(user, "sso_link", None) if hasattr(user, "sso_link") else None
    if link is None:
        return None
    return {
        "protocol": link.protocol,
        "issuer": link.issuer,
        "subject": link.subject,
        "first_signed_in_at": link.first_signed_in_at,
        "last_signed_in_at": link.last_signed_in_at,
    }
