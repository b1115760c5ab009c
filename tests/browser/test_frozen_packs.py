"""Freezing a pack for a committee in a real browser, with the real worker: the officer fills
in the freeze form, watches the progress page (polled by its static script, CSP intact) turn
into "frozen", then opens what changed since the previous pack."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from goldenthread.platform.core.periods import next_period
from tests.browser.test_indicators_entry import (  # noqa: F401 (fixtures)
    alpha_org,
    committed,
    reading,
    sign_in,
)


def _cleanup(definition_id):
    from goldenthread.platform.reporting.models import (
        FrozenPack,
        FrozenPackFile,
        PackRun,
        ReportDefinition,
        ReportDefinitionVersion,
    )

    PackRun.objects.filter(definition_id=definition_id).delete()
    FrozenPackFile.objects.filter(frozen_pack__definition_id=definition_id).delete()
    # Newest first: each pack points at the one before it.
    for pk in (
        FrozenPack.objects.filter(definition_id=definition_id)
        .order_by("-pk")
        .values_list("pk", flat=True)
    ):
        FrozenPack.objects.filter(pk=pk).delete()
    ReportDefinitionVersion.objects.filter(definition_id=definition_id).delete()
    ReportDefinition.objects.filter(pk=definition_id).delete()


def test_an_officer_freezes_a_pack_sees_progress_and_compares_it(
    committed,  # noqa: F811
    celery_worker,
    live_url,
    page,
):
    from goldenthread.platform.indicators.services.targets import target_set
    from goldenthread.platform.reporting.services import (
        definition_create,
        pack_freeze,
        pack_run_execute,
    )
    from tests.factories import IndicatorValueFactory

    earlier, later = committed.quarter, next_period(committed.quarter)
    officer = committed.officer.user
    with reading(committed):
        IndicatorValueFactory(
            indicator=committed.indicator,
            period=earlier.code,
            value=Decimal("60"),
            workflow_status="approved",
        )
        IndicatorValueFactory(
            indicator=committed.indicator,
            period=later.code,
            value=Decimal("40"),
            workflow_status="approved",
        )
        target_set(actor=officer, indicator=committed.indicator, period_code=later.code, value="50")
        definition = definition_create(
            user=officer,
            data={
                "title": "Browser committee pack",
                "scope": "pis",
                "indicator_ids": [committed.indicator.pk],
                "sections": [{"kind": "pis", "title": "Indicators"}],
            },
        )
        first = pack_freeze(
            user=officer,
            definition=definition,
            period=earlier.code,
            committee="Scrutiny",
            meeting_date=date(2026, 1, 10),
        )
        pack_run_execute(run_id=first.pk)
    base = live_url(committed.org)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        sign_in(page, base, committed.officer)
        page.goto(f"{base}/reports/{definition.pk}/")
        page.get_by_role("link", name="Freeze a pack for a committee").click()
        page.get_by_label("Period").select_option(later.code)
        page.get_by_label("Committee").fill("Cabinet")
        page.get_by_label("Meeting date").fill("2026-02-11")
        page.get_by_role("button", name="Freeze the pack").click()
        page.wait_for_url(f"{base}/reports/runs/*/")
        # The progress page, then (the worker done, the script reloads it) the result.
        assert "pack for Cabinet" in page.locator("h1").inner_text()
        page.get_by_text("The pack is frozen").wait_for(timeout=30_000)
        page.get_by_role("link", name="What changed since the previous pack").click()
        page.get_by_role("heading", name="What changed since the previous pack").wait_for()
        changes = page.locator("main").inner_text()
        assert committed.indicator.code in changes
        assert "60.0%" in changes and "40.0%" in changes
        summary = page.locator("#compare-summary").inner_text()
        assert "Off target" in summary and "+1" in summary
        assert not [e for e in errors if "Content Security Policy" in e]
    finally:
        with reading(committed):
            _cleanup(definition.pk)
