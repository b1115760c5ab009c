"""Two publishers of the same key at once (two workers, or an approval racing a
publish-existing task) must leave one current revision, never two and never an error."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal

import pytest

from goldenthread.shared_indicators.publication.models import PublishedValue
from goldenthread.shared_indicators.publication.services import publish_value

from .helpers import agreement, committed, make_snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("figures", [("5", "5"), ("5", "6")], ids=["identical", "different"])
def test_concurrent_publishers_of_one_key_leave_one_current_revision(org_a, bases, figures):
    code = f"NI C{uuid.uuid4().hex[:8]}"
    bases.cover(org_a, code, agreement())
    start = threading.Barrier(len(figures))
    errors: list[BaseException] = []

    def publisher(value: str):
        def work():
            start.wait(timeout=10)
            publish_value(
                organisation=org_a,
                snapshot=make_snapshot(indicator_code=code, value=Decimal(value)),
            )

        try:
            committed(work)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=publisher, args=(value,)) for value in figures]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    try:
        assert errors == []
        rows = list(PublishedValue.objects.filter(organisation=org_a, indicator_code=code))
        assert sum(row.is_current for row in rows) == 1
        expected_revisions = len(set(figures))
        assert sorted(row.revision for row in rows) == list(range(1, expected_revisions + 1))
    finally:
        # Committed by the publishers' own connections: remove them for the next tests.
        committed(
            lambda: PublishedValue.objects.filter(organisation=org_a, indicator_code=code).delete()
        )
