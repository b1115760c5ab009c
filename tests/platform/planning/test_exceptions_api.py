"""REST's exception lists carry what the exceptions page shows for a PI: periods off target
in a row, special cause concerning, and the data-quality score in words; in a fixed number of
queries per page; nothing of another organisation."""

from __future__ import annotations

import pytest

from tests.platform.planning.test_exceptions import _series

API = "/api/v1/planning/exceptions"
BASE = [10, 12, 11, 13, 12, 10, 11, 12, 13, 11, 12, 10, 12, 11, 13]


@pytest.fixture
def exceptional(build):
    from tests.factories import IndicatorFactory

    red = IndicatorFactory(code="RED-3", polarity="higher")
    _series(red, [(50, "on_target"), (40, "off_target"), (41, "off_target"), (39, "off_target")])
    falling = IndicatorFactory(code="SPC-LOW", polarity="higher")
    _series(falling, [(n, "on_target") for n in [*BASE, 2]])
    return red, falling


def test_off_target_pis_carry_persistence_and_data_quality(
    exceptional, client_for, org_a, people, django_assert_max_num_queries
):
    client = client_for(org_a, user=people["councillor"])
    body = client.get(f"{API}/pis-off-target/").json()
    row = next(item for item in body["results"] if item["code"] == "RED-3")
    assert row["off_target_periods"] == 3
    assert row["special_cause_concerning"] is False
    assert row["data_quality"]["words"] in {"Good", "Some concerns", "Poor", "Not yet assessed"}
    assert row["data_quality"]["summary"].startswith(row["data_quality"]["words"])


def test_special_cause_concerning_pis_are_listed_whatever_their_status(
    exceptional, client_for, org_a, people
):
    client = client_for(org_a, user=people["councillor"])
    response = client.get(f"{API}/pis-special-cause-concerning/")
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [row["code"] for row in rows] == ["SPC-LOW"]
    assert rows[0]["special_cause_concerning"] is True and rows[0]["off_target_periods"] == 0


def test_the_page_of_pis_costs_the_same_queries_whatever_its_size(
    build, client_for, org_a, people, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import IndicatorFactory

    client = client_for(org_a, user=people["councillor"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{API}/pis-off-target/").status_code == 200
        return len(queries)

    pi = IndicatorFactory(code="RED-A", polarity="higher")
    _series(pi, [(40, "off_target"), (39, "off_target")])
    one = count()
    for n in range(4):
        more = IndicatorFactory(code=f"RED-B{n}", polarity="higher")
        _series(more, [(40, "off_target"), (39, "off_target")])
    assert count() == one


def test_another_organisation_sees_none_of_them(exceptional, client_for, org_b, make_user):
    outsider = make_user(org_b, roles=["org_admin"]).user
    client = client_for(org_b, user=outsider)
    for path in ("pis-off-target/", "pis-special-cause-concerning/"):
        codes = [row["code"] for row in client.get(f"{API}/{path}").json()["results"]]
        assert "RED-3" not in codes and "SPC-LOW" not in codes


def test_an_anonymous_caller_is_refused(exceptional, client_for, org_a):
    response = client_for(org_a).get(f"{API}/pis-special-cause-concerning/")
    assert response.status_code == 401
