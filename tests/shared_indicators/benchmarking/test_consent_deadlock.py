"""Giving and withdrawing consent while the worker publishes the member's values, from
several threads at once, never deadlocks.

Before the lock order was fixed, withdrawing consent locked the consent rows and the store's
rows, then waited for the club indicator's ranking lock, while a publication held that lock
and waited (through a foreign-key check of the ranking refresh, or the store's row) for one of
the rows the withdrawal held: PostgreSQL broke the cycle by aborting one of them ("deadlock
detected"). Now every writer takes the ranking locks first (`rankings.refresh`, the order is
documented there).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from goldenthread.shared_indicators.benchmarking import services
from goldenthread.shared_indicators.benchmarking.models import Club
from goldenthread.shared_indicators.publication.models import PublishedValue
from goldenthread.tenants.models import Organisation
from tests.fixtures.threads import allow_database_in_this_thread
from tests.shared_indicators.benchmarking.helpers import (
    ADMIN,
    make_club,
    make_indicator,
    make_org,
    publish,
)
from tests.shared_indicators.publication.helpers import committed

pytestmark = pytest.mark.django_db

PERIODS = ["2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4"]
ROUNDS = 12


def test_giving_and_withdrawing_consent_while_values_publish_never_deadlocks(
    monkeypatch, django_db_blocker
):
    # The publication the service queues on commit is run by the publishing threads below
    # instead (these members have no schema for the worker to read them from).
    monkeypatch.setattr(services, "queue_publish_existing", lambda **_kwargs: None)

    def setup():
        indicator = make_indicator()
        orgs = [make_org(f"Deadlock Council {i}") for i in range(3)]
        club = make_club(orgs[0], orgs[1:], indicator, anonymised=False, minimum=1)
        return indicator, orgs, club

    indicator, orgs, club = committed(setup)
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def in_thread(work):
        def run():
            allow_database_in_this_thread(django_db_blocker)
            try:
                start.wait(timeout=10)
                work()
            except BaseException as error:  # reported by the test
                errors.append(error)
            finally:
                connections.close_all()

        return threading.Thread(target=run)

    def toggle(member):
        def work():
            for _ in range(ROUNDS):
                services.consent_give(
                    actor=ADMIN, organisation=member, club=club, indicator_code=indicator.code
                )
                services.consent_withdraw(
                    actor=ADMIN, organisation=member, club=club, indicator_code=indicator.code
                )

        return work

    def publishing(member, base):
        def work():
            # As `publish_existing_task` does: each value in a transaction of its own.
            for round_ in range(ROUNDS):
                for number, period in enumerate(PERIODS):
                    publish(member, indicator, period, base + round_ + number)

        return work

    threads = [
        in_thread(toggle(orgs[1])),
        in_thread(toggle(orgs[2])),
        in_thread(publishing(orgs[1], 10)),
        in_thread(publishing(orgs[2], 50)),
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
        assert errors == [], "\n".join(f"{type(e).__name__}: {e}" for e in errors)
    finally:

        def remove():
            Club.objects.filter(pk=club.pk).delete()
            PublishedValue.objects.filter(indicator_code=indicator.code).delete()
            Organisation.objects.filter(pk__in=[org.pk for org in orgs]).delete()

        committed(remove)
