"""The issue's "done when", through the pages with the real worker and broker: a county forms
a partnership, its district, the police and a health body accept on their own hosts, every
party signs the agreement, and a value the police approve reaches the district's dashboard."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from goldenthread.partnerships.models import AgreementVersion, Partnership, PartnershipInvitation
from tests.fixtures.worker import wait_for


@pytest.mark.worker
def test_formed_agreed_and_signed_through_the_pages_then_an_approval_crosses(
    partnership_organisations, celery_worker, django_db_blocker, client_for
):
    from goldenthread.platform.accounts.services import user_create
    from goldenthread.platform.indicators.services import values, workflow
    from goldenthread.platform.indicators.services.indicators import indicator_create

    orgs = {k: partnership_organisations[k] for k in ("county", "district", "police", "health")}
    tag = uuid.uuid4().hex[:8]
    code = f"PAGES-{tag}"

    def person(org, role):
        with schema_context(org.schema_name):
            return user_create(
                email=f"{role}-{tag}@{org.slug}.example",
                full_name=f"{role.title()} {tag}",
                roles=[role],
                password="correct-horse-battery-staple",
            )

    with django_db_blocker.unblock():
        admins = {key: person(org, "org_admin") for key, org in orgs.items()}
        provider, verifier = (
            person(orgs["police"], "data_provider"),
            person(orgs["police"], "verifier"),
        )

        def browser(key):
            return client_for(orgs[key], user=admins[key])

        county = browser("county")
        name = f"Wealdshire partnership {tag}"
        county.post(
            "/partnerships/new/",
            {"name": name, "type": "county_wide", "starts_on": "2024-04-01"},
        )
        partnership = Partnership.objects.get(name=name)
        for key in ("district", "police", "health"):
            county.post(
                f"/partnerships/{partnership.pk}/members/",
                {"organisation": orgs[key].pk, "role": "member"},
            )
            invitation = PartnershipInvitation.objects.get(
                partnership=partnership, organisation=orgs[key]
            )
            listing = browser(key).get("/partnerships/").content.decode()
            assert f'href="/partnerships/invitations/{invitation.pk}/"' in listing
            accepted = browser(key).post(f"/partnerships/invitations/{invitation.pk}/accept/", {})
            assert accepted.status_code == 302
        assert set(
            PartnershipInvitation.objects.filter(partnership=partnership).values_list(
                "status", flat=True
            )
        ) == {"accepted"}

        county.post(
            f"/partnerships/{partnership.pk}/indicators/",
            {
                "code": code,
                "title": "Violent crime",
                "polarity": "lower",
                "frequency": "quarterly",
                "decimal_places": "0",
                "aggregation": "sum",
                "factor": "1",
            },
        )
        county.post(
            f"/partnerships/{partnership.pk}/agreements/new/",
            {
                "title": f"County-wide sharing {tag}",
                "parties": [org.pk for org in orgs.values()],
                "partnership_codes": [code],
                "shared_fields": ["values"],
                "purpose": "County-wide performance reporting",
                "lawful_basis": "not_personal",
                "retention_months": "24",
                "starts_on": "2024-04-01",
            },
        )
        version = AgreementVersion.objects.get(agreement__partnership=partnership)
        county.post(f"/partnerships/agreements/{version.pk}/send/", {})
        for key in orgs:
            browser(key).post(f"/partnerships/agreements/{version.pk}/accept/", {})
        version.refresh_from_db()
        assert version.status == "active"

        with schema_context(orgs["police"].schema_name):
            pi = indicator_create(
                actor=admins["police"],
                code=code,
                title="Violent crime (police)",
                unit_kind="number",
                polarity="lower",
                frequency="quarterly",
                decimal_places=0,
                data_providers=[provider],
            )
            row = values.value_enter(
                actor=provider, indicator=pi, period_code="2024/25 Q4", value=Decimal(389)
            )
            workflow.value_submit(actor=provider, value=row)
            workflow.value_approve(actor=verifier, value=row)

        district = browser("district")

        def district_sees_it():
            html = district.get(
                f"/partnerships/{partnership.pk}/?period=2024/25 Q4"
            ).content.decode()
            return html if "389" in html else None

        html = wait_for(district_sees_it, timeout=15, what="the police value on the dashboard")
        assert f"Approved by {verifier.full_name}" in html
        assert f"County-wide sharing {tag} v1" in html
