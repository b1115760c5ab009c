"""Values by area or group in a real browser: the officer defines a ward and gives it to a PI,
the provider enters the ward's value on the usual entry page, and the PI page and the report
show it."""

from __future__ import annotations

import uuid

from tests.browser.test_indicators_entry import (  # noqa: F401 (fixtures)
    alpha_org,
    committed,
    reading,
    sign_in,
)


def test_an_officer_adds_a_ward_and_a_provider_enters_its_value(committed, live_url, page):  # noqa: F811
    from goldenthread.platform.indicators.models import AuditEntry, IndicatorValue, SubArea

    ward = f"Ward {uuid.uuid4().hex[:6]}"
    base = live_url(committed.org)
    try:
        sign_in(page, base, committed.officer)
        page.goto(f"{base}/indicators/sub-areas/")
        page.get_by_label("Kind").select_option("ward")
        page.get_by_label("Name").fill(ward)
        page.get_by_role("button", name="Add").click()
        page.wait_for_url(f"{base}/indicators/sub-areas/")
        assert ward in page.locator("table").inner_text()

        page.goto(f"{base}/indicators/{committed.indicator.pk}/sub-areas/")
        page.get_by_label(f"{ward} (ward)").check()
        page.get_by_role("button", name="Save").click()
        page.wait_for_url(f"{base}/indicators/{committed.indicator.pk}/")

        page.context.clear_cookies()
        sign_in(page, base, committed.provider)
        page.goto(
            f"{base}/indicators/{committed.indicator.pk}/enter/?period={committed.quarter.code}"
        )
        page.get_by_label("Area or group").select_option(label=f"{ward} (ward)")
        page.get_by_label("Value", exact=True).fill("57")
        page.get_by_role("button", name="Save as a draft").click()
        page.wait_for_url(f"{base}/indicators/{committed.indicator.pk}/")
        assert f"for {ward} is saved as a draft" in page.locator(".messages").inner_text()

        table = page.locator("table.by-area-table")
        assert ward in table.inner_text() and "57.0%" in table.inner_text()
        page.locator("#sub-area-chart-title").wait_for(state="attached")

        page.goto(f"{base}/indicators/report/?period={committed.quarter.code}&sub_areas=on")
        row = page.locator("tr.report-sub-area", has_text=ward)
        assert "57.0%" in row.inner_text() and "On target" in row.inner_text()
        with reading(committed):
            stored = IndicatorValue.objects.get(indicator=committed.indicator, sub_area__name=ward)
            assert stored.value == 57 and stored.workflow_status == "draft"
    finally:
        with reading(committed):
            IndicatorValue.objects.filter(sub_area__name=ward).delete()
            for area in SubArea.objects.filter(name=ward):
                AuditEntry.objects.filter(object_type="subarea", object_id=str(area.pk)).delete()
                area.indicators.clear()
                area.delete()
