"""End to end with the real worker and broker: the police approve a value in their own
organisation and it appears on the county's partnership dashboard."""

from __future__ import annotations

import time
import uuid
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from tests.factories import partnership_sharing_values


@pytest.mark.django_db
def test_the_expiry_sweep_is_scheduled_and_runs_in_the_public_schema(parties):
    # (Also makes the test database exist when this module runs on its own.)
    from goldenthread.platform.celery_app import app

    entry = app.conf.beat_schedule["expire-partnership-agreements"]
    assert entry["task"] == "goldenthread.partnerships.tasks.expire_agreements"
    assert entry["task"] in app.tasks


@pytest.mark.worker
def test_an_approval_in_the_police_reaches_the_countys_dashboard(
    partnership_organisations, celery_worker, django_db_blocker, client_for
):
    from goldenthread.platform.accounts.services import user_create
    from goldenthread.platform.indicators.services import values, workflow
    from goldenthread.platform.indicators.services.indicators import indicator_create

    county, police = partnership_organisations["county"], partnership_organisations["police"]
    tag = uuid.uuid4().hex[:8]
    code = f"E2E-{tag}"

    def person(org, role):
        with schema_context(org.schema_name):
            return user_create(
                email=f"{role}-{tag}@{org.slug}.example",
                full_name=f"{role.title()} {tag}",
                roles=[role],
                password="correct-horse-battery-staple",
            )

    with django_db_blocker.unblock():
        county_admin, police_admin = person(county, "org_admin"), person(police, "org_admin")
        provider, verifier = person(police, "data_provider"), person(police, "verifier")
        partnership = partnership_sharing_values(
            lead=county,
            lead_admin=county_admin,
            member=police,
            member_admin=police_admin,
            code=code,
            name=f"Community safety {tag}",
            type="community_safety",
            polarity="lower",
            title=f"CSP agreement {tag}",
            purpose="Community safety reporting",
        ).partnership

        with schema_context(police.schema_name):
            pi = indicator_create(
                actor=police_admin,
                code=code,
                title="ASB incidents",
                unit_kind="number",
                polarity="lower",
                frequency="quarterly",
                decimal_places=0,
                data_providers=[provider],
            )
            row = values.value_enter(
                actor=provider, indicator=pi, period_code="2024/25 Q4", value=Decimal(412)
            )
            workflow.value_submit(actor=provider, value=row)
            started = time.monotonic()
            workflow.value_approve(actor=verifier, value=row)

        client = client_for(county, user=county_admin)
        deadline = time.monotonic() + 15
        html = ""
        while time.monotonic() < deadline:
            html = client.get(f"/partnerships/{partnership.pk}/?period=2024/25 Q4").content.decode()
            if "412" in html:
                break
            time.sleep(0.1)
        elapsed = time.monotonic() - started
        assert "412" in html, "the approved value never reached the county's dashboard"
        assert f"Approved by {verifier.full_name}" in html
        assert elapsed < 15
