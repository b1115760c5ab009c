"""Through the real broker and a real worker: approval in an organisation's schema is
published by the worker, in that schema.

The worker has its own connection, so what it reads must be committed: the writes run in a
separate thread (`committed`, its own autocommit connection, so on_commit fires as in
production), in an organisation of this module's own with a unique slug. The test's own
transaction reads the store: at READ COMMITTED it sees what the worker commits.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.db import transaction

from goldenthread.platform.indicators.services.workflow import value_approve, value_submit
from goldenthread.shared_indicators.publication.models import PublishedValue
from goldenthread.shared_indicators.publication.tasks import queue_publish_existing
from tests.fixtures.worker import wait_for as shared_wait_for

from .helpers import (
    Member,
    agreement,
    approved_value,
    committed,
    local_indicator,
    provision_committed_member,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db]

TIMEOUT_SECONDS = 10


def wait_for(find):
    return shared_wait_for(find, timeout=TIMEOUT_SECONDS, what="the published value")


@pytest.fixture(scope="module")
def worker_member(django_db_setup, django_db_blocker) -> Member:
    return provision_committed_member(django_db_blocker, prefix="pub", name="Publication")


def unique_code() -> str:
    return f"LP {uuid.uuid4().hex[:6]}"


def test_an_approval_is_published_by_the_worker(celery_worker, worker_member, bases):
    member = worker_member
    code = unique_code()
    basis = agreement("values")
    bases.cover(member.organisation, code, basis)
    pi = committed(lambda: local_indicator(member, code))

    # when the value is approved through the service (committed, so on_commit fires)
    row = committed(lambda: approved_value(member, pi, "2024/25 Q1", "61.5"))

    # then the worker publishes it, in the member's schema, with its provenance
    stored = wait_for(
        lambda: (
            PublishedValue.objects.filter(
                organisation=member.organisation, source_value_id=row.pk, indicator_code=code
            )
            .prefetch_related("grants")
            .first()
        )
    )
    assert stored.organisation_id == member.organisation.pk
    assert (stored.value, stored.period_code) == (Decimal("61.5"), "2024/25 Q1")
    assert (stored.approved_by_name, stored.approved_at) == ("Vera Verifier", row.approved_at)
    assert (stored.revision, stored.is_current) == (1, True)
    assert [(g.basis_type, g.basis_id) for g in stored.grants.all()] == [("agreement", basis.id)]


def drain(member, bases) -> None:
    """Wait until the worker has run every task queued so far: approve a sentinel value
    under a basis and wait for it (the solo worker takes tasks in order)."""
    code = unique_code()
    bases.cover(member.organisation, code, agreement("values"))

    def sentinel():
        return approved_value(member, local_indicator(member, code), "2024/25 Q1", "0")

    row = committed(sentinel)
    wait_for(lambda: PublishedValue.objects.filter(source_value_id=row.pk, indicator_code=code))


def test_nothing_reaches_the_store_without_a_basis(celery_worker, worker_member, bases):
    member = worker_member
    code = unique_code()
    pi = committed(lambda: local_indicator(member, code))
    committed(lambda: approved_value(member, pi, "2024/25 Q1", "1"))
    drain(member, bases)
    assert not PublishedValue.objects.filter(indicator_code=code).exists()


def test_a_correction_is_restated_by_the_worker(celery_worker, worker_member, bases):
    from goldenthread.platform.indicators.services.values import value_enter
    from goldenthread.platform.indicators.services.workflow import value_reopen

    member = worker_member
    code = unique_code()
    bases.cover(member.organisation, code, agreement("values"))
    pi = committed(lambda: local_indicator(member, code))
    row = committed(lambda: approved_value(member, pi, "2024/25 Q2", "10"))
    first = wait_for(
        lambda: PublishedValue.objects.filter(source_value_id=row.pk, indicator_code=code).first()
    )

    def correct():
        with member.schema():
            value_reopen(actor=member.officer, value=row, reason="Miscounted")
            value_enter(actor=member.provider, indicator=pi, period_code="2024/25 Q2", value="12")
            value_submit(actor=member.provider, value=row)
            value_approve(actor=member.verifier, value=row)

    committed(correct)

    second = wait_for(
        lambda: PublishedValue.objects.filter(
            source_value_id=row.pk, indicator_code=code, revision=2
        ).first()
    )
    first.refresh_from_db()
    assert (first.is_current, first.value) == (False, Decimal("10"))
    assert first.superseded_at is not None
    assert (second.is_current, second.value) == (True, Decimal("12"))


def test_publish_existing_runs_in_the_members_schema(celery_worker, worker_member, bases):
    member = worker_member
    code = unique_code()
    pi = committed(lambda: local_indicator(member, code))
    # approved before any basis covered the code: nothing published then
    rows = committed(
        lambda: [approved_value(member, pi, period, "3") for period in ("2024/25 Q1", "2024/25 Q2")]
    )

    drain(member, bases)
    assert not PublishedValue.objects.filter(indicator_code=code).exists()

    # when an agreement becomes active and the existing values are queued (from the public
    # schema, as partnerships would, inside its own transaction)
    bases.cover(member.organisation, code, agreement("values"))

    def agreement_activated():
        with transaction.atomic():
            queue_publish_existing(organisation=member.organisation, indicator_codes=[code])

    committed(agreement_activated)

    published = wait_for(
        lambda: (
            found
            if len(found := list(PublishedValue.objects.filter(indicator_code=code))) == 2
            else None
        )
    )
    assert {p.source_value_id for p in published} == {r.pk for r in rows}
    assert {p.organisation_id for p in published} == {member.organisation.pk}
