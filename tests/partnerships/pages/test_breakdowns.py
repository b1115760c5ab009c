"""Breakdowns by area or group on the dashboard: a table per indicator and period where an
agreement the reader is party to grants "breakdowns", and no trace of them otherwise."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from goldenthread.partnerships import services

from ..conftest import approve, local_pi, publish_pending, sign_all
from .conftest import get

pytestmark = pytest.mark.django_db


def approve_ward(party, code, period_code, ward_name, value):
    """Enter, submit and approve a ward figure in the member's own schema."""
    from goldenthread.platform.indicators.models import SubArea
    from goldenthread.platform.indicators.services import values, workflow
    from goldenthread.platform.indicators.services.indicators import sub_area_create

    pi = local_pi(party, code)
    with schema_context(party.organisation.schema_name):
        ward = SubArea.objects.filter(kind="ward", name=ward_name).first() or sub_area_create(
            actor=party.officer, kind="ward", name=ward_name
        )
        row = values.value_enter(
            actor=party.provider,
            indicator=pi,
            period_code=period_code,
            value=Decimal(str(value)),
            sub_area=ward,
        )
        workflow.value_submit(actor=party.provider, value=row)
        workflow.value_approve(actor=party.verifier, value=row)


def share(scenario, fields):
    county = scenario.parties.county
    services.agreement_version_update(
        version=scenario.version,
        organisation=county.organisation,
        actor=county.admin,
        fields=fields,
    )
    return sign_all(scenario)


def dashboard(client_for, scenario, party):
    return get(
        client_for,
        party,
        f"/partnerships/{scenario.partnership.pk}/?period=2024/25 Q4",
        user=party.reader,
    ).content.decode()


def test_granted_breakdowns_show_as_a_table_per_indicator_and_period(scenario, client_for):
    police = scenario.parties.police
    code = scenario.indicators["sum"].code
    share(scenario, ["values", "breakdowns"])
    approve(police, code, "2024/25 Q4", 30)
    approve_ward(police, code, "2024/25 Q4", "Northgate", 12)
    approve_ward(police, code, "2024/25 Q3", "Southgate", 7)
    publish_pending(police, [code])

    html = dashboard(client_for, scenario, scenario.parties.health)

    assert f"{code}: breakdowns by area or group" in html
    q4 = html.index(f"{code}: breakdowns for 2024/25 Q4")
    q3 = html.index(f"{code}: breakdowns for 2024/25 Q3")
    assert q4 < q3  # newest period first
    q4_table = html[q4 : html.index("</table>", q4)]
    assert "Wealdshire Police" in q4_table and "Ward" in q4_table
    assert "Northgate" in q4_table and "12.0" in q4_table and "Southgate" not in q4_table
    # Ward figures are not whole-area contributions: the partnership figure is the 30 alone.
    assert "30.0" in html


def test_without_a_breakdowns_grant_there_is_no_breakdown_section(scenario, client_for):
    police = scenario.parties.police
    code = scenario.indicators["sum"].code
    share(scenario, ["values", "targets"])
    approve(police, code, "2024/25 Q4", 30)
    approve_ward(police, code, "2024/25 Q4", "Northgate", 12)
    publish_pending(police, [code])

    html = dashboard(client_for, scenario, scenario.parties.health)

    assert "30.0" in html
    assert "breakdowns" not in html.lower() and "Northgate" not in html
