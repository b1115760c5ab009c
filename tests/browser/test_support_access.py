"""Consented support access in Chromium: an administrator grants a named helpdesk staff
member read-only access; the staff member opens the organisation from the console and works
under the banner, where a change is refused; the administrator sees the log and revokes; the
staff member's next request is refused."""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.test import Client
from django_tenants.utils import schema_context
from playwright.sync_api import Browser

pytestmark = pytest.mark.browser


def _browser_signed_in_as(browser: Browser, base: str, schema: str, user, django_db_blocker):
    """A browser context holding a session for `user` (made as Django's test client makes
    one; signing in has its own browser tests)."""
    from urllib.parse import urlsplit

    client = Client(HTTP_HOST=urlsplit(base).hostname)
    with django_db_blocker.unblock(), schema_context(schema):
        client.force_login(user)
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    return context


@pytest.fixture
def council(django_db_blocker):
    """A committed organisation of its own (committed rows outlive the test), its
    administrator and a helpdesk staff member."""
    from goldenthread.platform.accounts.models import User
    from tests.factories import PASSWORD, provision_organisation

    suffix = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        organisation = provision_organisation(
            slug=f"support-{suffix}", name="Support Borough Council"
        )
        with schema_context(organisation.schema_name):
            admin = User.objects.create_user(
                f"admin-{suffix}@support.example", PASSWORD, full_name="Ada Admin",
                roles=["org_admin", "performance_officer"],
            )  # fmt: skip
        with schema_context("public"):
            staff = User.objects.create_user(
                f"staff-{suffix}@goldenthread.example", PASSWORD, full_name="Sam Helpdesk",
                is_staff=True,
            )  # fmt: skip
    return organisation, admin, staff


def test_grant_work_read_only_under_the_banner_then_revoke(
    browser, live_url, council, django_db_blocker
):
    organisation, admin, staff = council
    org_base, console_base = live_url(organisation), live_url(None)
    admin_context = _browser_signed_in_as(
        browser, org_base, organisation.schema_name, admin, django_db_blocker
    )
    staff_context = _browser_signed_in_as(browser, console_base, "public", staff, django_db_blocker)
    try:
        # The administrator grants Sam read-only access for 8 hours.
        admin_page = admin_context.new_page()
        admin_page.goto(f"{org_base}/support/access/")
        admin_page.get_by_label("Helpdesk staff member").select_option(
            label=f"Sam Helpdesk ({staff.email})"
        )
        admin_page.get_by_label("For how long").select_option(label="8 hours")
        admin_page.get_by_label("Reason (optional)").fill("Ticket 1234: report will not build")
        with admin_page.expect_navigation():
            admin_page.get_by_role("button", name="Grant access").click()
        assert "Sam Helpdesk may work on Support Borough Council (read only)" in (
            admin_page.get_by_role("status").first.inner_text()
        )

        # Sam opens the organisation from the console and lands on its host under the banner.
        staff_page = staff_context.new_page()
        staff_page.goto(f"{console_base}/helpdesk/support/access/")
        with staff_page.expect_navigation():
            staff_page.get_by_role("button", name="Work on Support Borough Council").click()
        with staff_page.expect_navigation():
            staff_page.get_by_role("link", name="Continue to Support Borough Council").click()
        staff_page.wait_for_url(f"{org_base}/")
        banner = staff_page.get_by_role("alert").filter(has_text="Helpdesk support access")
        assert "(read only)" in banner.inner_text()
        assert "Sam Helpdesk" in banner.inner_text()
        staff_page.goto(f"{org_base}/indicators/")
        assert staff_page.get_by_role("alert").filter(has_text="read only").count() == 1

        # A change is refused, whatever the form.
        staff_page.goto(f"{org_base}/notifications/settings/")
        with staff_page.expect_navigation():
            staff_page.locator("main form button[type=submit]").first.click()
        assert staff_page.get_by_role("heading", level=1).inner_text() == "Nothing was changed"
        assert "read only" in staff_page.locator("main").inner_text()

        # The administrator sees what Sam did, then revokes.
        admin_page.goto(f"{org_base}/support/access/log/")
        log = admin_page.locator("table").inner_text()
        assert "/indicators/" in log and "Refused" in log
        admin_page.goto(f"{org_base}/support/access/")
        with admin_page.expect_navigation():
            admin_page.get_by_role("button", name="Revoke Sam Helpdesk's access").click()
        assert "Revoked" in admin_page.locator("table").inner_text()

        # Sam's very next request is refused, and the session is gone.
        staff_page.goto(f"{org_base}/indicators/")
        assert staff_page.get_by_role("heading", level=1).inner_text() == "Support access refused"
        staff_page.goto(f"{org_base}/indicators/")
        assert "/accounts/sign-in/" in staff_page.url
    finally:
        admin_context.close()
        staff_context.close()
