"""Publication lag (approval to visible in the store) is recorded by the real worker when it
publishes, without the organisation as a metric attribute."""

from __future__ import annotations

import uuid

import pytest

from goldenthread.platform import metrics
from goldenthread.platform.telemetry import ORGANISATION_ATTRIBUTE
from goldenthread.shared_indicators.publication.models import PublishedValue
from tests.fixtures.worker import wait_for

from .helpers import (
    Member,
    agreement,
    approved_value,
    committed,
    local_indicator,
    provision_committed_member,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db]


@pytest.fixture(scope="module")
def lag_member(django_db_setup, django_db_blocker) -> Member:
    return provision_committed_member(django_db_blocker, prefix="lag", name="Lag")


def lag_reading(read_metrics) -> tuple[int, float]:
    point = read_metrics().point(metrics.PUBLICATION_LAG)
    return (point.count, point.sum) if point is not None else (0, 0.0)


def lag_point(read_metrics, *, more_than: int):
    """The lag's data point once its count passes `more_than`. One reading: exemplars are
    those sampled since the previous collection, so a second reading would have none."""

    def reading():
        point = read_metrics().point(metrics.PUBLICATION_LAG)
        return point if point is not None and point.count > more_than else None

    return wait_for(reading, what="the lag")


def test_a_published_approval_records_its_lag(celery_worker, lag_member, bases, read_metrics):
    code = f"LAG {uuid.uuid4().hex[:6]}"
    bases.cover(lag_member.organisation, code, agreement("values"))
    pi = committed(lambda: local_indicator(lag_member, code))
    count_before, sum_before = lag_reading(read_metrics)

    row = committed(lambda: approved_value(lag_member, pi, "2024/25 Q1", "7"))
    wait_for(
        lambda: PublishedValue.objects.filter(source_value_id=row.pk, indicator_code=code).exists(),
        what="the published value",
    )

    point = lag_point(read_metrics, more_than=count_before)
    assert point.count == count_before + 1
    # Positive and plausible: the worker published within the wait above.
    assert 0 < point.sum - sum_before < 60
    assert ORGANISATION_ATTRIBUTE not in point.attributes
    assert any(
        e.filtered_attributes.get(ORGANISATION_ATTRIBUTE) == lag_member.organisation.schema_name
        for e in point.exemplars
        if e.filtered_attributes
    )


def test_nothing_published_records_no_lag(celery_worker, lag_member, bases, read_metrics):
    # A value no basis covers is not published: it never became visible, so it has no lag.
    code = f"LAG {uuid.uuid4().hex[:6]}"
    pi = committed(lambda: local_indicator(lag_member, code))
    covered = f"LAG {uuid.uuid4().hex[:6]}"
    bases.cover(lag_member.organisation, covered, agreement("values"))
    covered_pi = committed(lambda: local_indicator(lag_member, covered))
    count_before, _ = lag_reading(read_metrics)

    committed(lambda: approved_value(lag_member, pi, "2024/25 Q1", "1"))
    sentinel = committed(lambda: approved_value(lag_member, covered_pi, "2024/25 Q1", "2"))
    wait_for(
        lambda: PublishedValue.objects.filter(source_value_id=sentinel.pk).exists(),
        what="the sentinel (the worker takes tasks in order)",
    )

    assert wait_for(lambda: lag_reading(read_metrics)[0] >= count_before + 1, what="the lag")
    assert lag_reading(read_metrics)[0] == count_before + 1  # the sentinel's only
