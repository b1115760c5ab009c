"""What makes a password too easy to guess (NCSC guidance), as pure functions.

NCSC: length over composition (no rules about symbols or capitals, no forced expiry), and
refuse what attackers try first: passwords on breached and common lists and ones made of the
person's or their organisation's details. Attackers try the list's entries with the usual
decorations too, so a password is refused when any of its *variants* is listed: lower case,
with digits and symbols stripped from the ends, with separators removed, with common
letter-for-symbol swaps undone (p@ssw0rd), and a repeated unit reduced to one copy
(passwordpassword). Personal and organisation details are taken out of the password; what
remains must still be long enough and not common.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SWAPS = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
)
_SEPARATORS = re.compile(r"[\s\-_.,;:+/\\|]+")
_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_WORD = re.compile(r"[^\W_]+")


def _unit(text: str) -> str:
    """'abcabcabc' -> 'abc'; text that is no repetition stays as it is."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text[:size]
    return text


def variants(password: str) -> set[str]:
    """The forms an attacker's list would hold this password in."""
    transforms = (
        lambda text: _SEPARATORS.sub("", text),
        lambda text: _EDGES.sub("", text),
        lambda text: text.translate(_SWAPS),
        _unit,
    )
    found = {password.strip().lower()}
    for _ in range(2):  # each decoration may hide another (p@ss-w0rd2024!)
        for transform in transforms:
            found |= {transform(text) for text in found}
    found.discard("")
    return found


def is_common(password: str, *, common: frozenset[str] | set[str]) -> bool:
    """Listed in any variant, or one character repeated, or a run of consecutive digits."""
    compact = _SEPARATORS.sub("", password.lower())
    if len(set(compact)) <= 2:
        return True
    if compact.isdigit() and compact in ("0123456789" * 3 + "9876543210" * 3):
        return True
    return any(form in common for form in variants(password))


def tokens_of(*texts: str, shortest: int = 3) -> list[str]:
    """The words of names and addresses (and each text run together), longest first."""
    found: set[str] = set()
    for text in texts:
        words = [word.lower() for word in _WORD.findall(text or "")]
        found.update(word for word in words if len(word) >= shortest)
        joined = "".join(words)
        if len(joined) >= shortest:
            found.add(joined)
    return sorted(found, key=lambda token: (-len(token), token))


def without_tokens(password: str, tokens: Iterable[str]) -> str:
    """The password, lower case and compact, with every token (and its swapped form) taken
    out: what is left once someone who knows these details has guessed them."""
    remaining = _SEPARATORS.sub("", password.lower())
    swapped = remaining.translate(_SWAPS)
    for token in tokens:
        if token in remaining:
            remaining = remaining.replace(token, "")
            swapped = remaining.translate(_SWAPS)
        elif token in swapped:
            # Remove the same positions from the typed form.
            start = swapped.index(token)
            remaining = remaining[:start] + remaining[start + len(token) :]
            swapped = remaining.translate(_SWAPS)
    return remaining


def made_of(
    password: str, *, tokens: Iterable[str], common: frozenset[str] | set[str], least: int
) -> bool:
    """True when the password is mostly these details: with them taken out, fewer than
    `least` characters remain, or what remains is common. False if no token occurs in it."""
    tokens = list(tokens)
    remaining = without_tokens(password, tokens)
    if remaining == _SEPARATORS.sub("", password.lower()):
        return False
    return len(remaining) < least or is_common(remaining, common=common) or not remaining
