"""Two people editing the same value in two browsers (#16 item 5d): the second to save is
told who changed it, when and to what, keeps what they typed, and replaces it only by saving
again."""

from __future__ import annotations

from decimal import Decimal

from tests.browser.test_indicators_entry import alpha_org, committed, reading, sign_in

__all__ = ["alpha_org", "committed"]  # fixtures used by name


def test_the_second_saver_sees_the_first_ones_change_and_keeps_their_typing(
    committed, live_url, browser
):
    from goldenthread.platform.indicators.models import IndicatorValue

    base = live_url(committed.org)
    url = f"{base}/indicators/{committed.indicator.pk}/enter/?period={committed.quarter.code}"
    contexts = [browser.new_context(), browser.new_context()]
    try:
        first, second = (context.new_page() for context in contexts)
        for page, person in ((first, committed.provider), (second, committed.officer)):
            page.set_default_timeout(10_000)
            sign_in(page, base, person)
            page.goto(url)
        first.fill("input[name=value]", "48")
        second.fill("input[name=value]", "52")
        first.click("button[value=save]")
        first.wait_for_url(f"{base}/indicators/{committed.indicator.pk}/")

        second.click("button[value=save]")
        summary = second.locator(".error-summary")
        summary.wait_for()
        said = " ".join(second.locator("main").inner_text().split())
        assert f"{committed.provider.user.full_name} changed the" in said
        assert "it is now 48" in said and "Your value was not saved" in said
        assert second.input_value("input[name=value]") == "52"
        with reading(committed):
            assert IndicatorValue.objects.get(indicator=committed.indicator).value == 48

        second.click("button[value=save]")  # deciding: theirs is replaced by this one
        second.wait_for_url(f"{base}/indicators/{committed.indicator.pk}/")
        with reading(committed):
            row = IndicatorValue.objects.get(indicator=committed.indicator)
            assert row.value == Decimal("52") and row.entered_by == committed.officer.user
    finally:
        for context in contexts:
            context.close()
