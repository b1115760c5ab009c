"""Anonymity is a promise: members who consented in an anonymised club are never named with
their values unless they consent again, to being named.

The runner of a club is the one who could break the promise, so it is the runner who tries,
through GraphQL (executed), the club's pages and the service. Naming the members is refused
until the runner confirms; confirming ends every consent given under anonymity, and no value of
a member that has not consented again can then be read under its name: not in a comparison
(GraphQL or page), not in its time series over past periods, not in the ranking table.
"""

from __future__ import annotations

import pytest

from goldenthread.platform.core.errors import Conflict
from goldenthread.shared_indicators.benchmarking import services
from goldenthread.shared_indicators.benchmarking.models import (
    Club,
    ClubConsent,
    ClubEvent,
    ConsentTerms,
)
from goldenthread.shared_indicators.benchmarking.models.rankings import RankingEntry
from goldenthread.shared_indicators.publication.models import PublicationGrant
from tests.shared_indicators.benchmarking.graphql_support import COMPARISON, post
from tests.shared_indicators.benchmarking.helpers import (
    Actor,
    make_club,
    make_indicator,
    make_org,
    publish,
)

pytestmark = pytest.mark.django_db

QUARTERS = ("2024/25 Q1", "2024/25 Q2")

NAME_MEMBERS = """
mutation Name($club: ID!, $confirm: Boolean) {
  benchmarkingClubUpdate(clubId: $club, anonymised: false,
                         endConsentsGivenUnderAnonymity: $confirm) {
    club { anonymised consentsEndedByNaming }
  }
}
"""

ANONYMISE = """
mutation Anonymise($club: ID!) {
  benchmarkingClubUpdate(clubId: $club, anonymised: true) { club { anonymised } }
}
"""

CLUB = """
query Club($club: ID!) { benchmarkingClub(id: $club) { anonymised consentsEndedByNaming } }
"""

HISTORY = """
query History($club: ID!) {
  benchmarkingClubHistory(clubId: $club, first: 100) {
    kind summary subject indicatorCode changes { field old new }
  }
}
"""


def officer_of(org) -> Actor:
    return Actor(email=f"officer@{org.slug}.example")


@pytest.fixture
def runner(org_a, make_user, client_for):
    """org_a's administrator: org_a runs the club."""
    user = make_user(org_a, roles=["org_admin"]).user
    return client_for(org_a, user=user), user


@pytest.fixture
def anonymised_club(org_a, org_b):
    """An anonymised club run by org_a with org_b and four more members (minimum 3), every
    member consenting (under anonymity) and publishing two quarters."""
    indicator = make_indicator()
    hidden = [make_org(f"Hidden Member {i}") for i in range(4)]
    members = [org_a, org_b, *hidden]
    club = make_club(org_a, members[1:], indicator, anonymised=True, minimum=3)
    for i, org in enumerate(members):
        for q, code in enumerate(QUARTERS):
            publish(org, indicator, code, 10 + 2 * i + q)
    return club, indicator, members


def compare(client, club, indicator):
    return post(
        client,
        COMPARISON,
        {"club": str(club.id), "code": indicator.code, "first": QUARTERS[0], "last": QUARTERS[1]},
    )


def state(club) -> tuple:
    """Everything naming the members would change."""
    consents = ClubConsent.objects.filter(club_indicator__club=club)
    return (
        Club.objects.get(pk=club.pk).anonymised,
        sorted(consents.filter(withdrawn_at__isnull=True).values_list("id", flat=True)),
        sorted(
            PublicationGrant.objects.filter(
                basis_type="club_consent", basis_id__in=consents.values("id")
            ).values_list("id", flat=True)
        ),
        ClubEvent.objects.filter(club=club).count(),
    )


def reconsent(club, indicator, orgs) -> None:
    """Members consent again (the club names its members now) and their values are published
    under the new consent, as the worker would."""
    for org in orgs:
        services.consent_give(
            actor=officer_of(org), organisation=org, club=club, indicator_code=indicator.code
        )
        for q, code in enumerate(QUARTERS):
            publish(org, indicator, code, 50 + q)


def test_naming_the_members_is_refused_until_the_runner_confirms(runner, anonymised_club):
    club, indicator, members = anonymised_club
    client, _ = runner
    before = state(club)
    assert post(client, CLUB, {"club": str(club.id)}).json()["data"]["benchmarkingClub"] == {
        "anonymised": True,
        "consentsEndedByNaming": 6,
    }
    response = post(client, NAME_MEMBERS, {"club": str(club.id), "confirm": False}).json()
    (error,) = response["errors"]
    assert error["extensions"]["code"] == "CONFLICT"
    assert "6 consents from 6 members were given on the promise of anonymity" in error["message"]
    assert state(club) == before


def test_a_member_that_does_not_run_the_club_cannot_name_its_members(
    org_b, make_user, client_for, anonymised_club
):
    club, *_ = anonymised_club
    before = state(club)
    client = client_for(org_b, user=make_user(org_b, roles=["org_admin"]).user)
    response = post(client, NAME_MEMBERS, {"club": str(club.id), "confirm": True}).json()
    assert response["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert client.post(f"/benchmarking/{club.id}/labelling/", {"action": "name"}).status_code == 403
    assert client.get(f"/benchmarking/{club.id}/labelling/").status_code == 403
    assert state(club) == before


def test_once_named_no_member_is_read_by_name_until_it_consents_again(
    runner, anonymised_club, org_a, org_b
):
    club, indicator, members = anonymised_club
    client, user = runner
    old_consents = list(
        ClubConsent.objects.filter(club_indicator__club=club).values_list("id", flat=True)
    )
    response = post(client, NAME_MEMBERS, {"club": str(club.id), "confirm": True}).json()
    assert response["data"]["benchmarkingClubUpdate"]["club"] == {
        "anonymised": False,
        "consentsEndedByNaming": None,
    }

    # Every consent given under anonymity has ended, and its grants went with it.
    assert not ClubConsent.objects.filter(club_indicator__club=club, withdrawn_at__isnull=True)
    assert not PublicationGrant.objects.filter(
        basis_type="club_consent", basis_id__in=old_consents
    ).exists()
    # The history says who did it, what changed and why each consent ended.
    rules = ClubEvent.objects.get(club=club, kind="rules_changed")
    assert (rules.old, rules.new, rules.actor) == (
        {"anonymised": True},
        {"anonymised": False},
        user.email,
    )
    ended = ClubEvent.objects.filter(club=club, kind="consent_withdrawn")
    assert sorted(e.subject_organisation_id for e in ended) == sorted(m.id for m in members)
    assert {(e.detail["cause"], e.actor, e.old["terms"]) for e in ended} == {
        ("club_named", user.email, "anonymised")
    }

    # Nobody's values can be read now: no name, no figure, no ranking row.
    # (The club's member list names its members now: membership is not a value.)
    body = compare(client, club, indicator).json()["data"]["benchmarkingComparison"]
    values = str((body["periods"], body["timeSeries"], body["group"]))
    for org in members[1:]:
        assert org.name not in values
    assert not any(period["shown"] for period in body["periods"])
    assert not RankingEntry.objects.filter(organisation__in=members).exists()

    # Three members consent again, to being named; the other three stay out.
    back, out = [org_a, *members[2:4]], [org_b, *members[4:]]
    reconsent(club, indicator, back)
    assert set(
        ClubConsent.objects.filter(
            club_indicator__club=club, withdrawn_at__isnull=True
        ).values_list("terms", flat=True)
    ) == {ConsentTerms.NAMED}
    body = compare(client, club, indicator).json()["data"]["benchmarkingComparison"]
    values = str((body["periods"], body["timeSeries"], body["group"]))
    for org in out:
        assert org.name not in values
    for period in body["periods"]:
        assert period["shown"]
        assert {entry["label"] for entry in period["entries"]} == {
            org_a.name,
            members[2].name,
            members[3].name,
        }
    assert {series["label"] for series in body["timeSeries"]} == {o.name for o in back}
    page = client.get(
        f"/benchmarking/{club.id}/{indicator.code}/?first={QUARTERS[0]}&last={QUARTERS[1]}"
    ).content.decode()
    assert members[2].name in page and members[3].name in page
    for org in out:  # the comparison page lists no members but those compared
        assert org.name not in page
    ranked = set(RankingEntry.objects.values_list("organisation_id", flat=True).distinct())
    assert ranked & {o.id for o in members} == {o.id for o in back}


def test_a_member_reads_in_the_history_why_its_consent_ended(
    runner, anonymised_club, org_b, make_user, client_for
):
    club, indicator, _ = anonymised_club
    client, _ = runner
    post(client, NAME_MEMBERS, {"club": str(club.id), "confirm": True})
    member = client_for(org_b, user=make_user(org_b, roles=["councillor"]).user)
    events = post(member, HISTORY, {"club": str(club.id)}).json()["data"]
    (ended,) = [e for e in events["benchmarkingClubHistory"] if e["kind"] == "CONSENT_WITHDRAWN"]
    assert ended["subject"] == org_b.name and ended["indicatorCode"] == indicator.code
    assert "started naming its members" in ended["summary"]
    assert ended["changes"] == [
        {"field": "consent", "old": "Active (Anonymised (Authority A, B, …))", "new": "Ended"}
    ]


def test_an_anonymous_visitor_cannot_name_the_members(client_for, org_a, anonymised_club):
    club, *_ = anonymised_club
    before = state(club)
    visitor = client_for(org_a)
    url = f"/benchmarking/{club.id}/labelling/"
    response = visitor.post(url, {"action": "name", "confirm": "yes"})
    assert response.status_code == 302 and "sign-in" in response["Location"]
    assert post(visitor, NAME_MEMBERS, {"club": str(club.id), "confirm": True}).status_code == 401
    assert state(club) == before


def test_the_club_page_tells_the_runner_what_naming_will_do_before_it_happens(
    runner, anonymised_club, org_b
):
    club, indicator, _ = anonymised_club
    client, _ = runner
    detail = client.get(f"/benchmarking/{club.id}/").content.decode()
    assert f"/benchmarking/{club.id}/labelling/" in detail
    before = state(club)
    confirm = client.get(f"/benchmarking/{club.id}/labelling/").content.decode()
    assert "6 consents from 6 members were given on the promise of anonymity" in confirm
    assert org_b.name in confirm and indicator.code in confirm
    assert state(club) == before  # reading the page changes nothing

    # Without the confirmation the service refuses, whatever the form sent.
    refused = client.post(f"/benchmarking/{club.id}/labelling/", {"action": "name"}, follow=True)
    assert "Confirm to go ahead" in refused.content.decode()
    assert state(club) == before

    client.post(f"/benchmarking/{club.id}/labelling/", {"action": "name", "confirm": "yes"})
    assert Club.objects.get(pk=club.pk).anonymised is False
    assert not ClubConsent.objects.filter(club_indicator__club=club, withdrawn_at__isnull=True)


def test_going_anonymous_and_back_keeps_consents_given_to_being_named(runner, org_a, org_b):
    client, _ = runner
    indicator = make_indicator()
    club = make_club(org_a, [org_b, make_org(), make_org()], indicator, anonymised=False)
    named = set(ClubConsent.objects.filter(club_indicator__club=club).values_list("id", "terms"))
    assert {terms for _, terms in named} == {ConsentTerms.NAMED}

    response = post(client, ANONYMISE, {"club": str(club.id)}).json()
    assert response["data"]["benchmarkingClubUpdate"]["club"]["anonymised"] is True
    response = post(client, NAME_MEMBERS, {"club": str(club.id), "confirm": False}).json()
    assert "errors" not in response  # nothing was given under anonymity: nothing to confirm
    active = ClubConsent.objects.filter(club_indicator__club=club, withdrawn_at__isnull=True)
    assert set(active.values_list("id", "terms")) == named
    assert not ClubEvent.objects.filter(club=club, kind="consent_withdrawn").exists()


def test_the_service_applies_the_same_rule(anonymised_club, org_a):
    club, *_ = anonymised_club
    before = state(club)
    with pytest.raises(Conflict):
        services.club_update_rules(
            actor=officer_of(org_a), organisation=org_a, club=club, anonymised=False
        )
    assert state(club) == before


def test_the_runner_learns_what_naming_would_end_in_a_constant_number_of_queries(
    runner, org_a, org_b
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, _ = runner
    query = "{ benchmarkingClubs { name consentsEndedByNaming } }"

    def queries() -> tuple[int, list]:
        with CaptureQueriesContext(connection) as captured:
            body = post(client, query).json()
        return len(captured), body["data"]["benchmarkingClubs"]

    make_club(org_a, [org_b, make_org(), make_org()], make_indicator(), anonymised=True)
    few, clubs = queries()
    assert [club["consentsEndedByNaming"] for club in clubs] == [4]
    make_club(org_a, [org_b, make_org()], make_indicator(), anonymised=True)
    make_club(org_a, [org_b, make_org()], make_indicator(), anonymised=False)
    make_club(make_org(), [org_a, org_b, make_org()], make_indicator(), anonymised=True)
    many, clubs = queries()
    assert many == few
    assert sorted(club["consentsEndedByNaming"] or 0 for club in clubs) == [0, 0, 3, 4]


def test_the_migration_gives_existing_consents_the_terms_the_history_shows(org_a, org_b):
    import importlib
    from datetime import timedelta

    from django.apps import apps
    from django.utils import timezone

    migration = importlib.import_module(
        "goldenthread.shared_indicators.benchmarking.migrations.0004_consent_terms"
    )
    # A club set up naming its members, and one set up anonymised and named later (before
    # the rule existed: a plain update and a rules event, as the old service wrote them).
    named = make_club(org_a, [org_b, make_org()], make_indicator(), anonymised=False)
    switched = make_club(org_a, [org_b, make_org()], make_indicator(), anonymised=True)
    Club.objects.filter(pk=switched.pk).update(anonymised=False)
    at = timezone.now() + timedelta(seconds=1)
    ClubEvent.objects.create(
        club=switched,
        kind="rules_changed",
        at=at,
        old={"anonymised": True},
        new={"anonymised": False},
    )
    code = switched.indicators.get().code
    # The runner withdrew and consented again after the switch (on named terms, then).
    services.consent_withdraw(
        actor=officer_of(org_a),
        organisation=org_a,
        club=switched,
        indicator_code=code,
    )
    late = services.consent_give(
        actor=officer_of(org_a),
        organisation=org_a,
        club=switched,
        indicator_code=code,
    )
    ClubConsent.objects.filter(pk=late.pk).update(given_at=at + timedelta(seconds=1))
    ClubConsent.objects.update(terms=ConsentTerms.ANONYMISED)  # the column's default

    migration.terms_of_existing_consents(apps, None)

    terms = dict(ClubConsent.objects.values_list("id", "terms"))
    for consent in ClubConsent.objects.filter(club_indicator__club=named):
        assert terms[consent.id] == ConsentTerms.NAMED
    for consent in ClubConsent.objects.filter(club_indicator__club=switched):
        expected = ConsentTerms.NAMED if consent.id == late.id else ConsentTerms.ANONYMISED
        assert terms[consent.id] == expected
