"""Entering and approving a value in a real browser: keyboard only, with the inline check.

The live server reads committed data, so each test writes its data outside any test
transaction (under `django_db_blocker.unblock()`), with unique names, and removes it again so
other tests' counts and reports do not see it.
"""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import datetime, time

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.core.periods import PeriodType, period_containing, previous_period

MAX_TABS = 80


@pytest.fixture
def alpha_org(session_organisations):
    return session_organisations["alpha"]


@pytest.fixture
def committed(alpha_org, make_user, django_db_blocker):
    """People and a PI committed in Alpha: a provider, a verifier, an officer, and a
    quarterly higher-is-better PI with a target of 50 for a quarter that is now late."""
    from goldenthread.platform.indicators.models import (
        AuditEntry,
        Commentary,
        Indicator,
        IndicatorValue,
        Target,
    )
    from goldenthread.platform.indicators.services.indicators import indicator_create
    from goldenthread.platform.indicators.services.targets import target_set

    tag = uuid.uuid4().hex[:6]
    quarter = previous_period(
        previous_period(period_containing(PeriodType.QUARTER, timezone.localdate()))
    )

    class Data:
        pass

    with django_db_blocker.unblock(), schema_context(alpha_org.schema_name):
        Data.provider = make_user(
            alpha_org, roles=["data_provider"], full_name=f"Prov {tag}", email=f"p-{tag}@b.example"
        )
        Data.verifier = make_user(
            alpha_org, roles=["verifier"], full_name=f"Veri {tag}", email=f"v-{tag}@b.example"
        )
        Data.officer = make_user(
            alpha_org, roles=["performance_officer"], email=f"o-{tag}@b.example"
        )
        Data.indicator = indicator_create(
            actor=Data.officer.user,
            code=f"BR{tag}",
            title="Household waste recycled",
            unit_kind="percentage",
            polarity="higher",
            frequency="quarterly",
            data_providers=[Data.provider.user],
        )
        Indicator.objects.filter(pk=Data.indicator.pk).update(
            created_at=timezone.make_aware(datetime.combine(quarter.start, time(9)))
        )
        target_set(
            actor=Data.officer.user, indicator=Data.indicator, period_code=quarter.code, value="50"
        )
    Data.quarter = quarter
    Data.blocker = django_db_blocker
    Data.org = alpha_org
    yield Data
    with django_db_blocker.unblock(), schema_context(alpha_org.schema_name):
        pk = Data.indicator.pk
        AuditEntry.objects.filter(indicator_id=pk).delete()
        Commentary.objects.filter(indicator_id=pk).delete()
        IndicatorValue.objects.filter(indicator_id=pk).delete()
        Target.objects.filter(indicator_id=pk).delete()
        Indicator.objects.filter(pk=pk).delete()


@contextmanager
def reading(data):
    with data.blocker.unblock(), schema_context(data.org.schema_name):
        yield


def sign_in(page, base: str, person) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    page.fill("input[name=username]", person.email)
    page.fill("input[name=password]", person.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def tab_to(page, selector: str) -> None:
    """Press Tab until the element matching `selector` has the focus (keyboard only)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} could not be reached with the Tab key")


def test_a_provider_enters_a_value_by_keyboard_and_sees_its_status_first(committed, live_url, page):
    base = live_url(committed.org)
    sign_in(page, base, committed.provider)
    page.goto(f"{base}/indicators/owe/")
    item = page.locator("article.owed-item", has_text=committed.indicator.code).filter(
        has_text=committed.quarter.label
    )
    value_id = item.locator("input[name=value]").get_attribute("id")

    tab_to(page, f"#{value_id}")
    page.keyboard.type("48")
    output = item.locator("[data-check-output]")
    # The inline check answers before anything is saved.
    output.locator("[data-status=warning]").wait_for()
    said = " ".join(output.inner_text().split())
    assert "This value would be: Warning: just off target (target 50.0%)" in said
    assert output.get_attribute("aria-live") == "polite"
    with reading(committed):
        from goldenthread.platform.indicators.models import IndicatorValue

        assert not IndicatorValue.objects.filter(indicator=committed.indicator).exists()

    tab_to(page, f"article:has(#{value_id}) button[value=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/indicators/owe/")
    assert "saved and submitted for approval" in page.locator(".messages").inner_text()
    with reading(committed):
        row = IndicatorValue.objects.get(indicator=committed.indicator)
        assert (row.value, row.workflow_status, row.status) == (48, "submitted", "warning")


def test_a_verifier_approves_the_value_and_the_report_shows_it(committed, live_url, page):
    from goldenthread.platform.indicators.services.values import value_enter
    from goldenthread.platform.indicators.services.workflow import value_submit

    with reading(committed):
        row = value_enter(
            actor=committed.provider.user,
            indicator=committed.indicator,
            period_code=committed.quarter.code,
            value="61.5",
        )
        value_submit(actor=committed.provider.user, value=row)
    base = live_url(committed.org)
    sign_in(page, base, committed.verifier)
    page.goto(f"{base}/indicators/approvals/")
    item = page.locator("article.approval-item", has_text=committed.indicator.code)
    assert "61.5%" in item.inner_text() and "On target" in item.inner_text()
    item.get_by_role("button", name=f"Approve {committed.indicator.code}").click()
    page.wait_for_url(f"{base}/indicators/approvals/")
    assert "is approved" in page.locator(".messages").inner_text()

    page.goto(f"{base}/indicators/report/?period={committed.quarter.code}")
    report_row = page.locator(f"tr[data-code='{committed.indicator.code}']")
    text = " ".join(report_row.inner_text().split())
    assert "61.5%" in text and "50.0%" in text and "On target" in text
    assert "(submitted)" not in text and "(draft)" not in text
    # Each badge's icon is drawn from the page's sprite (<use href="#icon-…">), on screen and
    # on paper: a reference to nothing would leave the words without their shape.
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        for badge in (".status-badge", ".trend-badge"):
            icon = report_row.locator(f"{badge} svg.icon").first
            drawn = icon.locator("use").evaluate(
                "use => { const box = use.getBBox(); return [box.width, box.height]; }"
            )
            shown = icon.bounding_box()
            assert max(drawn) > 8 and shown["width"] == shown["height"] == 16, (media, badge)
    with reading(committed):
        row.refresh_from_db()
        assert row.workflow_status == "approved" and row.approved_by == committed.verifier.user


def test_the_check_endpoint_refuses_anonymous_visitors(org_a, client_for):
    # Also makes pytest-django set the test database up when this file runs on its own.
    response = client_for(org_a).post("/indicators/1/check/", {"period": "2024/25 Q1"})
    assert response.status_code == 302
