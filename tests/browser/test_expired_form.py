"""In Chromium: a form whose session expired (its CSRF cookie is gone) lands on our page, under
the real Content-Security-Policy, showing what was typed (never the password) with the way
back to the form."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.test_content_security_policy import Watch

pytestmark = pytest.mark.browser


def test_an_expired_sign_in_form_keeps_the_address_typed_and_obeys_the_policy(
    page, live_url, session_organisations
):
    base = live_url(session_organisations["alpha"])
    watch = Watch(page, urlsplit(base).hostname)
    page.goto(f"{base}/accounts/sign-in/")
    page.fill("#id_username", "pat@example.org")
    page.fill("#id_password", "Sekrit-Pass-99")

    # The session expires while the form is open: the browser no longer has the cookie
    page.context.clear_cookies()
    with page.expect_navigation() as navigation:
        page.click("button[type=submit]")

    assert navigation.value.status == 403
    assert page.title().startswith("Your form was not sent")
    assert page.locator("h1").inner_text() == "Your form was not sent"
    kept = page.locator(".kept-values").inner_text()
    assert "pat@example.org" in kept and "Sekrit-Pass-99" not in page.content()
    back = page.get_by_role("link", name="Go back to the page and try again")
    assert back.get_attribute("href") == f"{base}/accounts/sign-in/"
    assert page.evaluate("window.__cspViolations") == []
    assert watch.console == [] and watch.foreign == []
