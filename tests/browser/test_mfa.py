"""Multi-factor authentication in Chromium: an administrator made to enrol at sign-in, who
then signs in with a TOTP code and, another time, with a recovery code."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import Page

from tests.fixtures.mfa import next_code

pytestmark = pytest.mark.browser


def password_step(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def sign_out(page: Page) -> None:
    with page.expect_navigation():
        page.click("form.sign-out button")


def test_enrol_then_sign_in_with_a_code_and_with_a_recovery_code(
    page, live_url, session_organisations, committed_user
):
    admin = committed_user("alpha", roles=("org_admin",))
    base = live_url(session_organisations["alpha"])

    # The password alone lands on enrolment, and nothing else can be reached.
    password_step(page, base, admin.email, admin.password)
    assert page.url == f"{base}/accounts/me/mfa/set-up/"
    page.goto(f"{base}/users/")
    assert page.url == f"{base}/accounts/me/mfa/set-up/"
    qr = page.locator("img[alt='QR code for your authenticator app']")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the SVG loaded
    secret = page.get_by_test_id("mfa-secret").inner_text()
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click("main form.form button[type=submit]")
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.goto(f"{base}/users/")
    assert page.locator("h1").inner_text() == "Users"
    sign_out(page)

    # Password, then a code from the app.
    password_step(page, base, admin.email, admin.password)
    assert page.url == f"{base}/accounts/sign-in/code/"
    page.fill("input[name=code]", next_code(secret))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url == f"{base}/"
    sign_out(page)

    # Password, then a recovery code; it works once only.
    for attempt in range(2):
        password_step(page, base, admin.email, admin.password)
        page.fill("input[name=code]", codes[0])
        with page.expect_navigation():
            page.click("main button[type=submit]")
        if attempt == 0:
            assert page.url == f"{base}/"
            assert "You used a recovery code; 9 left" in page.content()
            sign_out(page)
        else:
            assert page.url == f"{base}/accounts/sign-in/code/"
            assert "not right" in page.locator("main").inner_text()
