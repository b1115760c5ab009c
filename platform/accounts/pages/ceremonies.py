"""The server's half of a WebAuthn ceremony, kept in the session between the request that
issues the options and the one that brings the browser's answer.

One ceremony at a time per session, for one purpose (adding a key, signing in, confirming
a change) and one user; it expires after `domain.webauthn.CHALLENGE_SECONDS` and is taken
out of the session by the first answer, right or wrong, so a challenge is never accepted
twice. The RP ID and origin are those of the host the request came to: the organisation's,
or the public host for helpdesk staff.
"""

from __future__ import annotations

import time

from django.http import HttpRequest
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url

from ..domain import webauthn as rules
from ..services.webauthn import Ceremony, KeyAssertion

SESSION_KEY = "webauthn_ceremony"
REGISTER = "register"
SIGN_IN = "sign_in"
CONFIRM = "confirm"
PASSKEY = "passkey"  # sign-in with a passkey alone: nobody is known yet (user_id None)


def rp_id(request: HttpRequest) -> str:
    return rules.rp_id_of(request.get_host())


def origin(request: HttpRequest) -> str:
    return rules.origin_of(scheme=request.scheme, host=request.get_host())


def ceremony_start(
    request: HttpRequest, *, purpose: str, user_id: int | None, challenge: bytes
) -> None:
    request.session[SESSION_KEY] = {
        "purpose": purpose,
        "user_id": user_id,
        "challenge": bytes_to_base64url(challenge),
        "until": time.time() + rules.CHALLENGE_SECONDS,
    }


def ceremony_take(request: HttpRequest, *, purpose: str, user_id: int | None) -> Ceremony | None:
    """The ceremony issued here for this purpose and user, removed from the session; None
    when there is none, it has expired, or it was issued for something else."""
    state = request.session.pop(SESSION_KEY, None) or {}
    if (
        state.get("purpose") != purpose
        or state.get("user_id") != user_id
        or state.get("until", 0) < time.time()
    ):
        return None
    return Ceremony(
        challenge=base64url_to_bytes(state["challenge"]),
        rp_id=rp_id(request),
        origin=origin(request),
    )


def assertion_from(
    request: HttpRequest, *, credential: str, purpose: str, user_id: int | None
) -> KeyAssertion | None:
    """The posted key answer with its ceremony, or None when no live ceremony awaits it."""
    ceremony = ceremony_take(request, purpose=purpose, user_id=user_id)
    if ceremony is None:
        return None
    return KeyAssertion(credential=credential, ceremony=ceremony)


EXPIRED_MESSAGE = (
    "The security key step took too long or was already used. Try again: press the button "
    "and use your key."
)
