"""The public performance pages in a real browser, as an anonymous visitor: the published
measure is there with its chart and table, an unpublished one is not, and the pages reflow
at 320 CSS pixels without sideways scrolling (WCAG 1.4.10)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context


@pytest.fixture
def published(session_organisations, make_user, django_db_blocker):
    from goldenthread.platform.indicators.models import IndicatorValue
    from goldenthread.platform.planning.models import Publication
    from goldenthread.platform.planning.services.public import (
        publication_approve,
        publication_propose,
    )
    from tests.factories import IndicatorFactory, IndicatorValueFactory

    org = session_organisations["alpha"]
    tag = uuid.uuid4().hex[:6].upper()
    with django_db_blocker.unblock(), schema_context(org.schema_name):
        from django.utils import timezone

        officer = make_user(org, roles=["performance_officer"]).user
        admin = make_user(org, roles=["org_admin"]).user

        shown = IndicatorFactory(code=f"WEB-{tag}", title="Streets cleaned to standard")
        hidden = IndicatorFactory(code=f"HID-{tag}", title="Not for publication")
        for pi, number in ((shown, "87.6"), (hidden, "23.4")):
            for period in ("2024/25 Q1", "2024/25 Q2"):
                IndicatorValueFactory(
                    indicator=pi, period=period, value=Decimal(number), approved_at=timezone.now()
                )
        row = publication_propose(actor=officer, indicator=shown)
        publication_approve(actor=admin, publication=row)
    yield org, shown, hidden
    with django_db_blocker.unblock(), schema_context(org.schema_name):
        Publication.objects.filter(indicator__in=[shown, hidden]).delete()
        IndicatorValue.objects.filter(indicator__in=[shown, hidden]).delete()
        shown.delete()
        hidden.delete()


def no_sideways_scroll(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_an_anonymous_visitor_reads_the_published_measure(published, live_url, page):
    org, shown, hidden = published
    base = live_url(org)
    page.goto(f"{base}/performance/")
    body = page.locator("main").inner_text()
    assert shown.code in body and "87.6%" in body
    assert hidden.code not in body and "23.4" not in body
    page.get_by_role("link", name=f"{shown.code}: Streets cleaned to standard").click()
    page.wait_for_url(f"{base}/performance/measures/{shown.pk}/")
    assert page.get_by_role("img", name=f"{shown.code}: published values over time").count() == 1
    assert "87.6%" in page.locator("table.values-table").inner_text()
    response = page.goto(f"{base}/performance/measures/{hidden.pk}/")
    assert response.status == 404
    assert page.goto(f"{base}/indicators/").url.startswith(f"{base}/accounts/sign-in/")


def test_the_public_pages_reflow_at_320_pixels(published, live_url, page):
    org, shown, _ = published
    base = live_url(org)
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/performance/", f"/performance/measures/{shown.pk}/", "/performance/data/"):
        page.goto(f"{base}{path}")
        assert no_sideways_scroll(page), path
