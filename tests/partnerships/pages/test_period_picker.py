"""The partnership dashboard and report choose their quarter from the shared period picker:
recent quarters one click away, every quarter of earlier years in a list, nothing typed."""

from __future__ import annotations

from django.utils import timezone

from goldenthread.platform.core.periods import PeriodType, period_containing, previous_period
from tests.fixtures.accessibility import assert_form_markup
from tests.fixtures.html import parse

from .conftest import get


def test_the_dashboard_and_report_offer_quarters_instead_of_a_code_box(scenario, client_for):
    health = scenario.parties.health
    base = f"/partnerships/{scenario.partnership.pk}/"
    latest = previous_period(period_containing(PeriodType.QUARTER, timezone.localdate()))
    for url in (base, f"{base}report/"):
        response = get(client_for, health, url, user=health.reader)
        page = parse(response)
        select = page.by_id("period")
        assert select is not None and select.tag == "select", url
        assert not page.find_all("input", name="period")
        html = response.content.decode()
        assert '<option value="" selected>The latest</option>' in html
        assert f'<option value="{latest.code}">' in html
        assert 'optgroup label="Another period: ' in html
        assert_form_markup(page)
    # One click reaches an earlier quarter; the list then shows it chosen.
    dashboard = parse(get(client_for, health, base, user=health.reader))
    earlier = previous_period(latest)
    (link,) = [a for a in dashboard.find_all("a") if a.text == earlier.label.split(" (")[0]]
    chosen = get(client_for, health, link.get("href"), user=health.reader).content.decode()
    assert f'<option value="{earlier.code}" selected>' in chosen
