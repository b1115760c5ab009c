"""Importing PI values in a real browser, with the real worker: a data provider uploads a file,
the page waits (polled by the shared job-progress script, CSP intact) while the worker reads
and checks it, shows the preview, and after the provider confirms waits again while the
worker writes it, then says what was saved."""

from __future__ import annotations

from decimal import Decimal

from django_tenants.utils import schema_context

from tests.browser.test_indicators_entry import (  # noqa: F401 (fixtures)
    alpha_org,
    committed,
    reading,
    sign_in,
)


def test_a_provider_uploads_waits_previews_and_confirms(
    committed,  # noqa: F811
    celery_worker,
    live_url,
    page,
):
    from goldenthread.platform.indicators.models import ImportJob, IndicatorValue

    provider = committed.provider
    code, quarter = committed.indicator.code, committed.quarter.code
    content = f"indicator code,period,value\n{code},{quarter},61.5\n".encode()
    base = live_url(committed.org)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        # The worker's progress reports go through a second connection of its own making,
        # which the blocker's per-thread allowance (tests/fixtures/threads.py) does not reach;
        # so the database stays open while the worker runs, as in test_background.
        with committed.blocker.unblock():
            sign_in(page, base, provider)
            page.goto(f"{base}/indicators/import/")
            page.get_by_label("CSV or XLSX file").set_input_files(
                files=[{"name": "values.csv", "mimeType": "text/csv", "buffer": content}]
            )
            page.get_by_role("button", name="Check the file").click()
            page.wait_for_url(f"{base}/indicators/import/*/")
            # The worker checks the file while the page waits; the script loads the preview.
            confirm = page.get_by_role("button", name="Import 1 values")
            confirm.wait_for(timeout=30_000)
            changes = page.locator("table.import-changes").inner_text()
            assert code in changes and "61.5" in changes and "New" in changes
            with schema_context(committed.org.schema_name):
                assert not IndicatorValue.objects.filter(indicator=committed.indicator).exists()
            confirm.click()
            # Then, once the worker has written it, the page says so.
            page.get_by_role("heading", name="Imported").wait_for(timeout=30_000)
            assert "1 new and 0 changed values were saved" in page.locator("main").inner_text()
            with schema_context(committed.org.schema_name):
                saved = IndicatorValue.objects.get(indicator=committed.indicator)
                assert (saved.value, saved.workflow_status) == (Decimal("61.5"), "draft")
            assert not [e for e in errors if "Content Security Policy" in e]
    finally:
        with reading(committed):
            ImportJob.objects.filter(created_by=provider.user).delete()
