"""A member reaches its club's History page with the keyboard alone and reads it as a table:
the club's rule changes and its own consent, nothing about the other (anonymised) members."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page

from tests.browser.test_benchmarking_league_table import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def committed_history(session_organisations, django_db_blocker):
    from goldenthread.shared_indicators.benchmarking import services
    from goldenthread.shared_indicators.models import CatalogueIndicator
    from goldenthread.tenants.models import Organisation
    from tests.shared_indicators.benchmarking.helpers import Actor, make_club, make_org

    alpha = session_organisations["alpha"]
    tag = uuid.uuid4().hex[:6]
    with django_db_blocker.unblock():
        indicator = CatalogueIndicator.objects.create(
            code=f"HIS {tag}",
            title="Households helped",
            unit="percentage",
            polarity="higher",
            frequency="quarterly",
            decimal_places=1,
        )
        others = [make_org(f"Hidden Council {tag} {i}") for i in range(4)]
        club = make_club(others[0], [alpha, *others[1:]], indicator, name=f"History club {tag}")
        services.club_update_rules(
            actor=Actor(email=f"runner-{tag}@people.example"),
            organisation=others[0],
            club=club,
            minimum_members_with_data=4,
        )
        services.club_member_remove(
            actor=Actor(), organisation=others[0], club=club, member=others[3]
        )
    yield club, indicator, others
    with django_db_blocker.unblock():
        from django.db import connection

        club.delete()
        Organisation.objects.filter(id__in=[org.id for org in others]).delete()
        with connection.cursor() as cursor:
            table = CatalogueIndicator._meta.db_table
            cursor.execute(f'DELETE FROM "{table}" WHERE id = %s', [indicator.id])  # noqa: S608


def tab_to(page: Page, text: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()").startswith(text):
            return
    pytest.fail(f"'{text}' was not reachable with Tab")


def test_a_member_reaches_the_history_table_by_keyboard_and_learns_no_other_member(
    page, live_url, session_organisations, committed_user, committed_history
):
    club, indicator, others = committed_history
    alpha = session_organisations["alpha"]
    member = committed_user("alpha", roles=("councillor",))
    base = live_url(alpha)
    sign_in(page, base, member.email, member.password)
    page.goto(f"{base}/benchmarking/{club.id}/")

    tab_to(page, "History of the club")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name=f"History of {club.name}").is_visible()

    table = page.get_by_role("table", name="Changes to the club, newest first")
    rows = table.get_by_role("row")
    assert rows.count() >= 4  # header, rules changed, consent, joined, indicator, set-up
    rule_row = table.get_by_role("row", name="Changed the club's rules")
    assert "Minimum members with data" in rule_row.inner_text()
    assert "5" in rule_row.inner_text() and "4" in rule_row.inner_text()
    assert table.get_by_role("rowheader", name=f"Consent given for {indicator.code}").count() == 1

    text = page.locator("main").inner_text()
    for org in others[1:]:
        assert org.name not in text
    assert "people.example" not in text  # the runner's people are not named to members
