"""The "done when" of light partner organisations, in Chromium with the real worker: a
partnership invites a parish council that is not on the platform; its clerk accepts by the
e-mailed link, signs in on the new host, submits a figure to the shared target, and the lead
sees it on the partnership dashboard. Nobody at the helpdesk does anything."""

from __future__ import annotations

import re
import time
import uuid
from datetime import date

import pyotp
import pytest
from django.core import mail
from django_tenants.utils import schema_context

from tests.conftest import PASSWORD
from tests.fixtures.worker import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.worker]

CLERK_PASSWORD = "hedgerows and a village pump"


def test_a_parish_council_joins_and_reports_with_no_helpdesk_step(
    page, live_url, session_organisations, django_db_blocker, celery_worker, client_for
):
    from goldenthread.partnerships import services
    from goldenthread.partnerships.services import light_partners
    from goldenthread.platform.accounts.services import user_create
    from goldenthread.tenants.models import Organisation

    alpha = session_organisations["alpha"]
    tag = uuid.uuid4().hex[:6]
    code = f"VOL-{tag}"
    with django_db_blocker.unblock():
        with schema_context(alpha.schema_name):
            lead_admin = user_create(
                email=f"lead-{tag}@alpha.example",
                full_name="Lead Admin",
                roles=["org_admin"],
                password=PASSWORD,
            )
        partnership = services.partnership_create(
            organisation=alpha,
            actor=lead_admin,
            name=f"Vale villages {tag}",
            type="lsp",
            starts_on=date(2024, 4, 1),
        )
        services.partnership_indicator_create(
            partnership=partnership,
            organisation=alpha,
            actor=lead_admin,
            aggregation="sum",
            code=code,
            title="Volunteer hours",
            polarity="higher",
            frequency="quarterly",
            decimal_places=0,
        )
        mail.outbox.clear()
        light_partners.light_partner_invite(
            partnership=partnership,
            organisation=alpha,
            actor=lead_admin,
            body_name=f"Little Snoring {tag} Parish Council",
            body_type="parish",
            email=f"clerk-{tag}@snoring.example",
            contact_name="Pat Clerk",
            base_url=live_url(None),
        )
    # The worker e-mails the link once the invitation has committed
    (invitation_mail,) = wait_for(
        lambda: [m for m in mail.outbox if m.to == [f"clerk-{tag}@snoring.example"]],
        timeout=30,
        what="the invitation e-mail",
    )
    link = re.search(r"http://\S+/join/\S+/", invitation_mail.body).group(0)
    assert link.startswith(live_url(None))

    # The clerk accepts on the platform host.
    page.goto(link)
    assert page.locator("h1").inner_text() == f"Join {partnership.name}"
    assert code in page.locator("main").inner_text()
    slug = f"snoring-{tag}"
    page.get_by_label("Web address").fill(slug)
    page.get_by_label("Choose a password").fill(CLERK_PASSWORD)
    page.get_by_label("I accept the data-sharing agreement on behalf of my organisation").check()
    # Creating the organisation copies the template schema: slower than a usual page.
    with page.expect_navigation(timeout=60_000):
        page.get_by_role("button", name="Accept and create our organisation").click()
    with django_db_blocker.unblock():
        body = Organisation.objects.get(slug=slug)
    base = live_url(body)
    assert page.locator("h1").inner_text() == f"{body.name} has joined {partnership.name}"
    with page.expect_navigation():
        page.get_by_role("link", name=f"{base}/accounts/sign-in/").click()
    assert page.url == f"{base}/accounts/sign-in/"

    # Signs in on the new host: an administrator, so MFA is set up first.
    page.fill("input[name=username]", f"clerk-{tag}@snoring.example")
    page.fill("input[name=password]", CLERK_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url == f"{base}/accounts/me/mfa/set-up/"
    secret = page.get_by_test_id("mfa-secret").inner_text()
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    with page.expect_navigation():
        page.click("main form.form button[type=submit]")

    # Submits a figure to the shared target.
    page.goto(f"{base}/partnerships/contributions/")
    with page.expect_navigation():
        page.get_by_role("link", name=f"Submit a figure for {code} Volunteer hours").click()
    page.get_by_label("Period").select_option("2024/25 Q4")
    page.get_by_label("Value").fill("37")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit the figure").click()
    assert "was submitted" in page.locator("[role=status]").inner_text()

    # The lead sees it on the partnership dashboard once the worker has published it.
    with django_db_blocker.unblock():
        client = client_for(alpha, user=lead_admin)
    deadline = time.monotonic() + 20
    html = ""
    while time.monotonic() < deadline:
        with django_db_blocker.unblock():
            html = client.get(f"/partnerships/{partnership.pk}/?period=2024/25 Q4").content
        html = html.decode()
        if ">37<" in html or " 37" in html:
            break
        time.sleep(0.2)
    assert body.name in html
    assert re.search(r"\b37\b", html), "the parish council's figure never reached the lead"
