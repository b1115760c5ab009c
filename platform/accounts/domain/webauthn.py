"""Rules of security keys and passkeys (WebAuthn), without storage or clock of their own.

- The relying party is the host being used: the RP ID is its name (an organisation's host,
  or the public host for helpdesk staff) and the origin is scheme, host and port. A key made
  on one organisation's host is therefore unusable on any other.
- A signature counter that does not go up suggests a copied authenticator (WebAuthn §6.1.1).
  Authenticators that keep no counter (most synced passkeys) always send 0; that is allowed.
- A key has a name its owner chose, unique among their keys.
- The MFA column of the user list names the factors a person has, in words.
"""

from __future__ import annotations

from urllib.parse import urlsplit

NAME_MAX_LENGTH = 60
CHALLENGE_SECONDS = 5 * 60


def rp_id_of(host: str) -> str:
    """The RP ID for a request's host (`alpha.localhost:8000` -> `alpha.localhost`)."""
    return (urlsplit(f"//{host}").hostname or "").lower()


def origin_of(*, scheme: str, host: str) -> str:
    return f"{scheme}://{host.lower()}"


def counter_regressed(*, stored: int, received: int) -> bool:
    """True when the authenticator's counter did not move on from the one last seen, though
    one of the two is non-zero: the key may have been copied, and the assertion is refused."""
    return (stored > 0 or received > 0) and received <= stored


def clean_name(name: str) -> str:
    return " ".join((name or "").split())


def name_problem(name: str) -> str | None:
    if not name:
        return "Enter a name for the key, for example YubiKey or Laptop passkey."
    if len(name) > NAME_MAX_LENGTH:
        return f"The name must be at most {NAME_MAX_LENGTH} characters."
    return None


def factors_in_words(*, app: bool, keys: int) -> str:
    """`authenticator app, 2 security keys`; `not set up` when there is none."""
    parts = []
    if app:
        parts.append("authenticator app")
    if keys:
        parts.append(f"{keys} security key{'s' if keys != 1 else ''}")
    return ", ".join(parts) or "not set up"
