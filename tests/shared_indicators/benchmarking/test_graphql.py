"""GraphQL: who sees which clubs, what an anonymised club discloses, and query counts."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goldenthread.shared_indicators.benchmarking import services
from goldenthread.shared_indicators.benchmarking.models import ClubConsent
from goldenthread.shared_indicators.publication.models import CrossOrganisationRead
from goldenthread.shared_indicators.publication.selectors import reads_of
from tests.shared_indicators.benchmarking.graphql_support import CLUBS, COMPARISON, post
from tests.shared_indicators.benchmarking.helpers import (
    ADMIN,
    make_club,
    make_indicator,
    make_org,
    publish,
)

pytestmark = pytest.mark.django_db

QUARTERS = ("2024/25 Q1", "2024/25 Q2")


@pytest.fixture
def reader(org_a, make_user, client_for):
    return client_for(org_a, user=make_user(org_a, roles=["councillor"]).user)


def club_with(org_a, count: int, *, anonymised=True, values=None, minimum=5, **extra):
    indicator = make_indicator()
    others = [make_org() for _ in range(count - 1)]
    club = make_club(
        others[0], [org_a, *others[1:]], indicator, anonymised=anonymised, minimum=minimum, **extra
    )
    members = [org_a, *others]
    for i, org in enumerate(members):
        for q, code in enumerate(QUARTERS):
            value = values[i] if values is not None else 10 + i + q
            publish(org, indicator, code, value)
    return club, indicator, members


def compare(client, club, indicator, **variables):
    return post(
        client,
        COMPARISON,
        {
            "club": str(club.id),
            "code": indicator.code,
            "first": QUARTERS[0],
            "last": QUARTERS[1],
            **variables,
        },
    )


def test_a_member_sees_its_clubs_and_comparisons(reader, org_a):
    club, indicator, members = club_with(org_a, 6, anonymised=False)
    body = post(reader, CLUBS).json()
    assert "errors" not in body
    (listed,) = [c for c in body["data"]["benchmarkingClubs"] if c["id"] == str(club.id)]
    assert listed["memberCount"] == 6
    assert listed["indicators"][0]["youConsent"] is True
    assert {m["name"] for m in listed["members"]} == {m.name for m in members}

    body = compare(reader, club, indicator).json()
    assert "errors" not in body
    q1 = body["data"]["benchmarkingComparison"]["periods"][0]
    assert q1["shown"] is True and q1["summary"]["count"] == 6
    assert q1["you"] == {
        "label": org_a.name,
        "rank": 6,
        "quartile": 4,
        "value": "10.0",
        "distanceFromMedian": "-2.50",
        "sideOfMedian": "worse",
    }


def test_a_non_member_gets_nothing(client_for, org_b, make_user, org_a):
    club, indicator, _ = club_with(org_a, 5)
    outsider = client_for(org_b, user=make_user(org_b, roles=["org_admin"]).user)
    assert post(outsider, CLUBS).json()["data"]["benchmarkingClubs"] == []
    one = post(
        outsider, "query($id: ID!) { benchmarkingClub(id: $id) { name } }", {"id": str(club.id)}
    ).json()
    assert one["data"]["benchmarkingClub"] is None
    refused = compare(outsider, club, indicator).json()
    missing = post(
        outsider,
        COMPARISON,
        {
            "club": str(club.id + 100000),
            "code": indicator.code,
            "first": QUARTERS[0],
            "last": QUARTERS[1],
        },
    ).json()
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # The same answer whether or not the club exists: existence is not disclosed either.
    assert refused["errors"][0]["message"] == missing["errors"][0]["message"]
    assert not CrossOrganisationRead.objects.filter(reader_organisation=org_b).exists()


def test_anonymous_requests_are_refused(client_for, org_a):
    response = post(client_for(org_a), CLUBS)
    assert response.status_code == 401


def test_an_anonymised_club_never_reveals_another_member(reader, org_a):
    # Names in alphabetical order are created in a shuffled order, so names, ids and creation
    # order all disagree; every member has the same value so ordering is decided only by the
    # labels, which must follow none of them.
    indicator = make_indicator()
    names = [f"Zeta Council {letter}" for letter in "ABCDEFGHIJKL"]
    shuffled = names[:]
    random.Random(7).shuffle(shuffled)
    others = [make_org(name) for name in shuffled]
    club = make_club(others[0], [org_a, *others[1:]], indicator, anonymised=True)
    for org in [org_a, *others]:
        for code in QUARTERS:
            publish(org, indicator, code, 50)

    response = compare(reader, club, indicator)
    text = response.content.decode()
    body = response.json()
    assert "errors" not in body
    for org in others:
        assert org.name not in text and org.slug not in text and org.schema_name not in text
        assert f'"{org.id}"' not in text
    q1 = body["data"]["benchmarkingComparison"]["periods"][0]
    labels = [entry["label"] for entry in q1["entries"] if not entry["isYou"]]
    assert all(label.startswith("Authority ") for label in labels)
    assert len(set(labels)) == len(others)
    assert {e["rank"] for e in q1["entries"]} == {1}  # all tied
    # The labels' order is the rows' order; compare it with the names' and the ids' orders.
    by_letter = sorted(labels, key=lambda label: (len(label), label))
    assert labels == by_letter
    # Stable within the comparison: the same labels in every period and in the series.
    q2 = body["data"]["benchmarkingComparison"]["periods"][1]
    assert [e["label"] for e in q2["entries"] if not e["isYou"]] == labels
    series = [s["label"] for s in body["data"]["benchmarkingComparison"]["timeSeries"]]
    assert series[0] == org_a.name and sorted(series[1:]) == sorted(labels)
    assert body["data"]["benchmarkingComparison"]["club"]["members"] == [
        {"name": org_a.name, "isYou": True}
    ]


def test_anonymous_labels_do_not_follow_names_ids_or_creation_order(org_a):
    from goldenthread.shared_indicators.benchmarking.domain.anonymity import anonymous_labels

    orgs = [make_org(f"Name {letter}") for letter in "QWERTYUIOPAS"]
    club_ids = [org.id for org in orgs]
    orders = set()
    for _ in range(3):
        club = make_club(orgs[0], orgs[1:], make_indicator(), consent=False)
        labels = anonymous_labels(salt=club.label_salt, scope="X", member_ids=club_ids)
        by_label = tuple(sorted(club_ids, key=lambda i: (len(labels[i]), labels[i])))
        by_id, by_name = (
            tuple(sorted(club_ids)),
            tuple(org.id for org in sorted(orgs, key=lambda org: org.name)),
        )
        assert by_label not in (by_id, by_id[::-1], by_name, by_name[::-1])
        orders.add(by_label)
    # A fresh salt per club: the same members get different letters in different clubs.
    assert len(orders) == 3


def test_anonymised_comparator_groups_give_only_figures_and_your_place(reader, org_a):
    club, indicator, members = club_with(org_a, 10)
    body = compare(reader, club, indicator, group="authority_type").json()
    group = body["data"]["benchmarkingComparison"]["group"]
    assert group["listsMembers"] is False
    assert group["periods"][0]["entries"] == []
    assert group["periods"][0]["you"]["rank"] == 10


def test_below_the_minimum_the_api_shows_nothing(reader, org_a):
    club, indicator, _ = club_with(org_a, 4)
    body = compare(reader, club, indicator).json()
    comparison = body["data"]["benchmarkingComparison"]
    for period in comparison["periods"]:
        assert period["shown"] is False
        assert period["summary"] is None and period["you"] is None
        assert period["entries"] == [] and period["exclusions"] == []
    assert comparison["timeSeries"] == []


def test_before_the_embargo_the_api_shows_nothing(reader, org_a):
    club, indicator, _ = club_with(org_a, 6, embargo_until=timezone.localdate() + timedelta(days=3))
    comparison = compare(reader, club, indicator).json()["data"]["benchmarkingComparison"]
    assert comparison["embargoed"] is True
    assert [p["shown"] for p in comparison["periods"]] == [False, False]
    assert comparison["periods"][0]["summary"] is None
    assert comparison["timeSeries"] == []
    assert not CrossOrganisationRead.objects.filter(reader_organisation=org_a).exists()


def test_a_comparison_read_is_logged_once_naming_each_owner_under_its_own_consent(reader, org_a):
    club, indicator, members = club_with(org_a, 6)
    # One member has no value for the second quarter: only the first was read of it.
    partial = members[3]
    services.consent_withdraw(
        actor=ADMIN, organisation=partial, club=club, indicator_code=indicator.code
    )
    services.consent_give(
        actor=ADMIN, organisation=partial, club=club, indicator_code=indicator.code
    )
    publish(partial, indicator, QUARTERS[0], 13)
    consents = dict(
        ClubConsent.objects.filter(
            club_indicator__club=club, withdrawn_at__isnull=True
        ).values_list("membership__organisation_id", "id")
    )

    with CaptureQueriesContext(connection) as captured:
        compare(reader, club, indicator)

    (row,) = CrossOrganisationRead.objects.filter(reader_organisation=org_a, interface="graphql")
    owners = sorted(org.id for org in members[1:])
    assert (row.owner_ids, row.basis_type, row.basis_ids) == (
        owners,
        "club_consent",
        [consents[owner] for owner in owners],
    )
    assert row.basis_label == f"{club.name} benchmarking club consent"
    assert row.what["indicators"] == [{"code": indicator.code, "periods": list(QUARTERS)}]
    inserts = [
        q
        for q in captured
        if q["sql"].lstrip().startswith("INSERT")
        and "publication_crossorganisationread" in q["sql"]
    ]
    assert len(inserts) == 1
    # Each owner sees the read of its own data, under its own consent, and nothing more; in
    # an anonymised club not even which member read it.
    for owner in members[1:]:
        (seen,) = reads_of(owner_organisation_id=owner.id)
        periods = [QUARTERS[0]] if owner == partial else list(QUARTERS)
        assert (seen.reader_organisation, seen.reader_name, seen.reader_user, seen.basis_id) == (
            None,
            f"a member of {club.name}",
            "",
            consents[owner.id],
        )
        assert seen.what == {"indicators": [{"code": indicator.code, "periods": periods}]}
    assert not reads_of(owner_organisation_id=org_a.id).exists()


def test_mixed_period_types_are_refused_with_a_reason(reader, org_a):
    club, indicator, _ = club_with(org_a, 5)
    body = post(
        reader,
        COMPARISON,
        {"club": str(club.id), "code": indicator.code, "first": "2024-04", "last": "2024/25 Q2"},
    ).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "one type" in body["errors"][0]["message"]


def test_pagination_of_entries(reader, org_a):
    club, indicator, _ = club_with(org_a, 7, anonymised=False)
    query = """query($club: ID!, $code: String!) { benchmarkingComparison(clubId: $club,
      indicatorCode: $code, periods: ["2024/25 Q1"]) { periods { entries(first: 3, offset: 2)
      { rank } } } }"""
    body = post(reader, query, {"club": str(club.id), "code": indicator.code}).json()
    assert [e["rank"] for e in body["data"]["benchmarkingComparison"]["periods"][0]["entries"]] == [
        3,
        4,
        5,
    ]
    bad = """query { benchmarkingClubs(first: 0) { id } }"""
    assert post(reader, bad).json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_entries_come_one_page_at_a_time_and_your_own_entry_always(reader, org_a):
    # Alpha has the lowest value, so it is last: never on the first page.
    club, indicator, members = club_with(org_a, 60, anonymised=False, values=list(range(60)))
    query = """query($club: ID!, $code: String!) { benchmarkingComparison(clubId: $club,
      indicatorCode: $code, periods: ["2024/25 Q1"]) {
        periods { summary { count } mine { label rank } entries { rank isYou }
                  top: entries(first: 2) { rank } tail: entries(first: 5, offset: 58) { rank } }
        timeSeries(first: 3, offset: 1) { label isYou } } }"""
    body = post(reader, query, {"club": str(club.id), "code": indicator.code}).json()
    assert "errors" not in body, body
    comparison = body["data"]["benchmarkingComparison"]
    q1 = comparison["periods"][0]
    assert q1["summary"]["count"] == 60
    assert [e["rank"] for e in q1["entries"]] == list(range(1, 51))  # the default page: 50
    assert not any(e["isYou"] for e in q1["entries"])
    assert q1["mine"] == {"label": org_a.name, "rank": 60}
    assert [e["rank"] for e in q1["top"]] == [1, 2]
    assert [e["rank"] for e in q1["tail"]] == [59, 60]
    # The series: yours first, so the page from offset 1 holds three others.
    assert [s["isYou"] for s in comparison["timeSeries"]] == [False, False, False]


def test_an_over_complex_comparison_is_refused_before_anything_is_read(reader, org_a):
    club, indicator, _ = club_with(org_a, 6)
    # Forty quarters (the most a comparison may read) with the largest pages of both lists.
    query = """query($club: ID!, $code: String!) { benchmarkingComparison(clubId: $club,
      indicatorCode: $code, firstPeriod: "2015/16 Q1", lastPeriod: "2024/25 Q4") {
        periods { entries(first: 500) { label isYou value rank quartile distanceFromMedian } }
        timeSeries(first: 500) { label points { period { code label start end } value } } } }"""
    response = post(reader, query, {"club": str(club.id), "code": indicator.code})
    body = response.json()
    assert "data" not in body or body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["count"] > error["extensions"]["limit"]
    assert not CrossOrganisationRead.objects.filter(reader_organisation=org_a).exists()


def _queries(client, query, variables=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        body = post(client, query, variables).json()
    assert "errors" not in body, body
    return len(captured)


def test_comparison_query_count_does_not_depend_on_members_or_periods(reader, org_a):
    small, small_indicator, _ = club_with(org_a, 10)
    large, large_indicator, _ = club_with(org_a, 40)

    def comparison_queries(club, indicator, last):
        variables = {
            "club": str(club.id),
            "code": indicator.code,
            "first": QUARTERS[0],
            "last": last,
            "group": "authority_type",
        }
        return _queries(reader, COMPARISON, variables)

    assert comparison_queries(small, small_indicator, QUARTERS[0]) == comparison_queries(
        large, large_indicator, QUARTERS[1]
    )


def test_club_listing_query_count_does_not_depend_on_clubs_members_or_indicators(reader, org_a):
    club_with(org_a, 10)
    with_one_club = _queries(reader, CLUBS)
    large, _, _ = club_with(org_a, 40)
    for _ in range(3):
        services.club_indicator_add(
            actor=ADMIN,
            organisation=large.administering_organisation,
            club=large,
            indicator_code=make_indicator().code,
        )
    assert _queries(reader, CLUBS) == with_one_club
