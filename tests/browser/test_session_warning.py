"""The idle warning in Chromium: it appears before the session would end, as an alert
dialog holding focus; "Stay signed in" keeps the session and gives focus back; and nothing
typed on the page is lost, whether the person stays or the session ends.

The page's clock is Playwright's (fast-forwarded, no waiting); the server's is moved by
ageing the stored session, as time passing would."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django_tenants.utils import schema_context
from playwright.sync_api import Page

from goldenthread.platform.accounts.domain.sessions import LAST_SEEN_AT, SIGNED_IN_AT

pytestmark = pytest.mark.browser

MINUTE = 60


def age_session(page: Page, organisation, django_db_blocker, *, idle: float) -> None:
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    with django_db_blocker.unblock(), schema_context(organisation.schema_name):
        session = SessionStore(session_key=key)
        session[LAST_SEEN_AT] = time.time() - idle
        session[SIGNED_IN_AT] = time.time() - idle
        session.save()


def last_seen(page: Page, organisation, django_db_blocker) -> float:
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    with django_db_blocker.unblock(), schema_context(organisation.schema_name):
        return float(SessionStore(session_key=key)[LAST_SEEN_AT])


def open_account_page_and_type(page: Page, base: str, member) -> None:
    page.clock.install()
    page.goto(f"{base}/accounts/sign-in/")
    page.fill("#id_username", member.email)
    page.fill("#id_password", member.password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.goto(f"{base}/accounts/me/")
    page.fill("#id_name", "Half-typed key name")
    page.focus("#id_name")


def test_the_warning_keeps_the_session_and_the_typing(
    page, live_url, session_organisations, committed_user, django_db_blocker
):
    alpha = session_organisations["alpha"]
    member = committed_user("alpha")
    base = live_url(alpha)
    open_account_page_and_type(page, base, member)
    dialog = page.get_by_role("alertdialog")
    assert dialog.count() == 0

    # 26 minutes pass without a request: the warning appears, focus on "Stay signed in".
    age_session(page, alpha, django_db_blocker, idle=26 * MINUTE)
    page.clock.fast_forward("25:30")
    dialog.wait_for()
    assert "You will be signed out soon" in dialog.inner_text()
    assert page.evaluate("document.activeElement.textContent") == "Stay signed in"
    assert page.input_value("#id_name") == "Half-typed key name"

    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == "id_name"
    assert page.input_value("#id_name") == "Half-typed key name"
    assert time.time() - last_seen(page, alpha, django_db_blocker) < MINUTE

    # Still signed in: the half-typed form can be sent.
    with page.expect_navigation():
        page.get_by_role("button", name="Issue a key").click()
    assert page.get_by_test_id("new-api-key").count() == 1


def test_when_the_session_ends_the_typing_stays_on_the_page(
    page, live_url, session_organisations, committed_user, django_db_blocker
):
    alpha = session_organisations["alpha"]
    member = committed_user("alpha")
    base = live_url(alpha)
    open_account_page_and_type(page, base, member)

    age_session(page, alpha, django_db_blocker, idle=31 * MINUTE)
    page.clock.fast_forward("25:30")
    dialog = page.get_by_role("alertdialog")
    dialog.wait_for()
    assert "You have been signed out" in dialog.inner_text()
    assert page.url == f"{base}/accounts/me/"  # no navigation away from the work
    assert page.input_value("#id_name") == "Half-typed key name"
    assert dialog.get_by_role("link", name="Sign in again (opens a new tab)").count() == 1
