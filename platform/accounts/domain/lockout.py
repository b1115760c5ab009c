"""How long a sign-in (or MFA, or password-reset) door stays shut after repeated failures.

Pure rules, no clock or cache: `services.lockout` keeps the counts and asks these.

- Failures are counted per *account* (the e-mail address typed, whether or not it exists, so
  the answer never tells whether an account exists) and per *address* (the client's IP), each
  within a window that starts at the first failure.
- Reaching an account's or an address's limit locks that account or address for
  `lock_seconds`; each further lock within `escalation_seconds` of the previous one doubles
  the time, up to `max_lock_seconds` (a growing delay that cannot be waited out by a bot
  trying once per lock). A lock resets the count, so the next lock needs as many failures.
- While locked, the attempt is refused before the password is checked: the right password
  does not sign in until the lock ends.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FailureLimit:
    """How many failures within `window_seconds` lock a door, and for how long."""

    failures: int
    window_seconds: int
    lock_seconds: int
    max_lock_seconds: int
    escalation_seconds: int = 24 * 3600

    @classmethod
    def from_setting(cls, value: dict) -> FailureLimit:
        return cls(**value)


def lock_seconds(*, limit: FailureLimit, previous_locks: int) -> int:
    """The length of the next lock, given how many locks this door had recently."""
    doubling = min(previous_locks, 16)  # 2**16 times any sane base is past every cap
    return min(limit.lock_seconds * 2**doubling, limit.max_lock_seconds)


def minutes_to_wait(seconds: float) -> int:
    """What a person is told: whole minutes, never 'try again in 0 minutes'."""
    return max(1, -(-int(seconds) // 60))
