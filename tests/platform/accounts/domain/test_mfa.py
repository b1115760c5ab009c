"""The TOTP window and replay rule, and recovery code handling (pure, no database)."""

from __future__ import annotations

import pyotp

from goldenthread.platform.accounts.domain import mfa

NOW = 1_800_000_000.0  # a fixed moment: the rules take the clock as an argument


def test_a_code_matches_its_step_and_one_either_side_only():
    secret = mfa.new_secret()
    totp, step = pyotp.TOTP(secret), mfa.step_at(NOW)
    for offset in (-1, 0, 1):
        code = totp.at(NOW + offset * 30)
        assert mfa.matching_step(secret=secret, code=code, now=NOW, after_step=0) == step + offset
    for offset in (-3, -2, 2, 3):
        code = totp.at(NOW + offset * 30)
        assert mfa.matching_step(secret=secret, code=code, now=NOW, after_step=0) is None


def test_a_used_step_and_earlier_ones_are_refused():
    secret = mfa.new_secret()
    step = mfa.step_at(NOW)
    code = pyotp.TOTP(secret).at(NOW)
    assert mfa.matching_step(secret=secret, code=code, now=NOW, after_step=step) is None
    assert mfa.matching_step(secret=secret, code=code, now=NOW, after_step=step - 1) == step


def test_malformed_codes_never_match():
    secret = mfa.new_secret()
    for code in ("", "12345", "1234567", "abcdef", "12 34 5x"):
        assert mfa.matching_step(secret=secret, code=code, now=NOW, after_step=0) is None
    spaced = pyotp.TOTP(secret).at(NOW)
    assert mfa.matching_step(
        secret=secret, code=f"{spaced[:3]} {spaced[3:]}", now=NOW, after_step=0
    ) == mfa.step_at(NOW)


def test_recovery_codes_are_ten_distinct_and_read_loosely():
    codes = mfa.new_recovery_codes()
    assert len(set(codes)) == 10
    assert all(len(code) == 11 and code[5] == "-" for code in codes)
    assert mfa.normalise_recovery_code(" ABCDE-fghjk ") == "abcdefghjk"
    assert not any(mfa.looks_like_totp(code) for code in codes)
