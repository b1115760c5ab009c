"""Every main page of every area, in Chromium, under the real Content-Security-Policy: no
violation (reported in the console or as a `securitypolicyviolation` event) and no request
to any host but the one serving the page.

GraphiQL is the one page allowed a third-party host (cdn.jsdelivr.net, exact pinned files with
Subresource Integrity, see `graphql.core.views`); it is checked on its own below.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pyotp
import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

ORGANISATION_PAGES = [
    "/",  # my items
    "/planning/strategy/",
    "/planning/plans/",
    "/planning/actions/",
    "/planning/risks/",
    "/planning/risks/registers/",
    "/planning/exceptions/",
    "/planning/settings/risk-matrix/",
    "/indicators/",
    "/indicators/owe/",
    "/indicators/approvals/",
    "/indicators/report/",
    "/reports/",
    "/reports/new/",
    "/reports/packs/",
    "/partnerships/",
    "/benchmarking/",
    "/catalogue/",
    "/accounts/me/",
    "/accounts/me/mfa/",
    "/users/",
    "/users/session-timeout/",  # the security settings and their history
    "/api/docs/",
]
MFA_ENROL = "/accounts/me/mfa/set-up/"
PUBLIC_PAGES = ["/", "/accounts/sign-in/", "/accounts/password-reset/", "/catalogue/", "/api/docs/"]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


class Watch:
    """What a page did that the policy forbids: CSP reports and requests to other hosts."""

    def __init__(self, page: Page, allowed_host: str):
        self.console: list[str] = []
        self.foreign: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("request", lambda request: self._request(request.url, allowed_host))

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def _request(self, url: str, allowed_host: str) -> None:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.hostname != allowed_host:
            self.foreign.append(url)

    def visit(self, page: Page, url: str) -> list[str]:
        response = page.goto(url)
        assert response is not None and response.status < 400, (url, response and response.status)
        page.wait_for_load_state("networkidle")
        if urlsplit(url).path == "/api/docs/":
            page.wait_for_selector("#swagger-ui .opblock")  # Swagger UI drew the operations
            page.wait_for_load_state("networkidle")
        return page.evaluate("window.__cspViolations")


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")


def enrol_when_asked(page: Page, base: str) -> None:
    """An administrator must set up MFA at first sign-in: do it through the page (which the
    policy covers too), with a real code from the secret it shows."""
    if page.url != f"{base}{MFA_ENROL}":
        return
    secret = page.get_by_test_id("mfa-secret").inner_text()
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click("main form.form button[type=submit]")


def test_organisation_pages_keep_to_the_policy(
    page, live_url, session_organisations, committed_user
):
    alpha = session_organisations["alpha"]
    admin = committed_user("alpha", roles=("org_admin", "performance_officer"))
    base = live_url(alpha)
    watch = Watch(page, urlsplit(base).hostname)
    sign_in(page, base, admin.email, admin.password)
    assert page.url == f"{base}{MFA_ENROL}"  # the enrolment page is checked on the way
    assert page.evaluate("window.__cspViolations") == []
    enrol_when_asked(page, base)

    problems = {}
    for path in ORGANISATION_PAGES:
        violations = watch.visit(page, base + path)
        if violations:
            problems[path] = violations
    assert problems == {}
    assert watch.console == []
    assert watch.foreign == []


def test_public_pages_keep_to_the_policy(page, live_url):
    base = live_url(None)
    watch = Watch(page, urlsplit(base).hostname)
    problems = {path: v for path in PUBLIC_PAGES if (v := watch.visit(page, base + path))}
    assert problems == {}
    assert watch.console == []
    assert watch.foreign == []


def test_graphiql_reaches_only_its_pinned_files(
    page, live_url, session_organisations, committed_user
):
    """GraphiQL's page: its inline blocks run by nonce, and the only other host it asks is the
    CDN, for exactly the pinned files its policy names (this machine may not reach them)."""
    from goldenthread.graphql.core.views import GRAPHIQL_CSP

    alpha = session_organisations["alpha"]
    member = committed_user("alpha")
    base = live_url(alpha)
    watch = Watch(page, urlsplit(base).hostname)
    sign_in(page, base, member.email, member.password)

    page.goto(base + "/graphql/", wait_until="domcontentloaded")
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.GRAPHENE_SETTINGS") == "object"  # the nonce'd script ran
    assert page.evaluate("window.__cspViolations") == []
    assert watch.console == []
    pinned = set(GRAPHIQL_CSP["script-src"]) | set(GRAPHIQL_CSP["style-src"])
    assert watch.foreign and set(watch.foreign) <= pinned
