"""Labels for members of an anonymised club: "Authority A", "Authority B", …

Security-relevant. A label must say nothing about which organisation it stands for, so the
letters are NOT given in the order of organisation ids, names, slugs or joining dates, all of
which another member could guess or know. Each member's position is the HMAC-SHA256 of its
organisation id under the club's secret salt (random, generated when the club is created and
never shown) and the comparison's scope (the indicator code). Sorting by that digest gives an
order that is stable for the same club and indicator, so "Authority C" is the same authority
in every period and chart of a comparison, but is unrelated to any public attribute and
differs between indicators, so labels cannot be joined across indicators to build a profile of
one authority.

Letters are given over all current members of the club, whether or not they have data, so a
member's label does not change as others publish or withdraw. The reader never sees its own
letter: its own row carries its own name.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from string import ascii_uppercase


def letters(position: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, 27 -> AB, … (spreadsheet column letters)."""
    if position < 0:
        raise ValueError("a position is not negative")
    text = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        text = ascii_uppercase[remainder] + text
    return text


def _digest(salt: str, scope: str, member_id: int) -> bytes:
    message = digest_prefix(scope) + str(member_id).encode()
    return hmac.new(salt.encode(), message, hashlib.sha256).digest()


BLOCK_SIZE = 64  # SHA-256's block size in bytes


def hmac_pads(salt: str) -> tuple[bytes, bytes]:
    """The inner and outer padded keys of HMAC-SHA256 under `salt` (RFC 2104), so a database
    can compute `_digest` with a plain SHA-256: sha256(outer || sha256(inner || message)).

    Security-relevant: the pads are as secret as the salt; they are only ever sent to the
    database as query parameters, never shown.
    """
    if not salt:
        raise ValueError("an anonymised club needs its secret salt")
    key = salt.encode()
    if len(key) > BLOCK_SIZE:
        key = hashlib.sha256(key).digest()
    key = key.ljust(BLOCK_SIZE, b"\x00")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def digest_prefix(scope: str) -> bytes:
    """What precedes the member id in the message `_digest` signs."""
    return f"{scope}\x1f".encode()


def anonymous_labels(*, salt: str, scope: str, member_ids: Iterable[int]) -> dict[int, str]:
    """Member id -> "Authority X", ordered by the keyed digest (see the module docstring)."""
    if not salt:
        raise ValueError("an anonymised club needs its secret salt")
    ordered = sorted(set(member_ids), key=lambda member_id: _digest(salt, scope, member_id))
    return {member_id: f"Authority {letters(i)}" for i, member_id in enumerate(ordered)}
