"""The shared error summary takes focus when a page loads, with no script of the page's own:
on the account page, whose hand-written summary did not, and with two summaries on one page,
where the first keeps it. From the summary, the keyboard reaches each link and the link takes
the user to the field."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

pytestmark = pytest.mark.browser

ACTIVE = "document.activeElement"


def sign_in(page, base: str, person) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    page.fill("input[name=username]", person.email)
    page.fill("input[name=password]", person.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_a_refused_api_key_puts_focus_on_the_summary_and_its_link_leads_to_the_box(
    page, live_url, session_organisations, committed_user
):
    member = committed_user("alpha")
    base = live_url(session_organisations["alpha"])
    sign_in(page, base, member)
    page.goto(f"{base}/accounts/me/")

    # Given a key asked for without a name
    page.get_by_role("button", name="Issue a key").click()
    page.wait_for_load_state()

    # Then the summary has the focus, visibly, and names the problem
    assert page.title().startswith("Error: Your account")
    # (autofocus, or the deferred script after the skip link, moves it as the page settles)
    page.wait_for_function(f"{ACTIVE} && {ACTIVE}.hasAttribute('data-error-summary')")
    said = " ".join(page.evaluate(f"{ACTIVE}.innerText").split())
    assert "There is a problem" in said
    assert "What will use the key?: Enter what will use the key" in said
    assert page.evaluate(f"getComputedStyle({ACTIVE}).outlineStyle") == "solid"
    # ...and the box is described by the same message and marked invalid
    box = page.locator("#id_name")
    assert box.get_attribute("aria-invalid") == "true"
    described = box.get_attribute("aria-describedby").split()
    assert "Enter what will use the key" in page.locator(f"#{described[-1]}").inner_text()

    # When the user tabs to the summary's link and follows it, the box has the focus
    page.keyboard.press("Tab")
    assert page.evaluate(f"{ACTIVE}.getAttribute('href')") == "#id_name"
    page.keyboard.press("Enter")
    assert page.evaluate(f"{ACTIVE}.id") == "id_name"
    page.keyboard.type("Finance import")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_test_id("new-api-key").is_visible()


def test_with_two_summaries_on_a_page_the_first_keeps_the_focus(page):
    first = render_to_string(
        "includes/error_summary.html",
        {"errors": [("target-value", "Value", "Enter a number.")], "summary_id": "set-errors"},
    )
    second = render_to_string(
        "includes/error_summary.html",
        {"errors": [("", "", "Choose a year.")], "summary_id": "profile-errors"},
    )
    page.set_content(
        "<!doctype html><html lang='en-GB'><title>Two forms</title><main>"
        f"{first}<input id='target-value' aria-label='Value'>{second}"
        "<input aria-label='Year' autofocus></main></html>"
    )

    page.wait_for_function(f"{ACTIVE} !== document.body")
    assert page.evaluate(f"{ACTIVE}.getAttribute('aria-labelledby')") == "set-errors"


def test_after_the_skip_link_the_summary_still_takes_the_focus(
    page, live_url, session_organisations
):
    base = live_url(session_organisations["alpha"])
    page.goto(f"{base}/accounts/sign-in/")

    # Given a keyboard user who skipped to the main content (the address now ends #main-content)
    page.locator(".skip-link").focus()  # the first stop for Tab (the sign-in box has autofocus)
    page.keyboard.press("Enter")
    page.wait_for_url("**#main-content")

    # When the form goes back with problems (posted to the same address, fragment and all)
    page.locator("#id_username").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Then the error summary has the focus, not the main landmark the fragment points to
    assert page.title().startswith("Error: Sign in")
    # (autofocus, or the deferred script after the skip link, moves it as the page settles)
    page.wait_for_function(f"{ACTIVE} && {ACTIVE}.hasAttribute('data-error-summary')")
    said = " ".join(page.evaluate(f"{ACTIVE}.innerText").split())
    assert "E-mail address: Enter e-mail address" in said
    # ...and the skip link's fragment is gone, so a reload does the same
    assert not page.url.endswith("#main-content")
