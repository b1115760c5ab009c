"""Every page each role can reach, in Chromium, reflows and passes axe (WCAG 1.4.10 and the
WCAG 2.2 A/AA rules axe-core checks).

For each role (the performance officer who is also administrator, data provider, verifier,
manager, councillor, auditor, partner liaison; and helpdesk staff on the public host) the
test lists the pages of the host's URLconf, fills each address with ids of demo-like data
(`tests/fixtures/pages_data.py`), asks the server which of them open for that person (200
and HTML: refused, redirecting, POST-only and non-HTML addresses drop out), and checks that
every link in the person's menu is among them. Then each page is opened at 320 CSS pixels
wide and at 640 (a 1280-pixel window at 200% zoom): the page must not scroll sideways, and
axe-core must find no violation. One browser context per role; the data are built once; a
page whose main content is served the same as for a role already checked is not reopened.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from pprint import pformat
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_tenants.utils import schema_context
from playwright.sync_api import BrowserContext, Page

from tests.fixtures.pages_data import ROLES, PagesData, build_pages_data

pytestmark = pytest.mark.browser

NARROW, ZOOMED = 320, 640
TENANT = "goldenthread.platform.urls_tenant"
HEIGHT = 640
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Addresses with ids: which id of the data fills each (url name -> {kwarg: data key}).
FILLED = {
    "planning:node": {"pk": "priority"},
    "planning:node-edit": {"pk": "outcome"},
    "planning:node-links": {"pk": "outcome"},
    "planning:plan": {"pk": "plan"},
    "planning:plan-edit": {"pk": "plan"},
    "planning:action": {"pk": "action"},
    "planning:action-edit": {"pk": "action"},
    "planning:action-update": {"pk": "action"},
    "planning:action-escalate": {"pk": "action"},
    "planning:milestones": {"pk": "action"},
    "planning:milestone-edit": {"pk": "milestone"},
    "planning:heat-map": {"pk": "register"},
    "planning:register-edit": {"pk": "register"},
    "planning:risk": {"pk": "risk"},
    "planning:risk-edit": {"pk": "risk"},
    "planning:risk-review": {"pk": "risk"},
    "planning:indicator-evidence": {"pk": "indicator"},
    "indicators:detail": {"pk": "indicator"},
    "indicators:edit": {"pk": "indicator"},
    "indicators:targets": {"pk": "indicator"},
    "indicators:history": {"pk": "indicator"},
    "indicators:commentary": {"pk": "indicator"},
    "indicators:enter": {"pk": "indicator"},
    "indicators:indicator-sub-areas": {"pk": "indicator"},
    "indicators:sub-area-edit": {"pk": "sub_area"},
    "accounts:security-key-remove": {"key_id": "security_key"},
    "notifications:unsubscribe": {"token": "unsubscribe_token"},
    "users:detail": {"pk": "user"},
    "users:deactivate": {"pk": "user"},
    "partnerships:dashboard": {"partnership_id": "partnership"},
    "partnerships:report": {"partnership_id": "partnership"},
    "partnerships:reminders": {"partnership_id": "partnership"},
    "partnerships:members": {"partnership_id": "partnership"},
    "partnerships:signatories": {"partnership_id": "partnership"},
    "partnerships:agreement-new": {"partnership_id": "partnership"},
    "partnerships:indicators": {"partnership_id": "partnership"},
    "partnerships:new-partners": {"partnership_id": "partnership"},
    "benchmarking:club": {"club_id": "club"},
    "benchmarking:history": {"club_id": "club"},
    "benchmarking:labelling": {"club_id": "club"},
    "benchmarking:members": {"club_id": "club"},
    "benchmarking:consent": {"club_id": "club"},
    "helpdesk:organisation": {"slug": "organisation_slug"},
    "support:request": {"pk": "support_request"},
    "helpdesk:support:request": {"pk": "support_request"},
    "helpdesk:modules": {"slug": "organisation_slug"},
    "helpdesk:organisation-data": {"slug": "organisation_slug"},
    "helpdesk:delete": {"slug": "organisation_slug"},
    "reporting:definition": {"pk": "report_definition"},
    "reporting:edit": {"pk": "report_definition"},
    "reporting:archive": {"pk": "report_definition"},
    "reporting:pack": {"pk": "report_definition"},
    "reporting:version": {"pk": "report_definition", "number": "report_version"},
    "reporting:freeze": {"pk": "report_definition"},
    "reporting:schedule": {"pk": "report_definition"},
    "reporting:run": {"pk": "pack_run"},
    "reporting:frozen": {"pk": "frozen_pack"},
    "reporting:compare": {"pk": "frozen_pack"},
    "public:measure": {"pk": "published_measure"},
    "public:action": {"pk": "published_action"},
}
# Addresses with ids these data do not make (a record of another kind, a one-time link) or
# that act rather than show (POST-only forms): not visited. A new page with an id must be
# added to one of the two lists, so that it is not left out silently.
NOT_VISITED = {
    "planning:node-delete", "planning:node-unlink", "planning:milestone-complete",
    "planning:evidence-upload", "planning:evidence",
    "indicators:approve", "indicators:send-back", "indicators:reopen", "indicators:check",
    "indicators:accept-catalogue", "indicators:cost-pairing", "indicators:spc-baseline",
    "indicators-import:job", "indicators-import:job-status", "indicators-import:job-commit",
    "indicators-import:template",
    "users:import", "users:import-status", "users:import-commit", "users:mfa-reset",
    "users:reactivate",
    "users:sign-out-everywhere", "users:sso-unlink",
    "notifications:open", "notifications:read",
    "partnerships:indicator-targets", "partnerships:invitation", "partnerships:invitation-accept",
    "partnerships:invitation-decline", "partnerships:invitation-withdraw",
    "partnerships:agreement", "partnerships:agreement-amend", "partnerships:agreement-edit",
    "partnerships:agreement-action",
    # Light partner organisations: a withdrawal (POST only), the one-time acceptance link, and
    # the submission page only light organisations open (tests/browser/test_light_partner.py).
    "partnerships:new-partner-withdraw", "light-partner-join", "partnerships:contribution-submit",
    "benchmarking:comparison", "catalogue:detail",
    "accounts:api-key-revoke", "accounts:password-reset-confirm",
    # Support: POST-only actions, and the one-time hand-off (tests/browser/test_support_access.py
    # walks the visitor's pages under the banner).
    "support:suggestion-vote", "support:announcement-dismiss", "support:access-revoke",
    "support:enter", "helpdesk:support:open", "helpdesk:support:approve", "helpdesk:support:end",
    "helpdesk:support:announcement-end",
    "helpdesk:suspend", "helpdesk:resume", "helpdesk:api-key-revoke",
    # Exports and backups (tenants/archive): these data make none; the pages that act are
    # POST only, the status is JSON and the downloads are files.
    "archive:export", "archive:export-status", "archive:export-download",
    "helpdesk:organisation-export-download", "helpdesk:organisation-backup",
    "helpdesk:organisation-restore", "helpdesk:organisation-restore-copy",
    "helpdesk:organisation-copy-drop",
    "helpdesk:delete-cancel",
    # Act or answer other than with a page: publication decisions (POST only), a run's status
    # (JSON) and a frozen pack's files.
    "public:approve", "public:reject", "public:withdraw", "public:pre-election-remove",
    "reporting:run-status", "reporting:frozen-download",
}  # fmt: skip
# Pages that must be among those a role opens, so that data which no longer make them (a
# refusal, a redirect) cannot drop them from the walk silently: url name -> role.
MUST_OPEN = {
    "indicators:sub-area-edit": "officer",
    "indicators:indicator-sub-areas": "officer",
    "accounts:security-key-remove": "officer",
    "users:detail": "officer",  # of the provider, who came in by single sign-on
    "notifications:unsubscribe": "provider",
    "support:request": "officer",
    "reporting:freeze": "officer",
    "reporting:schedule": "officer",
    "reporting:run": "officer",
    "reporting:frozen": "councillor",
    "reporting:compare": "councillor",
    "public:measure": "councillor",
    "public:action": "councillor",
}
# Not pages: the API, GraphQL, probes, and addresses that end a session.
NOT_PAGES = (
    "api/v1/",
    "api/schema/",
    "api/helpdesk/",
    "graphql/",
    "healthz",
    "accounts/sign-out/",
    "accounts/me/sign-out-everywhere/",
)

MAIN = re.compile(r"<main[\s\S]*</main>")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
AXE_RUN = """(options) => axe.run(document, options).then((results) => results.violations.map(
  (v) => ({id: v.id, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(" "))})
))"""
SCROLL = "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
# The outermost elements that stick out past the right edge (what to fix), for the message.
STICKING_OUT = """() => {
  const edge = document.documentElement.clientWidth;
  const out = [...document.querySelectorAll("body *")].filter((el) => {
    const region = el.parentElement && el.parentElement.closest(".table-scroll");
    const clipped = region && region.getBoundingClientRect().right <= edge + 1;
    return el.getBoundingClientRect().right > edge + 1 && !clipped;
  });
  const outer = out.filter((el) => !out.includes(el.parentElement));
  return [...outer.slice(0, 3), ...out.slice(-2)].map((el) =>
    el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ?
      "." + el.className.trim().split(/\\s+/).join(".") : "") + (el.id ? "#" + el.id : "") +
    " " + Math.round(el.getBoundingClientRect().right) + "px");
}"""


@dataclass
class Site:
    organisation: object
    data: PagesData
    staff: object


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            space = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern)


def page_addresses(urlconf: str, ids: dict) -> list[str]:
    """Every page address of the URLconf, ids filled from `ids`; fails for an address with
    ids that is in neither FILLED nor NOT_VISITED."""
    addresses, unknown = [], []
    for name, pattern in _walk(get_resolver(urlconf).url_patterns):
        if pattern.startswith(NOT_PAGES) or name in NOT_VISITED:
            continue
        if "<" in pattern:
            if name not in FILLED:
                unknown.append(name)
                continue
            kwargs = {kwarg: ids[key] for kwarg, key in FILLED[name].items()}
            addresses.append(reverse(name, urlconf=urlconf, kwargs=kwargs))
        else:
            addresses.append(reverse(name, urlconf=urlconf))
    assert unknown == [], f"pages with ids neither visited nor listed as not visited: {unknown}"
    return sorted(set(addresses))


@pytest.fixture(scope="module")
def site(session_organisations, django_db_blocker) -> Site:
    """A committed organisation of its own (committed data outlive the run, and other tests
    count what is in Alpha), with its data, a partnership it leads and a club it runs."""
    from goldenthread.platform.accounts.models import User
    from tests.factories import PASSWORD, ClubFactory, PartnershipFactory, provision_organisation

    suffix = uuid.uuid4().hex[:8]
    with django_db_blocker.unblock():
        organisation = provision_organisation(
            slug=f"reflow-{suffix}", name="Reflow Borough Council"
        )
        with schema_context(organisation.schema_name):
            data = build_pages_data()
        data.ids["partnership"] = PartnershipFactory(lead_organisation=organisation).pk
        data.ids["club"] = ClubFactory(administering_organisation=organisation).pk
        data.ids["organisation_slug"] = organisation.slug
        with schema_context("public"):
            staff = User.objects.create_user(
                f"reflow-{suffix}@helpdesk.example", PASSWORD, full_name="Helpdesk Person",
                is_staff=True,
            )  # fmt: skip
            # A lead, so that the lead-only console pages are walked too.
            from django.contrib.auth.models import Group

            from goldenthread.platform.accounts.permissions import HELPDESK_LEAD_GROUP

            staff.groups.add(Group.objects.get_or_create(name=HELPDESK_LEAD_GROUP)[0])
    return Site(organisation, data, staff)


def signed_in(browser, base: str, organisation, user, django_db_blocker, **options):
    """A test client and a browser context sharing one session for `user` (made as Django's
    test client makes one: the sign-in pages have their own tests)."""
    from django.conf import settings
    from django.test import Client

    host = urlsplit(base).hostname
    client = Client(HTTP_HOST=host)
    schema = organisation.schema_name if organisation is not None else "public"
    with django_db_blocker.unblock(), schema_context(schema):
        client.force_login(user)
    context = browser.new_context(viewport={"width": NARROW, "height": HEIGHT}, **options)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    return client, context


def reachable(client, addresses: list[str], django_db_blocker) -> dict[str, str]:
    """The addresses that open as HTML pages for this person (no redirect followed), asked of
    the application in this process, with the same session and committed data; each with a
    digest of its main content as served (forms' CSRF tokens aside)."""
    found = {}
    with django_db_blocker.unblock():
        for address in addresses:
            response = client.get(address)
            if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
                html = response.content.decode()
                main = MAIN.search(html)
                content = CSRF.sub("", main.group(0) if main else html)
                found[address] = hashlib.sha256(content.encode()).hexdigest()
    return found


def menu_of(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "nav[aria-label=Main] a", "links => links.map(a => a.getAttribute('href'))"
    )


def next_frame(page: Page) -> None:
    """Wait until the page has laid out again (after a resize, its handlers ran)."""
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")


def problems_on(page: Page) -> list[str]:
    """What is wrong with the open page: sideways scroll at either width, axe violations."""
    found = []
    for width in (ZOOMED, NARROW):
        page.set_viewport_size({"width": width, "height": HEIGHT})
        next_frame(page)
        scroll_width, client_width = page.evaluate(SCROLL)
        if scroll_width > client_width:
            culprits = ", ".join(page.evaluate(STICKING_OUT))
            found.append(f"scrolls sideways at {width}px ({scroll_width}px): {culprits}")
    result = page.evaluate(AXE_RUN, {"runOnly": {"type": "tag", "values": AXE_TAGS}})
    for violation in result:
        found.append(f"axe {violation['id']}: {violation['help']} at {violation['targets']}")
    return found


def check_pages(context: BrowserContext, base: str, pages: dict[str, str], checked: set) -> dict:
    """Open each page and note its problems. A page whose main content, as served, is the same
    as one already checked for another role lays out the same and is not opened again; the
    home page is, for every role, since it carries the role's menu (the same on every page)."""
    from axe_playwright_python.sync_playwright import Axe

    context.add_init_script(Axe().axe_script)  # axe-core as the package pins it
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/")
    menu = menu_of(page)
    problems = {"menu links that do not open": sorted(set(menu) - set(pages))}
    for address, digest in pages.items():
        if digest in checked and address != "/":
            continue
        checked.add(digest)
        page.goto(base + address)
        found = problems_on(page)
        if found:
            problems[address] = found
    problems = {key: value for key, value in problems.items() if value}
    assert len(pages) >= 10, pages
    return problems


@pytest.fixture(scope="module")
def checked() -> set[str]:
    """Digests of the main content of the pages checked in this module's run."""
    return set()


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_of_each_role_reflows_and_passes_axe(
    role, browser, site, live_url, django_db_blocker, checked
):
    base = live_url(site.organisation)
    data = dict(site.data.ids, user=site.data.users["provider"].pk)
    addresses = page_addresses("goldenthread.platform.urls_tenant", data)
    client, context = signed_in(
        browser, base, site.organisation, site.data.users[role], django_db_blocker
    )
    try:
        pages = reachable(client, addresses, django_db_blocker)
        for name in [name for name, who in MUST_OPEN.items() if who == role]:
            kwargs = {kwarg: data[key] for kwarg, key in FILLED[name].items()}
            assert reverse(name, urlconf=TENANT, kwargs=kwargs) in pages, (
                f"{name} did not open for {role}"
            )
        problems = check_pages(context, base, pages, checked)
        assert problems == {}, pformat(problems, width=100)
    finally:
        context.close()


def test_every_helpdesk_page_reflows_and_passes_axe(
    browser, site, live_url, django_db_blocker, checked
):
    base = live_url(None)
    addresses = page_addresses("goldenthread.platform.urls_public", site.data.ids)
    client, context = signed_in(browser, base, None, site.staff, django_db_blocker)
    try:
        pages = reachable(client, addresses, django_db_blocker)
        problems = check_pages(context, base, pages, checked)
        assert problems == {}, pformat(problems, width=100)
    finally:
        context.close()


def test_the_menu_folds_behind_a_button_on_narrow_screens(
    browser, site, live_url, django_db_blocker
):
    base = live_url(site.organisation)
    _, context = signed_in(
        browser, base, site.organisation, site.data.users["officer"], django_db_blocker
    )
    page = context.new_page()
    try:
        page.goto(base + "/")
        button = page.get_by_role("button", name="Menu")
        menu = page.locator("#site-menu")
        assert button.get_attribute("aria-expanded") == "false" and not menu.is_visible()
        header = page.locator("header").bounding_box()
        assert header["height"] < HEIGHT / 4  # the folded header leaves the screen to the page
        button.click()
        assert button.get_attribute("aria-expanded") == "true" and menu.is_visible()
        page.get_by_role("link", name="Strategy").focus()
        page.keyboard.press("Escape")
        assert not menu.is_visible()
        assert page.evaluate("document.activeElement.textContent.trim()") == "Menu"
        # Wide enough, the menu is always shown and the button is not.
        page.set_viewport_size({"width": 1280, "height": 800})
        assert menu.is_visible() and not button.is_visible()
    finally:
        context.close()


def test_without_script_the_menu_stays_open(browser, site, live_url, django_db_blocker):
    base = live_url(site.organisation)
    _, context = signed_in(
        browser,
        base,
        site.organisation,
        site.data.users["councillor"],
        django_db_blocker,
        java_script_enabled=False,
    )
    page = context.new_page()
    try:
        page.goto(base + "/")
        assert page.locator("#site-menu").is_visible()
        assert not page.get_by_role("button", name="Menu").is_visible()
    finally:
        context.close()


def test_wide_tables_scroll_in_a_labelled_focusable_region(
    browser, site, live_url, django_db_blocker
):
    base = live_url(site.organisation)
    _, context = signed_in(
        browser, base, site.organisation, site.data.users["manager"], django_db_blocker
    )
    page = context.new_page()
    try:
        page.goto(base + "/planning/exceptions/")
        regions = page.locator("main .table-scroll[role=region]")
        assert regions.count() == page.locator("main table").count() > 0
        first = regions.first
        assert (
            first.get_attribute("aria-label") == "Every active PI whose latest value is off target"
        )
        assert first.get_attribute("tabindex") == "0"  # it scrolls at 320px, so it takes focus
        page.set_viewport_size({"width": 1280, "height": 800})
        page.wait_for_timeout(50)
        assert first.get_attribute("tabindex") is None  # it fits: no needless tab stop
    finally:
        context.close()
