"""SAML 2.0 single sign-on in Chromium: the sign-in page's button, the local pysaml2 identity
provider's own pages over HTTP, its auto-posted response arriving cross-site at our ACS (and
posted again from our site, where the SameSite=Lax session cookie is sent), then signed in —
or refused: a person who was not invited, and a response altered after it was signed. With
"SSO required" the password door is closed to everyone but the break-glass administrator."""

from __future__ import annotations

import re
import uuid

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture
def saml_for_alpha(session_organisations, django_db_blocker, committed_user, saml_idp):
    """Alpha signs in by SAML with the local IdP (committed, for the live server), with an
    invited person; everything SSO is switched off again afterwards."""
    from goldenthread.platform.accounts.models import SsoConfiguration, SsoLink
    from goldenthread.platform.accounts.services.sso.configuration import (
        sso_configuration_update,
    )

    alpha = session_organisations["alpha"]
    admin = committed_user("alpha", roles=("org_admin",))
    invited = committed_user("alpha", roles=("performance_officer",))

    def configure(**changes):
        with django_db_blocker.unblock(), schema_context(alpha.schema_name):
            sso_configuration_update(actor=admin.user, changes=changes)

    configure(
        protocol="saml",
        button_label="Alpha test IdP",
        saml_metadata_url=f"{saml_idp.base_url}/metadata",
    )
    yield {"organisation": alpha, "admin": admin, "invited": invited, "configure": configure}
    with django_db_blocker.unblock(), schema_context(alpha.schema_name):
        SsoLink.objects.filter(user__in=[admin.user, invited.user]).delete()
        SsoConfiguration.objects.all().delete()


def through_the_idp(page: Page, base: str, saml_idp, email: str, *, tamper: bool = False):
    page.goto(f"{base}/accounts/sign-in/")
    page.locator("#sso-sign-in").click()
    page.wait_for_url(re.compile(re.escape(saml_idp.sso_url)))
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible()
    page.get_by_label("E-mail", exact=True).fill(email)
    if tamper:
        page.get_by_label("Change the e-mail after signing").check()
    page.get_by_role("button", name="Sign in at the identity provider").click()
    # Our ACS, possibly its re-post page, then home or the refused page.
    expect(page.locator("h1")).to_have_text(re.compile("^(My items|You are not signed in)$"))


def test_an_invited_person_signs_in_by_saml_in_the_browser(
    page, live_url, saml_for_alpha, saml_idp
):
    base = live_url(saml_for_alpha["organisation"])
    invited = saml_for_alpha["invited"]

    posts_to_acs = []
    page.on(
        "request",
        lambda request: (
            posts_to_acs.append(request.post_data or "")
            if request.method == "POST" and request.url == f"{base}/accounts/sso/saml/acs/"
            else None
        ),
    )
    page.goto(f"{base}/accounts/sign-in/")
    expect(page.locator("#sso-sign-in")).to_contain_text("Alpha test IdP")
    through_the_idp(page, base, saml_idp, invited.email)

    page.wait_for_url(f"{base}/")
    expect(page.locator("h1")).to_have_text("My items")
    # The IdP's cross-site POST came without our session cookie (SameSite=Lax); our own page
    # posted the response again (with it, or the sign-in it started would not be found).
    assert len(posts_to_acs) == 2
    assert "continued=1" not in posts_to_acs[0] and "continued=1" in posts_to_acs[1]
    page.goto(f"{base}/accounts/me/")
    expect(page.locator("main")).to_contain_text(invited.email)


def test_a_person_who_was_not_invited_is_refused_in_the_browser(
    page, live_url, saml_for_alpha, saml_idp
):
    base = live_url(saml_for_alpha["organisation"])

    through_the_idp(page, base, saml_idp, f"stranger-{uuid.uuid4().hex[:6]}@alpha.example")

    expect(page.locator("h1")).to_have_text("You are not signed in")
    expect(page.locator("#sso-refusal")).to_contain_text("has not given you access")
    page.goto(f"{base}/")
    assert page.url.startswith(f"{base}/accounts/sign-in/")


def test_a_response_altered_after_signing_is_refused_in_the_browser(
    page, live_url, saml_for_alpha, saml_idp
):
    base = live_url(saml_for_alpha["organisation"])

    through_the_idp(page, base, saml_idp, saml_for_alpha["invited"].email, tamper=True)

    expect(page.locator("h1")).to_have_text("You are not signed in")
    expect(page.locator("#sso-refusal")).to_contain_text("failed our security checks")
    expect(page.locator("#sso-refusal")).to_contain_text("signature does not match")
    page.goto(f"{base}/")
    assert page.url.startswith(f"{base}/accounts/sign-in/")


def test_with_sso_required_passwords_stop_but_saml_signs_in(
    page, live_url, saml_for_alpha, saml_idp
):
    base = live_url(saml_for_alpha["organisation"])
    invited, admin = saml_for_alpha["invited"], saml_for_alpha["admin"]
    saml_for_alpha["configure"](sso_required=True, break_glass_user_id=admin.user.pk)

    page.goto(f"{base}/accounts/sign-in/")
    expect(page.locator("main")).to_contain_text("signs everyone in with Alpha test IdP")
    expect(page.get_by_label("Password")).to_have_count(0)
    # The break-glass form, tried by someone else: their password does not sign them in.
    page.goto(f"{base}/accounts/sign-in/?password=1")
    page.get_by_label("E-mail address").fill(invited.email)
    page.get_by_label("Password").fill(invited.password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
    page.goto(f"{base}/")
    assert page.url.startswith(f"{base}/accounts/sign-in/"), "the password did not sign in"

    through_the_idp(page, base, saml_idp, invited.email)
    page.wait_for_url(f"{base}/")
    expect(page.locator("h1")).to_have_text("My items")
