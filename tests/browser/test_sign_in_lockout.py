"""After repeated wrong passwords, the person sees why they cannot sign in, and for how long."""

from __future__ import annotations

import copy

import pytest
from django.conf import settings as django_settings

from .test_sign_in import sign_in_with_keyboard

pytestmark = pytest.mark.browser


def test_a_locked_account_is_told_how_long_to_wait_even_with_the_right_password(
    page, live_url, session_organisations, committed_user, settings
):
    settings.AUTHENTICATION_LIMITS = copy.deepcopy(django_settings.AUTHENTICATION_LIMITS)
    settings.AUTHENTICATION_LIMITS["sign_in"]["account"]["failures"] = 3
    member = committed_user("alpha")
    base = live_url(session_organisations["alpha"])
    for _ in range(3):
        sign_in_with_keyboard(page, base, member.email, "not-the-password")

    sign_in_with_keyboard(page, base, member.email, member.password)

    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    text = summary.inner_text()
    assert "too many sign-in attempts for this account" in text
    assert "Try again in 15 minutes" in text
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.url == f"{base}/accounts/sign-in/"
    page.goto(f"{base}/")
    assert page.url.startswith(f"{base}/accounts/sign-in/")  # not signed in
