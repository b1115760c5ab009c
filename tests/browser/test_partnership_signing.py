"""A signatory finds and accepts a data-sharing agreement in Chromium with the keyboard only."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import Page

from tests.conftest import PASSWORD

from .test_sign_in import sign_in_with_keyboard

pytestmark = pytest.mark.browser


def tab_to(page: Page, text: str, *, limit: int = 80) -> None:
    """Tab forwards until the focused element's text is `text`; its focus must be visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == text:
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"focus on {text!r} is not visible"
            return
    pytest.fail(f"{text!r} was not reachable with Tab")


@pytest.fixture
def agreement_awaiting_beta(session_organisations, django_db_blocker):
    """Committed: Alpha leads a partnership Beta has joined; an agreement between them has
    been sent and Alpha has signed; Beta's named signatory (not an administrator) has not."""
    from goldenthread.partnerships import services
    from goldenthread.platform.accounts.services import user_create

    alpha, beta = session_organisations["alpha"], session_organisations["beta"]
    tag = uuid.uuid4().hex[:8]

    def person(org, roles):
        with schema_context(org.schema_name):
            return user_create(
                email=f"sign-{tag}-{roles[0]}@{org.slug}.example",
                full_name=f"Signatory {tag}",
                roles=roles,
                password=PASSWORD,
            )

    with django_db_blocker.unblock():
        alpha_admin = person(alpha, ["org_admin"])
        beta_admin = person(beta, ["org_admin"])
        signatory = person(beta, ["partner_liaison"])
        partnership = services.partnership_create(
            organisation=alpha,
            actor=alpha_admin,
            name=f"Vale community safety {tag}",
            type="community_safety",
            starts_on=date(2024, 4, 1),
        )
        invitation = services.partnership_invite(
            partnership=partnership, organisation=alpha, actor=alpha_admin, invitee=beta
        )
        services.invitation_accept(
            invitation=invitation,
            organisation=beta,
            actor=beta_admin,
            signatory_emails=[signatory.email],
        )
        code = f"VCS-{tag}"
        services.partnership_indicator_create(
            partnership=partnership,
            organisation=alpha,
            actor=alpha_admin,
            aggregation="sum",
            code=code,
            title="Burglaries",
            polarity="lower",
        )
        version = services.agreement_create(
            partnership=partnership,
            organisation=alpha,
            actor=alpha_admin,
            title=f"Vale sharing {tag}",
            parties=[alpha, beta],
            indicator_codes=[code],
            fields=["values"],
            purpose="Community safety reporting",
            lawful_basis="not_personal",
            retention_months=12,
            starts_on=date(2024, 4, 1),
        )
        services.agreement_send_for_acceptance(
            version=version, organisation=alpha, actor=alpha_admin
        )
        services.agreement_accept(version=version, organisation=alpha, actor=alpha_admin)

    class Made:
        pass

    Made.partnership, Made.version, Made.signatory, Made.beta = (
        partnership,
        version,
        signatory,
        beta,
    )
    return Made


def test_a_signatory_accepts_an_agreement_with_the_keyboard_only(
    page, live_url, agreement_awaiting_beta, django_db_blocker
):
    made = agreement_awaiting_beta
    base = live_url(made.beta)
    sign_in_with_keyboard(page, base, made.signatory.email, PASSWORD)
    assert page.url == f"{base}/"

    # Main navigation -> the partnership -> the agreement, by Tab and Enter alone.
    tab_to(page, "Partnerships")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Partnerships"
    tab_to(page, made.partnership.name)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == made.partnership.name
    tab_to(page, made.version.label)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{base}/partnerships/agreements/{made.version.pk}/"
    assert "Awaiting acceptance" in page.locator(".status-tag").inner_text()

    button = f"Accept and sign for {made.beta.name}"
    tab_to(page, button)
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.locator("[role=status]").inner_text().strip() == (
        "You accepted the agreement for your organisation."
    )
    assert page.locator(".status-tag").inner_text() == "Active"
    parties = page.get_by_role("table", name="Parties and their acceptance").inner_text()
    assert f"Yes, by {made.signatory.full_name}" in parties
    assert page.get_by_role("button", name=button).count() == 0

    with django_db_blocker.unblock():  # committed data, read from the test's thread
        made.version.refresh_from_db()
        signed_by = made.version.acceptances.get(organisation=made.beta).signed_by_email
    assert made.version.status == "active"
    assert signed_by == made.signatory.email
