"""A quarter's entry and verification in a real browser: the provider fills the grid, with
commentary in the cell of the one value that is off target, and submits; the verifier sees
each value beside the previous quarter's, approves two at once and sends one back with a
reason.

The live server reads committed data, so the data are written outside any test transaction
and removed afterwards (as in test_indicators_entry.py).
"""

from __future__ import annotations

import uuid
from datetime import datetime, time

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from goldenthread.platform.core.periods import PeriodType, period_containing, previous_period

from .test_indicators_entry import reading, sign_in


def cell_key(indicator, period) -> str:
    return f"cell-{indicator.pk}-{period.code.replace('/', '-').replace(' ', '-')}"


@pytest.fixture
def quarter_data(session_organisations, make_user, django_db_blocker):
    """Three quarterly percentage PIs (target 50 now, 40 before) provided by one provider,
    each with the previous quarter's value approved; a verifier; the quarter now due."""
    from goldenthread.platform.indicators.models import (
        AuditEntry,
        Commentary,
        Indicator,
        IndicatorValue,
        Target,
    )
    from goldenthread.platform.indicators.services.indicators import indicator_create
    from goldenthread.platform.indicators.services.targets import target_set
    from goldenthread.platform.indicators.services.values import value_enter
    from goldenthread.platform.indicators.services.workflow import value_approve, value_submit

    org = session_organisations["alpha"]
    tag = uuid.uuid4().hex[:6]
    quarter = previous_period(
        previous_period(period_containing(PeriodType.QUARTER, timezone.localdate()))
    )
    before = previous_period(quarter)

    class Data:
        pass

    with django_db_blocker.unblock(), schema_context(org.schema_name):
        Data.provider = make_user(org, roles=["data_provider"], full_name=f"Prov {tag}")
        Data.verifier = make_user(org, roles=["verifier"], full_name=f"Veri {tag}")
        officer = make_user(org, roles=["performance_officer"]).user
        Data.pis = []
        for number, previous in enumerate(("52", "45", "60"), start=1):
            pi = indicator_create(
                actor=officer,
                code=f"GB{tag}{number}",
                title=f"Grid PI {number}",
                unit_kind="percentage",
                polarity="higher",
                frequency="quarterly",
                data_providers=[Data.provider.user],
            )
            Indicator.objects.filter(pk=pi.pk).update(
                created_at=timezone.make_aware(datetime.combine(before.start, time(9)))
            )
            for period, target in ((before, "40"), (quarter, "50")):
                target_set(actor=officer, indicator=pi, period_code=period.code, value=target)
            row = value_enter(
                actor=Data.provider.user, indicator=pi, period_code=before.code, value=previous
            )
            value_submit(actor=Data.provider.user, value=row)
            value_approve(actor=Data.verifier.user, value=row)
            Data.pis.append(pi)
    Data.quarter, Data.before, Data.org = quarter, before, org
    Data.blocker = django_db_blocker
    yield Data
    with django_db_blocker.unblock(), schema_context(org.schema_name):
        ids = [pi.pk for pi in Data.pis]
        AuditEntry.objects.filter(indicator_id__in=ids).delete()
        Commentary.objects.filter(indicator_id__in=ids).delete()
        IndicatorValue.objects.filter(indicator_id__in=ids).delete()
        Target.objects.filter(indicator_id__in=ids).delete()
        Indicator.objects.filter(pk__in=ids).delete()


def test_a_quarter_is_entered_in_the_grid_and_verified_in_bulk(quarter_data, live_url, page):
    data = quarter_data
    on_target, off_target, third = data.pis
    base = live_url(data.org)
    sign_in(page, base, data.provider)
    grid = f"{base}/indicators/grid/?frequency=quarterly&year={data.quarter.financial_year}"
    page.goto(grid)
    keys = [cell_key(pi, data.quarter) for pi in data.pis]
    page.fill(f"#{keys[0]}-value", "55")
    page.fill(f"#{keys[1]}-value", "30")  # off target
    page.fill(f"#{keys[2]}-value", "58")
    page.get_by_role("button", name="Save and submit all for approval").click()

    # The off-target value is refused in its cell (nothing of it saved); the others are in.
    summary = page.locator(".error-summary")
    summary.wait_for()
    said = " ".join(summary.inner_text().split())
    assert f"{off_target.code} is off target for {data.quarter.code}" in said
    assert "1 of 3 values refused and not saved. The other 2 saved and submitted" in said
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    with reading(data):
        from goldenthread.platform.indicators.models import IndicatorValue

        stored = dict(
            IndicatorValue.objects.filter(
                indicator__in=data.pis, period_code=data.quarter.code
            ).values_list("indicator__code", "workflow_status")
        )
        assert stored == {on_target.code: "submitted", third.code: "submitted"}

    # The summary's link goes to the cell's commentary box, open and typed into.
    summary.get_by_role("link").first.click()
    commentary = page.locator(f"#{keys[1]}-commentary")
    assert commentary.is_visible()  # its details are open: the problem is about it
    commentary.fill("Collections were suspended for three weeks in the floods.")
    page.get_by_role("button", name="Save and submit all for approval").click()
    # The redirect keeps the #fragment the summary's link added to the address.
    page.wait_for_url(lambda url: url.startswith(grid) and "#" in url)
    assert "1 value saved and submitted for approval." in page.locator(".messages").inner_text()
    page.context.clear_cookies()

    # The verifier sees each value with the previous quarter's and the change.
    sign_in(page, base, data.verifier)
    page.goto(f"{base}/indicators/approvals/")
    cards = {pi.code: page.locator("article.approval-item", has_text=pi.code) for pi in data.pis}
    off_card = " ".join(cards[off_target.code].inner_text().split())
    assert f"Previous value ({data.before.code}) 45.0%" in off_card
    assert "Down 15.0 percentage points (−33.3%)" in off_card
    assert "Off target" in off_card
    assert "Collections were suspended for three weeks in the floods." in off_card
    on_card = " ".join(cards[on_target.code].inner_text().split())
    assert f"Previous value ({data.before.code}) 52.0%" in on_card

    # Tick two and approve them together.
    for code in (on_target.code, off_target.code):
        page.get_by_label(f"Tick {code} {data.quarter.code}").check()
    page.get_by_role("button", name="Approve the ticked values").click()
    page.wait_for_url(f"{base}/indicators/approvals/")
    assert "2 values approved" in page.locator(".messages").inner_text()

    # Send the third back with a reason.
    page.get_by_label(f"Tick {third.code} {data.quarter.code}").check()
    page.get_by_label("Reason for sending back the ticked values").fill(
        "58% is above the contract figure; check the tonnage."
    )
    page.get_by_role("button", name="Send back the ticked values").click()
    page.wait_for_url(f"{base}/indicators/approvals/")
    assert "1 value sent back to their providers" in page.locator(".messages").inner_text()

    with reading(data):
        rows = {
            row.indicator.code: row
            for row in IndicatorValue.objects.filter(
                indicator__in=data.pis, period_code=data.quarter.code
            ).select_related("indicator")
        }
        assert rows[on_target.code].workflow_status == "approved"
        assert rows[off_target.code].workflow_status == "approved"
        assert rows[third.code].workflow_status == "draft"
        assert rows[third.code].returned_reason == (
            "58% is above the contract figure; check the tonnage."
        )
