"""A member opens a benchmarking league table in Chromium and reaches the quartile chart's
table with the keyboard: it sees its own name and only anonymous labels for the others."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page

from goldenthread.platform.core.periods import PeriodType, period_containing, previous_period

pytestmark = pytest.mark.browser

OTHERS = 6


@pytest.fixture
def committed_club(session_organisations, django_db_blocker):
    """An anonymised club of Alpha and six others, every member with values for the last two
    complete quarters (the page's default range ends at the last complete quarter)."""
    from goldenthread.shared_indicators.models import CatalogueIndicator
    from goldenthread.shared_indicators.publication.models import PublishedValue
    from goldenthread.tenants.models import Organisation
    from tests.shared_indicators.benchmarking.helpers import make_club, make_org, publish

    alpha = session_organisations["alpha"]
    latest = previous_period(period_containing(PeriodType.QUARTER, timezone.localdate()))
    quarters = [previous_period(latest).code, latest.code]
    tag = uuid.uuid4().hex[:6]
    with django_db_blocker.unblock():
        indicator = CatalogueIndicator.objects.create(
            code=f"BRW {tag}",
            title="Households helped",
            unit="percentage",
            polarity="higher",
            frequency="quarterly",
            decimal_places=1,
        )
        others = [make_org(f"Hidden Council {tag} {i}") for i in range(OTHERS)]
        club = make_club(others[0], [alpha, *others[1:]], indicator, name=f"Browser club {tag}")
        for i, org in enumerate([alpha, *others]):
            for code in quarters:
                publish(org, indicator, code, 40 + 5 * i)
    yield club, indicator, others
    with django_db_blocker.unblock():
        club.delete()
        PublishedValue.objects.filter(indicator_code=indicator.code).delete()
        Organisation.objects.filter(id__in=[org.id for org in others]).delete()
        # Not indicator.delete(): its cascade would look for tenant tables in the public schema.
        with connection.cursor() as cursor:
            table = CatalogueIndicator._meta.db_table
            cursor.execute(f'DELETE FROM "{table}" WHERE id = %s', [indicator.id])  # noqa: S608


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_member_reaches_the_quartile_table_by_keyboard_and_sees_only_labels(
    page, live_url, session_organisations, committed_user, committed_club
):
    club, indicator, others = committed_club
    alpha = session_organisations["alpha"]
    member = committed_user("alpha", roles=("councillor",))
    base = live_url(alpha)
    sign_in(page, base, member.email, member.password)

    # From the main navigation to the club and its league table
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Benchmarking").click()
    page.get_by_role("link", name=club.name).click()
    page.get_by_role("link", name=f"{indicator.code} {indicator.title}").click()
    assert page.get_by_role("heading", name="League table", exact=False).is_visible()

    # Tab to the link past the quartile chart; Enter moves focus to its table
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()").startswith(
            "Skip the chart: quartiles"
        ):
            break
    else:
        pytest.fail("the link to the quartile table was not reachable with Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "quartile-table"
    table = page.locator("#quartile-table")
    assert alpha.name in table.inner_text()

    # The league table names Alpha and labels everyone else; no other name is on the page
    league = page.get_by_role("table", name="League table", exact=False).inner_text()
    assert alpha.name in league
    assert league.count("Authority ") == OTHERS
    text = page.locator("main").inner_text()
    for org in others:
        assert org.name not in text
