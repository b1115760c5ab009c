"""Shared indicators, partnership targets and members' cascaded shares through the pages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from goldenthread.partnerships.models import (
    CascadedTarget,
    PartnershipIndicator,
    PartnershipTarget,
)
from goldenthread.shared_indicators.models import CatalogueIndicator

from .conftest import error_messages, get, post

pytestmark = pytest.mark.django_db


def own_indicator(**overrides):
    data = {
        "catalogue_code": "",
        "code": "WCSP-ASB",
        "title": "Anti-social behaviour incidents",
        "definition": "Incidents reported to the police and councils",
        "unit_label": "incidents",
        "polarity": "lower",
        "frequency": "quarterly",
        "decimal_places": "0",
        "aggregation": "sum",
        "factor": "1",
    }
    data.update(overrides)
    return data


def test_the_lead_adds_its_own_and_a_catalogue_indicator(scenario, client_for):
    county = scenario.parties.county
    url = f"/partnerships/{scenario.partnership.pk}/indicators/"
    CatalogueIndicator.objects.create(
        code="NI 998-PT",
        title="Repeat incidents of domestic violence",
        unit="%",
        polarity="lower",
        frequency="quarterly",
        decimal_places=1,
    )

    own = post(client_for, county, url, own_indicator())
    catalogue = post(
        client_for, county, url, own_indicator(catalogue_code="NI 998-PT", code="", title="")
    )

    assert own.status_code == catalogue.status_code == 302
    made = PartnershipIndicator.objects.get(partnership=scenario.partnership, code="WCSP-ASB")
    assert (made.title, made.polarity, made.aggregation, made.decimal_places) == (
        "Anti-social behaviour incidents",
        "lower",
        "sum",
        0,
    )
    adopted = PartnershipIndicator.objects.get(partnership=scenario.partnership, code="NI 998-PT")
    assert adopted.is_catalogue_based and adopted.title == "Repeat incidents of domestic violence"
    listing = get(client_for, scenario.parties.police, url, user=scenario.parties.police.reader)
    html = listing.content.decode()
    assert "WCSP-ASB" in html and "National catalogue" in html
    assert "Add a shared indicator" not in html


@pytest.mark.parametrize(
    ("overrides", "field_id", "words"),
    [
        ({"code": ""}, "id_code", "needs a code"),
        ({"title": ""}, "id_title", "cannot be blank"),
        ({"aggregation": "median"}, "id_aggregation", "valid choice"),
        ({"decimal_places": "9"}, "id_decimal_places", "less than or equal to 6"),
    ],
)
def test_bad_indicator_input_names_the_field(scenario, client_for, overrides, field_id, words):
    before = PartnershipIndicator.objects.filter(partnership=scenario.partnership).count()

    response = post(
        client_for,
        scenario.parties.county,
        f"/partnerships/{scenario.partnership.pk}/indicators/",
        own_indicator(**overrides),
    )

    summary = error_messages(response)
    assert response.status_code == 200 and f'href="#{field_id}"' in summary, summary
    assert words in summary
    assert PartnershipIndicator.objects.filter(partnership=scenario.partnership).count() == before


def test_targets_and_cascaded_shares_are_set_on_the_indicators_page(scenario, client_for):
    county, district = scenario.parties.county, scenario.parties.district
    indicator = scenario.indicators["sum"]
    url = f"/partnerships/indicators/{indicator.pk}/targets/"

    target = post(
        client_for,
        county,
        url,
        {"form": "target", "target-period_code": "2024/25 Q4", "target-value": "120"},
    )
    split = post(
        client_for,
        county,
        url,
        {
            "form": "share",
            "share-member": district.organisation.pk,
            "share-period_code": "2024/25 Q4",
            "share-value": "45.5",
        },
    )

    assert target.status_code == split.status_code == 302
    assert PartnershipTarget.objects.get(indicator=indicator, period_code="2024/25 Q4").value == 120
    share = CascadedTarget.objects.get(indicator=indicator, organisation=district.organisation)
    assert (share.period_code, share.value, share.set_by) == (
        "2024/25 Q4",
        Decimal("45.5"),
        county.admin.email,
    )
    html = get(client_for, district, url, user=district.reader).content.decode()
    assert "120.0" in html and "45.5" in html and district.name in html
    assert "Set the partnership target" not in html


def test_target_refusals(scenario, client_for):
    parties = scenario.parties
    indicator = scenario.indicators["sum"]
    url = f"/partnerships/indicators/{indicator.pk}/targets/"
    data = {"form": "target", "target-period_code": "2024/25 Q4", "target-value": "1"}

    assert post(client_for, parties.police, url, data).status_code == 403
    assert (
        post(client_for, parties.county, url, data, user=parties.county.reader).status_code == 403
    )
    assert post(client_for, parties.outsider, url, data).status_code == 404
    assert get(client_for, parties.outsider, url).status_code == 404
    monthly = post(client_for, parties.county, url, {**data, "target-period_code": "2024-05"})
    nonsense = post(client_for, parties.county, url, {**data, "target-value": "lots"})

    assert 'href="#id_target-period_code"' in error_messages(monthly)
    assert 'href="#id_target-value"' in error_messages(nonsense)
    assert not PartnershipTarget.objects.filter(indicator=indicator).exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12,5", "The target &#x27;12,5&#x27; looks like 12.5 written with a decimal comma"),
        ("1,234", "The target &#x27;1,234&#x27; could be 1234 (a comma between thousands)"),
        ("1.234,5", "looks like 1234.5 written with a decimal comma and dots between thousands"),
    ],
)
def test_a_target_with_a_decimal_comma_is_refused_saying_what_to_type(
    scenario, client_for, typed, message
):
    indicator = scenario.indicators["sum"]
    url = f"/partnerships/indicators/{indicator.pk}/targets/"
    data = {"form": "target", "target-period_code": "2024/25 Q4", "target-value": typed}
    refused = post(client_for, scenario.parties.county, url, data)
    assert message in refused.content.decode()
    assert 'href="#id_target-value"' in error_messages(refused)
    assert not PartnershipTarget.objects.filter(indicator=indicator).exists()
    saved = post(client_for, scenario.parties.county, url, {**data, "target-value": " 1,234.5 "})
    assert saved.status_code == 302
    assert PartnershipTarget.objects.get(indicator=indicator).value == Decimal("1234.5")
