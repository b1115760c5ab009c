"""A performance officer builds a report definition by priority and previews its pack for a
period chosen from the list; the pack fits a 1280 px screen, reflows at 320 px, and prints
on A4 without the mostly blank pages of the old report (Chromium, real live server)."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import Page

from tests.browser.test_sign_in import sign_in_with_keyboard
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def pack_scene(session_organisations, django_db_blocker):
    """An officer, a priority with two PIs in three service areas' worth of groups, committed
    so the live server sees them (codes unique per run)."""
    from goldenthread.platform.accounts.services import user_create
    from goldenthread.platform.indicators.models import ServiceArea
    from tests.factories import (
        IndicatorFactory,
        IndicatorValueFactory,
        StrategyNodeFactory,
        TargetFactory,
    )

    alpha = session_organisations["alpha"]
    tag = uuid.uuid4().hex[:6].upper()
    with django_db_blocker.unblock(), schema_context(alpha.schema_name):
        officer = user_create(
            email=f"packs-{tag.lower()}@alpha.example",
            full_name=f"Pam Packs {tag}",
            roles=["performance_officer"],
            password=PASSWORD,
        )
        node = StrategyNodeFactory(code=f"PR{tag}", title=f"Clean streets {tag}", level=1)
        for number in range(1, 4):
            area = ServiceArea.objects.create(name=f"Area {tag} {number}")
            pi = IndicatorFactory(
                code=f"L{tag}{number}", title=f"Litter measure {number}", service_area=area
            )
            node.indicators.add(pi)
            IndicatorValueFactory(indicator=pi, period="2024/25 Q2", value=Decimal("80"))
            TargetFactory(indicator=pi, period="2024/25 Q2", value=Decimal("75"))
    return {"alpha": alpha, "officer": officer, "node": node, "tag": tag}


def widest(page: Page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_an_officer_builds_a_definition_by_priority_and_previews_and_prints_its_pack(
    page, live_url, pack_scene
):
    base = live_url(pack_scene["alpha"])
    node, tag = pack_scene["node"], pack_scene["tag"]
    page.set_viewport_size({"width": 1280, "height": 900})
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    sign_in_with_keyboard(page, base, pack_scene["officer"].email, PASSWORD)

    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_role("link", name="New report definition").click()
    page.get_by_label("Title", exact=True).fill(f"Clean streets pack {tag}")
    page.get_by_label("PIs linked to chosen priorities or themes").check()
    page.get_by_label(f"{node.code} {node.title}").check()
    page.get_by_label("Performance indicators: narrative").fill("Litter is down in every area.")
    page.get_by_role("button", name="Save the definition").click()
    assert "saved as version 1" in page.locator(".messages").inner_text()

    # The period comes from a list, never typed
    page.get_by_label("Period").select_option("2024/25 Q2")
    page.get_by_role("button", name="Preview the pack").click()
    assert page.locator("h1").inner_text() == f"Clean streets pack {tag}"
    assert "Data as at" in page.locator(".pack-cover").inner_text()
    pis = page.locator("#pack-section-pis")
    assert "Litter is down in every area." in pis.inner_text()
    assert pis.locator("h3").inner_text().endswith(node.title)
    assert pis.locator("tbody tr").count() == 3
    assert "80.0%" in pis.inner_text() and "On target" in pis.inner_text()
    page.get_by_role("link", name="Performance indicators").click()
    assert page.url.endswith("#pack-section-pis")

    # Fits 1280 px and reflows at 320 px: nothing to scroll sideways
    page.wait_for_load_state("networkidle")  # the pack's stylesheets
    assert widest(page) <= 1280
    page.set_viewport_size({"width": 320, "height": 800})
    assert widest(page) <= 320
    cell = pis.locator("tbody tr").first.locator("td").nth(2)
    assert cell.evaluate("el => getComputedStyle(el, '::before').content") == '"Value: "'

    # Printed: the running header (with the as-at time) goes in every page's top margin, the
    # page number in the bottom one; the cover, then one page of content: no page broken off
    # per group, so no mostly blank pages.
    running = page.locator("link[media=print]").get_attribute("href")
    css = page.evaluate("url => fetch(url).then(answer => answer.text())", running)
    assert "@top-right" in css and "Data as at" in css and "@top-left" in css
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 2, pages
    assert [text for text in console if "Content Security Policy" in text] == []
