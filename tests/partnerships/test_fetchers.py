"""Partnerships and their shared indicators are public-schema data, read through one fetcher
each (`partnership_get_for`, `shared_indicator_get_for`) that takes the reader: another
organisation's id is not found through the pages, REST and GraphQL alike, and nothing changes.
"""

from __future__ import annotations

from datetime import date

import pytest

from goldenthread.partnerships import services
from goldenthread.partnerships.models import PartnershipTarget
from goldenthread.partnerships.selectors import partnership_get_for, shared_indicator_get_for
from goldenthread.platform.core.errors import NotFound

from .conftest import unique_code
from .test_graphql import run

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(parties):
    """A partnership the outsider leads, with one shared indicator: none of the county's."""
    outsider = parties.outsider
    partnership = services.partnership_create(
        organisation=outsider.organisation,
        actor=outsider.admin,
        name="Elsewhere Safer Streets",
        type="community_safety",
        starts_on=date(2024, 4, 1),
    )
    indicator = services.partnership_indicator_create(
        partnership=partnership,
        organisation=outsider.organisation,
        actor=outsider.admin,
        aggregation="sum",
        code=unique_code("ELSE"),
        title="Elsewhere burglaries",
        polarity="lower",
        frequency="quarterly",
        decimal_places=0,
        factor=1,
    )
    return partnership, indicator


def test_the_fetchers_find_only_the_readers_own_partnerships(parties, elsewhere):
    partnership, indicator = elsewhere
    outsider, county = parties.outsider.organisation, parties.county.organisation

    assert partnership_get_for(reader=outsider, partnership_id=partnership.pk) == partnership
    assert shared_indicator_get_for(reader=outsider, indicator_id=indicator.pk) == indicator
    for reader in (county, None):
        with pytest.raises(NotFound, match="no such partnership"):
            partnership_get_for(reader=reader, partnership_id=partnership.pk)
        with pytest.raises(NotFound, match="no such shared indicator"):
            shared_indicator_get_for(reader=reader, indicator_id=indicator.pk)
    # An id that does not exist reads exactly the same.
    with pytest.raises(NotFound, match="no such partnership"):
        partnership_get_for(reader=outsider, partnership_id=partnership.pk + 10_000)


def test_another_organisations_partnership_is_not_found_on_the_pages(
    parties, elsewhere, client_for
):
    partnership, indicator = elsewhere
    county = client_for(parties.county.organisation, user=parties.county.admin)

    for path in (
        f"/partnerships/{partnership.pk}/",
        f"/partnerships/{partnership.pk}/report/",
        f"/partnerships/{partnership.pk}/members/",
        f"/partnerships/{partnership.pk}/indicators/",
        f"/partnerships/indicators/{indicator.pk}/targets/",
    ):
        assert county.get(path).status_code == 404, path
    refused = county.post(
        f"/partnerships/indicators/{indicator.pk}/targets/",
        {"form": "target", "target-period_code": "2024/25 Q4", "target-value": "5"},
    )
    assert refused.status_code == 404
    assert not PartnershipTarget.objects.filter(indicator=indicator).exists()
    # while the outsider's own manager reaches the same pages
    own = client_for(parties.outsider.organisation, user=parties.outsider.admin)
    assert own.get(f"/partnerships/indicators/{indicator.pk}/targets/").status_code == 200


def test_another_organisations_partnership_is_not_found_through_rest(
    parties, elsewhere, client_for
):
    partnership, indicator = elsewhere
    county = client_for(parties.county.organisation, user=parties.county.admin)

    for path in (
        f"/api/v1/partnerships/{partnership.pk}/dashboard/",
        f"/api/v1/partnerships/{partnership.pk}/members/",
        f"/api/v1/partnerships/{partnership.pk}/indicators/",
    ):
        response = county.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    refused = county.post(
        f"/api/v1/partnerships/indicators/{indicator.pk}/targets/",
        {"period_code": "2024/25 Q4", "value": "5"},
        content_type="application/json",
    )
    assert refused.status_code == 404
    assert refused.json() == {
        "message": "There is no such shared indicator.",
        "code": "not_found",
        "extra": {},
    }
    assert not PartnershipTarget.objects.filter(indicator=indicator).exists()


def test_another_organisations_partnership_is_not_found_through_graphql(
    parties, elsewhere, client_for
):
    partnership, _ = elsewhere
    query = "query($id: ID!) { partnership(id: $id) { name } }"
    county = client_for(parties.county.organisation, user=parties.county.admin)
    outsider = client_for(parties.outsider.organisation, user=parties.outsider.admin)

    assert run(county, query, id=str(partnership.pk)).json() == {"data": {"partnership": None}}
    assert run(outsider, query, id=str(partnership.pk)).json() == {
        "data": {"partnership": {"name": "Elsewhere Safer Streets"}}
    }
