"""Through the real broker and a real worker: a value approved in a member's schema is
published by the worker, whose transaction also refreshes the club's ranking table, and
another member then sees it in the comparison.

The worker has its own connection, so the setup is committed (`committed`: a thread with its
own autocommit connection, so on_commit fires as in production) and removed at the end.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from goldenthread.platform.core.periods import parse_period
from goldenthread.shared_indicators.benchmarking import selectors, services
from goldenthread.shared_indicators.benchmarking.models import Club
from goldenthread.shared_indicators.publication.models import PublishedValue
from goldenthread.tenants.models import Organisation
from tests.fixtures.worker import wait_for
from tests.shared_indicators.benchmarking.helpers import ADMIN, make_club, make_indicator, make_org
from tests.shared_indicators.publication.helpers import (
    Member,
    approved_value,
    committed,
    local_indicator,
    provision_committed_member,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db]

Q1 = "2024/25 Q1"


@pytest.fixture(scope="module")
def member(django_db_setup, django_db_blocker) -> Member:
    return provision_committed_member(django_db_blocker, prefix="bmw", name="Benchmarked")


def test_an_approved_value_reaches_the_comparison_through_the_worker(celery_worker, member):
    # given a named club run by a peer, in which the member consents to compare an indicator
    # its PI publishes under (the peer has no schema, so it gives no consent of its own)
    def setup():
        indicator = make_indicator()
        peer = make_org("Worker Peer Council")
        club = make_club(
            peer, [member.organisation], indicator, anonymised=False, minimum=1, consent=False
        )
        services.consent_give(
            actor=ADMIN, organisation=member.organisation, club=club, indicator_code=indicator.code
        )
        return indicator, peer, club, local_indicator(member, indicator.code)

    indicator, peer, club, pi = committed(setup)
    try:
        # when a value is approved through the workflow (committed, so the task is queued)
        committed(lambda: approved_value(member, pi, Q1, "61.5"))

        # then the worker publishes it and the peer sees it ranked in the comparison (read,
        # and so logged, in a committed thread: the log row goes with the peer at clean-up)
        def shown():
            return committed(read)

        def read():
            view = selectors.comparison_for(
                reader=peer,
                reader_user=None,
                interface="page",
                club=Club.objects.get(pk=club.pk),
                indicator_code=indicator.code,
                periods=[parse_period(Q1)],
                today=date(2025, 6, 1),
            )
            result = view.comparison.periods[0]
            return result if result.shown else None

        result = wait_for(shown, timeout=15, what="the value in the comparison")
        (entry,) = result.entries
        assert (entry.label, entry.value, entry.rank, entry.is_you) == (
            member.organisation.name,
            Decimal("61.5"),
            1,
            False,
        )
        assert result.summary.count == 1
    finally:

        def remove():
            # The catalogue indicator stays (its code is unique): the member's PI refers to it.
            Club.objects.filter(pk=club.pk).delete()
            PublishedValue.objects.filter(indicator_code=indicator.code).delete()
            Organisation.objects.filter(pk=peer.pk).delete()

        committed(remove)
