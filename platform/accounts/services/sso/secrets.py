"""Encryption of single sign-on secrets at rest (an organisation's OIDC client secret).

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) under `MultiFernet`, with the keys
of `settings.SSO_ENCRYPTION_KEYS`: the first key encrypts, every key decrypts, so keys can be
rotated by putting a new one in front. A database copy without the keys holds no usable secret.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from goldenthread.platform.core.errors import DomainError


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.SSO_ENCRYPTION_KEYS])


def secret_encrypt(plain: str) -> str:
    """The secret as an encrypted token (text, safe to store)."""
    return _fernet().encrypt(plain.encode()).decode()


def secret_decrypt(token: str) -> str:
    """The secret back, for the one moment it is needed (calling the provider). A token no
    current key opens means the keys changed without the old one kept: say what to do."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise DomainError(
            "The single sign-on client secret cannot be read with the current encryption keys. "
            "An administrator must enter it again on the single sign-on page.",
            code="sso_secret_unreadable",
        ) from None
