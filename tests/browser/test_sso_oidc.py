"""Single sign-on by OpenID Connect in Chromium, end to end against the real test provider
(django-oauth-toolkit in its own process): the button, the provider's login form, back
signed in; a person who was not invited; a tampered answer; and "SSO required" with its
break-glass administrator. Uses an organisation of its own, so the other browser tests'
sign-in page is untouched."""

from __future__ import annotations

import uuid
from urllib.parse import urljoin

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import Page

from tests.conftest import PASSWORD
from tests.fixtures.oidc import IDP_PASSWORD, configure_oidc

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def sso_organisation(django_db_setup, django_db_blocker):
    from goldenthread.tenants.models import Organisation
    from tests.factories import provision_organisation

    with django_db_blocker.unblock():
        existing = Organisation.objects.filter(slug="ssobrowser").first()
        return existing or provision_organisation(slug="ssobrowser", name="SSO Borough Council")


@pytest.fixture
def sso_world(sso_organisation, oidc_provider, live_url, django_db_blocker):
    """The organisation's base URL and a way to (re)configure its single sign-on and make
    committed users there."""
    from goldenthread.platform.accounts.services import user_create

    base = live_url(sso_organisation)

    def person(*, roles=("performance_officer",)):
        with django_db_blocker.unblock(), schema_context(sso_organisation.schema_name):
            return user_create(
                email=f"sso-{uuid.uuid4().hex[:10]}@ssobrowser.example",
                full_name="Single Sign-On Person",
                roles=list(roles),
                password=PASSWORD,
            )

    administrator = person(roles=("org_admin",))

    def configure(**changes):
        with django_db_blocker.unblock():
            configure_oidc(
                sso_organisation,
                oidc_provider,
                actor=administrator,
                base_urls=[base],
                **{"sso_required": False, "break_glass_user_id": None, **changes},
            )

    configure()
    yield {"base": base, "person": person, "configure": configure, "admin": administrator}
    configure()  # leave it without "SSO required" for the next test


def through_the_provider(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    with page.expect_navigation():
        page.get_by_role("link", name="Sign in with Test Provider").click()
    assert page.locator("h1").inner_text() == "Test identity provider"
    page.fill("#id_username", email)
    page.fill("#id_password", IDP_PASSWORD)
    with page.expect_navigation(url=f"{base}/**"):
        page.get_by_role("button", name="Sign in to the provider").click()


def test_an_invited_person_signs_in_with_the_provider_and_a_stranger_is_refused(
    page, sso_world, oidc_provider
):
    base = sso_world["base"]
    member = sso_world["person"]()
    oidc_provider.add_user(email=member.email)

    through_the_provider(page, base, member.email)
    assert page.url == f"{base}/"
    assert page.locator("h1").inner_text() == "My items"
    assert "SSO Borough Council" in page.get_by_role("banner").inner_text()

    # Another browser, a person the provider knows but the council never invited
    context = page.context.browser.new_context()
    other = context.new_page()
    stranger = oidc_provider.add_user(email=f"stranger-{uuid.uuid4().hex[:8]}@elsewhere.example")
    through_the_provider(other, base, stranger)
    assert other.locator("h1").inner_text() == "You are not signed in"
    assert "Your council has not given you access" in other.locator("#sso-refusal").inner_text()
    other.goto(f"{base}/accounts/me/")
    assert "/accounts/sign-in/" in other.url
    context.close()


def test_a_tampered_answer_from_the_provider_signs_nobody_in(page, sso_world, oidc_provider):
    base = sso_world["base"]
    member = sso_world["person"]()
    oidc_provider.add_user(email=member.email)
    # Sign in at the provider with this browser's cookies, but stop before its answer (the
    # redirect back to us) is followed, to change it on the way
    page.goto(f"{base}/accounts/sign-in/")
    with page.expect_navigation():
        page.get_by_role("link", name="Sign in with Test Provider").click()
    login_url = page.url
    form = {
        "csrfmiddlewaretoken": page.locator("input[name=csrfmiddlewaretoken]").input_value(),
        "next": page.locator("input[name=next]").input_value(),
        "username": member.email,
        "password": IDP_PASSWORD,
    }
    browser_http = page.context.request
    signed_in = browser_http.post(
        login_url, form=form, headers={"Referer": login_url}, max_redirects=0
    )
    assert signed_in.status == 302
    authorize = urljoin(login_url, signed_in.headers["location"])
    answer = browser_http.get(authorize, max_redirects=0)
    assert answer.status == 302
    held = {"url": answer.headers["location"]}
    assert held["url"].startswith(f"{base}/accounts/sso/oidc/callback/?")

    page.goto(held["url"].replace("state=", "state=tampered"))
    assert page.locator("h1").inner_text() == "You are not signed in"
    assert "failed our security checks" in page.locator("#sso-refusal").inner_text()
    # The untampered answer cannot be used afterwards either: the sign-in was used up
    page.goto(held["url"])
    assert page.locator("h1").inner_text() == "You are not signed in"
    page.goto(f"{base}/accounts/me/")
    assert "/accounts/sign-in/" in page.url


def test_sso_required_hides_passwords_but_the_break_glass_administrator_keeps_one(
    page, sso_world, oidc_provider
):
    base = sso_world["base"]
    admin = sso_world["admin"]
    member = sso_world["person"]()
    sso_world["configure"](sso_required=True, break_glass_user_id=admin.pk)

    page.goto(f"{base}/accounts/sign-in/")
    assert page.get_by_role("link", name="Sign in with Test Provider").is_visible()
    assert page.locator("input[name=password]").count() == 0

    # An ordinary user who finds the password form is refused even with the right password
    page.get_by_role("link", name="Break-glass administrator: sign in with a password").click()
    page.fill("input[name=username]", member.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "passwords are turned off" in page.locator(".error-summary").inner_text()

    # ...and signs in through the provider instead
    oidc_provider.add_user(email=member.email)
    through_the_provider(page, base, member.email)
    assert page.url == f"{base}/"

    # The break-glass administrator signs in with their password (then sets up MFA)
    context = page.context.browser.new_context()
    glass = context.new_page()
    glass.goto(f"{base}/accounts/sign-in/?password=1")
    glass.fill("input[name=username]", admin.email)
    glass.fill("input[name=password]", PASSWORD)
    with glass.expect_navigation():
        glass.click("main button[type=submit]")
    assert glass.url == f"{base}/accounts/me/mfa/set-up/"
    context.close()
