"""Signing in and out in Chromium with the keyboard only, on organisation hosts."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def active(page: Page, expression: str = "el => el && (el.id || el.textContent.trim())"):
    return page.evaluate(f"({expression})(document.activeElement)")


def tab_until(page: Page, text: str, *, key: str = "Tab", limit: int = 30) -> None:
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("document.activeElement.textContent.trim()") == text:
            return
    pytest.fail(f"{text!r} was not reachable with {key}")


def sign_in_with_keyboard(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    # The e-mail field has focus when the page opens (Chromium applies `autofocus` at its next
    # rendering step, which on a busy machine can come after the load event `goto` waits for)
    expect(page.locator("#id_username")).to_be_focused()
    assert active(page) == "id_username"
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    assert active(page) == "id_password"
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_keyboard_sign_in_skip_link_and_sign_out(
    page, live_url, session_organisations, committed_user
):
    alpha = session_organisations["alpha"]
    member = committed_user("alpha")
    base = live_url(alpha)

    # Sign in with the keyboard: lands on the organisation's home page, "my items"
    sign_in_with_keyboard(page, base, member.email, member.password)
    assert page.url == f"{base}/"
    assert page.locator("h1").inner_text() == "My items"
    assert "Alpha District Council" in page.get_by_role("banner").inner_text()
    assert page.title() == "My items – Alpha District Council – Golden Thread"

    # The first Tab reveals the skip link; Enter moves focus to main
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert active(page) == "Skip to main content"
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["width"] > 0, "visible when focused"
    page.keyboard.press("Enter")
    assert active(page) == "main-content"
    # ...and the next Tab continues inside main, not back at the header
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")

    # Back up to the sign-out button: its focus is visible
    tab_until(page, "Sign out", key="Shift+Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    ring = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert outline == "solid" and ring != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/accounts/sign-in/")

    # Signed out: the home page asks for sign-in again
    page.goto(f"{base}/")
    assert page.url.startswith(f"{base}/accounts/sign-in/")


def test_a_wrong_password_shows_the_focused_error_summary(
    page, live_url, session_organisations, committed_user
):
    member = committed_user("alpha")
    base = live_url(session_organisations["alpha"])

    sign_in_with_keyboard(page, base, member.email, "not-the-password")

    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert "e-mail address or password is not right" in summary.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.title().startswith("Error: Sign in")
    assert page.url == f"{base}/accounts/sign-in/"


def test_a_user_of_one_organisation_cannot_sign_in_on_anothers_host(
    page, live_url, session_organisations, committed_user
):
    member = committed_user("alpha")
    beta = live_url(session_organisations["beta"])

    sign_in_with_keyboard(page, beta, member.email, member.password)

    assert page.locator("[data-error-summary]").is_visible()
    page.goto(f"{beta}/")
    assert page.url.startswith(f"{beta}/accounts/sign-in/")
    assert page.locator("nav[aria-label='Main']").count() == 0


def test_an_unknown_host_shows_the_not_found_page(page, live_server_port):
    response = page.goto(f"http://nowhere.localhost:{live_server_port}/")

    assert response.status == 404
    assert page.locator("h1").inner_text() == "Organisation not found"
    assert "nowhere.localhost" in page.locator("main").inner_text()


def test_the_stylesheet_is_served_and_applied(page, live_url, session_organisations):
    base = live_url(session_organisations["alpha"])

    with page.expect_response(lambda r: r.url.endswith("/site.css")) as css:
        page.goto(f"{base}/accounts/sign-in/")

    assert css.value.status == 200
    assert css.value.headers["content-type"].startswith("text/css")
    header = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert header == "rgb(91, 58, 0)"
