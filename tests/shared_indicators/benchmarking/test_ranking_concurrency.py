"""Two publications for one club indicator and period at once (two workers) must both reach
the ranking table: the second refresh waits for the first transaction to commit and then sees
its value, instead of failing or ranking without it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from goldenthread.shared_indicators.benchmarking.models import (
    Club,
    ClubConsent,
    RankingEntry,
)
from goldenthread.shared_indicators.benchmarking.services.rankings.refresh import refresh_club
from goldenthread.shared_indicators.publication.models import PublishedValue
from goldenthread.tenants.models import Organisation
from tests.fixtures.worker import wait_for
from tests.shared_indicators.benchmarking.helpers import (
    make_club,
    make_indicator,
    make_org,
    publish,
)
from tests.shared_indicators.publication.helpers import committed

pytestmark = pytest.mark.django_db

Q1 = "2024/25 Q1"


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _blocked_by_me(other_pid: int) -> bool:
    """Whether that PostgreSQL process is waiting for a lock this connection holds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid() = ANY(pg_blocking_pids(%s))", [other_pid])
        return cursor.fetchone()[0]


def test_concurrent_publications_for_one_period_are_both_ranked():
    def setup():
        indicator = make_indicator()
        orgs = [make_org(f"Concurrent Council {i}") for i in range(3)]
        club = make_club(orgs[0], orgs[1:], indicator, anonymised=False, minimum=1, consent=False)
        # Consents made directly: the service would queue publication tasks for members that
        # have no schema.
        club_indicator = club.indicators.get()
        for membership in club.memberships.all():
            ClubConsent.objects.create(
                membership=membership, club_indicator=club_indicator, given_by="test"
            )
        refresh_club(club)
        return indicator, orgs, club

    indicator, orgs, club = committed(setup)
    first_published = threading.Event()
    second_backend: list[int] = []  # the second publication's PostgreSQL process
    errors: list[BaseException] = []

    def first():
        with transaction.atomic():
            publish(orgs[0], indicator, Q1, 10)
            first_published.set()
            # Held open until the second publication is waiting for a lock this one holds
            # (the club indicator's advisory lock), so the two really overlap.
            wait_for(
                lambda: second_backend and _blocked_by_me(second_backend[0]),
                what="the second publication to wait for the first",
            )

    def second():
        first_published.wait(timeout=10)
        second_backend.append(_backend_pid())
        with transaction.atomic():
            publish(orgs[1], indicator, Q1, 20)

    def in_thread(work):
        def run():
            try:
                committed(work)
            except BaseException as error:
                errors.append(error)

        return threading.Thread(target=run)

    threads = [in_thread(first), in_thread(second)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert errors == []
        entries = RankingEntry.objects.filter(ranking_period__club_indicator__club=club)
        assert set(entries.values_list("organisation_id", "place")) == {
            (orgs[1].id, 1),
            (orgs[0].id, 2),
        }
    finally:

        def remove():
            Club.objects.filter(pk=club.pk).delete()
            PublishedValue.objects.filter(indicator_code=indicator.code).delete()
            Organisation.objects.filter(pk__in=[org.pk for org in orgs]).delete()

        committed(remove)
