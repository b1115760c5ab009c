"""Security keys in Chromium with a virtual authenticator (Chrome DevTools Protocol's
WebAuthn domain): an administrator held on enrolment adds a passkey through the page's
script, then signs in with it as the second step, and then with the passkey alone, on an
organisation's host (`*.localhost` is a secure context, so WebAuthn works without TLS)."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import Page

from tests.browser.test_mfa import password_step, sign_out

pytestmark = pytest.mark.browser


def virtual_authenticator(page: Page) -> tuple[object, str]:
    """A platform authenticator (like a laptop's fingerprint reader) that verifies the user
    and answers at once."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def test_add_a_passkey_then_sign_in_with_it(
    page, live_url, session_organisations, committed_user, django_db_blocker
):
    admin = committed_user("alpha", roles=("org_admin",))
    base = live_url(session_organisations["alpha"])
    cdp, authenticator_id = virtual_authenticator(page)

    # Held on enrolment after the password, the administrator chooses a key instead of an app.
    password_step(page, base, admin.email, admin.password)
    assert page.url == f"{base}/accounts/me/mfa/set-up/"
    with page.expect_navigation():
        page.click("text=with a security key or passkey")
    assert page.url == f"{base}/accounts/me/mfa/keys/add/"
    assert page.locator("[data-webauthn-unsupported]").is_hidden()  # this browser can
    page.fill("input[name=name]", "Laptop passkey")
    with page.expect_navigation():
        page.click("button:has-text('Add key')")
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert len(credentials["credentials"]) == 1
    assert credentials["credentials"][0]["rpId"] == "alpha.localhost"
    page.goto(f"{base}/users/")
    assert page.locator("h1").inner_text() == "Users"
    page.goto(f"{base}/accounts/me/mfa/")
    assert "Laptop passkey" in page.locator("main").inner_text()
    sign_out(page)

    # Password, then the key.
    password_step(page, base, admin.email, admin.password)
    assert page.url == f"{base}/accounts/sign-in/code/"
    with page.expect_navigation():
        page.click("button:has-text('Use your security key')")
    assert page.url == f"{base}/"
    page.goto(f"{base}/users/")
    assert page.locator("h1").inner_text() == "Users"
    sign_out(page)

    # A passkey alone: no e-mail address, no password.
    page.goto(f"{base}/accounts/sign-in/?next=/users/")
    with page.expect_navigation():
        page.click("button:has-text('Use a passkey')")
    assert page.url == f"{base}/users/"
    assert page.locator("h1").inner_text() == "Users"

    from goldenthread.platform.accounts.models import SecurityKey

    with django_db_blocker.unblock(), schema_context(session_organisations["alpha"].schema_name):
        key = SecurityKey.objects.get(user__email=admin.email)
    assert key.name == "Laptop passkey" and key.last_used_at is not None
    assert key.sign_count >= 2  # Chromium's virtual authenticator counts each use


def test_a_browser_without_webauthn_is_told(page, live_url, session_organisations, committed_user):
    """With WebAuthn taken away (as in an old browser), the page says so and offers the app."""
    page.add_init_script("delete window.PublicKeyCredential;")
    person = committed_user("alpha")
    base = live_url(session_organisations["alpha"])
    password_step(page, base, person.email, person.password)
    page.goto(f"{base}/accounts/me/mfa/keys/add/")
    note = page.locator("[data-webauthn-unsupported]")
    assert note.is_visible() and "cannot use security keys" in note.inner_text()
    assert page.locator("button:has-text('Add key')").is_hidden()
