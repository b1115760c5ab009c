"""Rules of multi-factor authentication, without storage or clock of their own.

- TOTP (RFC 6238, 30-second steps, 6 digits, SHA-1: what every authenticator app does). A
  code is accepted for the current step or one either side (clocks drift), and only for a
  step later than the last accepted one, so the same code never works twice.
- Recovery codes: ten random codes of ten base-32 letters, shown as `abcde-fghij`; typed with
  or without the dash, in any case.
- Who must use MFA: helpdesk staff (public schema), organisation administrators, and
  everyone in an organisation that requires it.
"""

from __future__ import annotations

import hmac
import secrets

import pyotp

STEP_SECONDS = 30
WINDOW_STEPS = 1
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def new_secret() -> str:
    return pyotp.random_base32(length=32)  # 160 bits, as RFC 4226 recommends


def provisioning_uri(*, secret: str, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def step_at(timestamp: float) -> int:
    return int(timestamp // STEP_SECONDS)


def matching_step(*, secret: str, code: str, now: float, after_step: int) -> int | None:
    """The step whose code `code` is, within the window around `now` and later than
    `after_step`; None when it is none of them (wrong, too old, or already used)."""
    code = "".join(code.split())
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = step_at(now)
    found = None
    for step in range(current - WINDOW_STEPS, current + WINDOW_STEPS + 1):
        # Every candidate is compared (constant time), whichever matches.
        if hmac.compare_digest(totp.generate_otp(step), code) and step > after_step:
            found = step
    return found


def new_recovery_codes() -> list[str]:
    def one() -> str:
        letters = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        return f"{letters[:5]}-{letters[5:]}"

    return [one() for _ in range(RECOVERY_CODE_COUNT)]


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def looks_like_totp(code: str) -> bool:
    code = "".join(code.split())
    return len(code) == 6 and code.isdigit()
