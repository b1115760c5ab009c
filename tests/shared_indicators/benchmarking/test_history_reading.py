"""Who sees a club's history, and how much of it: the History page and GraphQL.

The club's runner sees everything; a member sees the club's own changes and its own
membership and consents; in an anonymised club nothing about another member reaches it
(names, slugs, ids, their people's e-mail addresses); a non-member sees nothing."""

from __future__ import annotations

import json
import random
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.shared_indicators.benchmarking import services
from goldenthread.shared_indicators.benchmarking.domain.history import (
    ANOTHER_MEMBER,
    Reader,
    history_entry,
)
from goldenthread.shared_indicators.benchmarking.models import ClubEvent
from goldenthread.shared_indicators.benchmarking.selectors.history import club_history_for
from tests.shared_indicators.benchmarking.graphql_support import post
from tests.shared_indicators.benchmarking.helpers import Actor, make_club, make_indicator, make_org

pytestmark = pytest.mark.django_db

HISTORY = """
query History($club: ID!, $first: Int, $offset: Int) {
  benchmarkingClubHistory(clubId: $club, first: $first, offset: $offset) {
    at kind summary organisation actor subject indicatorCode changes { field label old new }
  }
}
"""


def officer_of(org) -> Actor:
    return Actor(email=f"officer-{org.slug}@people.example")


def busy_club(runner, member, *, anonymised: bool, secret_count: int = 4):
    """A club with a full history: rule change, indicators in and out, consents by everyone,
    a comparator group of the other members, one leaving, one removed, neighbour imports."""
    # Ids far from any other number on the page, so finding one means it leaked.
    base = random.randrange(10**8, 9 * 10**8)
    secrets = [make_org(f"Secret Council {i}", id=base + i) for i in range(secret_count)]
    indicator, second = make_indicator(), make_indicator()
    club = make_club(runner, [member, *secrets], indicator, anonymised=anonymised, consent=False)
    admin = officer_of(runner)
    for org in [runner, member, *secrets]:
        services.consent_give(
            actor=officer_of(org), organisation=org, club=club, indicator_code=indicator.code
        )
    services.club_update_rules(
        actor=admin,
        organisation=runner,
        club=club,
        minimum_members_with_data=4,
        embargo_until=date(2026, 4, 1),
    )
    services.club_indicator_add(
        actor=admin, organisation=runner, club=club, indicator_code=second.code
    )
    services.consent_give(
        actor=officer_of(secrets[0]),
        organisation=secrets[0],
        club=club,
        indicator_code=second.code,
    )
    services.consent_give(
        actor=officer_of(member), organisation=member, club=club, indicator_code=second.code
    )
    services.club_indicator_remove(
        actor=admin, organisation=runner, club=club, indicator_code=second.code
    )
    services.comparator_group_create(
        actor=admin,
        organisation=runner,
        club=club,
        name="Coastal group",
        member_slugs=[org.slug for org in secrets[:2]],
    )
    services.club_member_remove(
        actor=officer_of(secrets[1]), organisation=secrets[1], club=club, member=secrets[1]
    )
    services.club_member_remove(actor=admin, organisation=runner, club=club, member=secrets[2])
    return club, secrets, indicator, second


def import_neighbours(tmp_path, lists: dict) -> None:
    path = tmp_path / "nn.csv"
    rows = [f"{org.slug},{n.slug}" for org, neighbours in lists.items() for n in neighbours]
    path.write_text("organisation,neighbour\n" + "\n".join(rows) + "\n", encoding="utf-8")
    call_command("benchmarking", "import-neighbours", str(path))


def _scalars(data):
    if isinstance(data, dict):
        for value in data.values():
            yield from _scalars(value)
    elif isinstance(data, list):
        for value in data:
            yield from _scalars(value)
    else:
        yield data


def assert_nothing_about(text: str, orgs) -> None:
    """No name, slug or id of `orgs` in a page or a GraphQL response."""
    try:
        scalars = set(_scalars(json.loads(text)))
    except ValueError:  # a page: ids would be attribute values or cell text
        scalars = set(re.findall(r'"([^"]*)"', text)) | set(re.findall(r">([^<]*)<", text))
    for org in orgs:
        assert org.name not in text, org.name
        assert org.slug not in text, org.slug
        assert org.id not in scalars and str(org.id) not in scalars, org.id


@pytest.fixture
def councillor(org_a, make_user, client_for):
    return client_for(org_a, user=make_user(org_a, roles=["councillor"]).user)


def test_a_member_of_an_anonymised_club_sees_club_changes_and_its_own_only(
    org_a, councillor, tmp_path
):
    runner = make_org("Runner Council")
    club, secrets, indicator, second = busy_club(runner, org_a, anonymised=True)
    far = make_org("Far Away")
    import_neighbours(tmp_path, {org_a: [far], secrets[0]: [far], secrets[3]: [org_a]})

    page = councillor.get(f"/benchmarking/{club.id}/history/")
    assert page.status_code == 200
    html = page.content.decode()
    api = post(councillor, HISTORY, {"club": str(club.id)})
    body = api.json()
    assert "errors" not in body, body
    entries = body["data"]["benchmarkingClubHistory"]

    # What it sees: the club's own changes, and everything about itself.
    kinds = [entry["kind"] for entry in reversed(entries)]
    assert kinds == [
        "CLUB_CREATED",
        "MEMBER_ADDED",
        "INDICATOR_ADDED",
        "CONSENT_GIVEN",
        "RULES_CHANGED",
        "INDICATOR_ADDED",
        "CONSENT_GIVEN",
        "CONSENT_WITHDRAWN",
        "INDICATOR_REMOVED",
        "GROUP_CREATED",
        "NEIGHBOURS_IMPORTED",
    ]
    rules = next(entry for entry in entries if entry["kind"] == "RULES_CHANGED")
    assert rules["organisation"] == "Runner Council" and rules["actor"] is None
    assert {(c["label"], c["old"], c["new"]) for c in rules["changes"]} == {
        ("Minimum members with data", "5", "4"),
        ("Embargo until", "No embargo", "1 April 2026"),
    }
    own = [entry for entry in entries if entry["subject"]]
    assert {entry["subject"] for entry in own} == {org_a.name}
    own_consents = [e for e in entries if e["kind"] == "CONSENT_GIVEN"]
    assert {e["actor"] for e in own_consents} == {f"officer-{org_a.slug}@people.example"}
    withdrawn = next(e for e in entries if e["kind"] == "CONSENT_WITHDRAWN")
    assert withdrawn["summary"] == (
        f"Consent withdrawn for {second.code} by {org_a.name}, because the club stopped "
        "comparing the indicator"
    )
    group = next(e for e in entries if e["kind"] == "GROUP_CREATED")
    assert group["summary"] == "Created the comparator group “Coastal group”"
    assert group["changes"] == []  # who is in it is not for members of an anonymised club

    # What it never learns: any other member, or the people of any other organisation.
    for text in (html, api.content.decode()):
        assert_nothing_about(text, secrets)
        assert ANOTHER_MEMBER not in text  # not even that there was someone
        assert "@people.example" not in text.replace(f"officer-{org_a.slug}@people.example", "")
        assert "Far Away" not in text
    assert "Consent withdrawn" in html and "<table" in html and "<caption" in html


def test_the_club_runner_sees_every_change_with_names_and_people(
    org_a, make_user, client_for, tmp_path
):
    member = make_org("Member Council")
    club, secrets, indicator, second = busy_club(org_a, member, anonymised=True)
    import_neighbours(tmp_path, {secrets[0]: [member]})
    admin = client_for(org_a, user=make_user(org_a, roles=["org_admin"]).user)
    entries = post(admin, HISTORY, {"club": str(club.id), "first": 200}).json()["data"][
        "benchmarkingClubHistory"
    ]
    assert len(entries) == ClubEvent.objects.filter(club=club).count()
    subjects = {entry["subject"] for entry in entries if entry["subject"]}
    assert subjects == {org_a.name, member.name, *(org.name for org in secrets)}
    left = next(entry for entry in entries if entry["kind"] == "MEMBER_LEFT")
    assert left["summary"] == "Secret Council 1 left the club"
    assert left["actor"] == f"officer-{secrets[1].slug}@people.example"
    group = next(e for e in entries if e["kind"] == "GROUP_CREATED")
    assert group["changes"][0]["new"] == "Secret Council 0, Secret Council 1"
    imported = next(e for e in entries if e["kind"] == "NEIGHBOURS_IMPORTED")
    assert imported["organisation"] == "Golden Thread platform"
    assert imported["changes"][0] == {
        "field": "neighbours",
        "label": "Nearest neighbours listed",
        "old": "0",
        "new": "1",
    }
    html = admin.get(f"/benchmarking/{club.id}/history/").content.decode()
    assert "Secret Council 3" in html and "Removed Secret Council 2 from the club" in html


def test_in_a_named_club_members_see_others_join_and_leave_but_not_their_consents(
    org_a, councillor
):
    runner = make_org("Runner Council")
    club, secrets, indicator, _ = busy_club(runner, org_a, anonymised=False)
    entries = post(councillor, HISTORY, {"club": str(club.id), "first": 200}).json()["data"][
        "benchmarkingClubHistory"
    ]
    membership = {(e["kind"], e["subject"]) for e in entries if e["kind"].startswith("MEMBER")}
    assert ("MEMBER_LEFT", "Secret Council 1") in membership
    assert ("MEMBER_REMOVED", "Secret Council 2") in membership
    assert ("MEMBER_ADDED", "Secret Council 3") in membership
    consents = [e for e in entries if e["kind"].startswith("CONSENT")]
    assert consents and {e["subject"] for e in consents} == {org_a.name}
    left = next(e for e in entries if e["kind"] == "MEMBER_LEFT")
    assert left["organisation"] == "Secret Council 1" and left["actor"] is None
    group = next(e for e in entries if e["kind"] == "GROUP_CREATED")
    assert group["changes"][0]["new"] == "Secret Council 0, Secret Council 1"


def test_turning_a_named_club_anonymous_hides_the_earlier_membership_events(org_a, councillor):
    runner = make_org("Runner Council")
    club, secrets, _, _ = busy_club(runner, org_a, anonymised=False)
    services.club_update_rules(
        actor=officer_of(runner), organisation=runner, club=club, anonymised=True
    )
    response = post(councillor, HISTORY, {"club": str(club.id), "first": 200})
    assert_nothing_about(response.content.decode(), secrets)
    assert ANOTHER_MEMBER not in response.content.decode()


def test_a_non_member_and_a_former_member_see_nothing(org_a, org_b, make_user, client_for):
    runner = make_org("Runner Council")
    club, *_ = busy_club(runner, org_a, anonymised=False)
    outsider = client_for(org_b, user=make_user(org_b, roles=["org_admin"]).user)
    assert outsider.get(f"/benchmarking/{club.id}/history/").status_code == 404
    refused = post(outsider, HISTORY, {"club": str(club.id)}).json()
    missing = post(outsider, HISTORY, {"club": str(club.id + 100_000)}).json()
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert refused["errors"][0]["message"] == missing["errors"][0]["message"]
    assert "Runner Council" not in json.dumps(refused)

    # The selector fails closed by itself, whoever calls it.
    assert not club_history_for(club=club, organisation=org_b).exists()
    services.club_member_remove(
        actor=officer_of(org_a), organisation=org_a, club=club, member=org_a
    )
    assert not club_history_for(club=club, organisation=org_a).exists()
    former = client_for(org_a, user=make_user(org_a, roles=["org_admin"]).user)
    assert former.get(f"/benchmarking/{club.id}/history/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(org_a, client_for):
    club = make_club(make_org(), [org_a], make_indicator(), consent=False)
    response = client_for(org_a).get(f"/benchmarking/{club.id}/history/")
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_an_entry_about_another_member_fails_closed_when_presented_to_a_member():
    # Belt and braces: even if such a row reached a member of an anonymised club, it would
    # name neither the member nor the person who acted.
    row = ClubEvent(
        kind="consent_given",
        actor="someone@elsewhere.example",
        actor_name="Some One",
        actor_organisation_id=2,
        actor_organisation_name="Elsewhere Council",
        subject_organisation_id=2,
        subject_organisation_name="Elsewhere Council",
        indicator_code="NI 1",
    )
    entry = history_entry(
        row, Reader(organisation_id=1, administering_organisation_id=3, club_anonymised=True)
    )
    assert entry.subject == ANOTHER_MEMBER and entry.organisation == ANOTHER_MEMBER
    assert entry.actor == "" and "Elsewhere" not in entry.summary


def test_history_pages_and_the_query_count_does_not_grow_with_the_history(org_a, councillor):
    runner = make_org("Runner Council")
    club = make_club(runner, [org_a], make_indicator(), consent=False)

    def queries(first: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            body = post(councillor, HISTORY, {"club": str(club.id), "first": first}).json()
        assert "errors" not in body
        return len(captured)

    few = queries(50)
    for minimum in range(3, 33):
        services.club_update_rules(
            actor=officer_of(runner),
            organisation=runner,
            club=club,
            minimum_members_with_data=minimum,
        )
    assert queries(50) == few
    first_page = post(councillor, HISTORY, {"club": str(club.id), "first": 10}).json()
    second_page = post(
        councillor, HISTORY, {"club": str(club.id), "first": 10, "offset": 10}
    ).json()
    newest = [e["changes"][0]["new"] for e in first_page["data"]["benchmarkingClubHistory"]]
    assert newest == [str(n) for n in range(32, 22, -1)]
    following = second_page["data"]["benchmarkingClubHistory"][0]["changes"][0]["new"]
    assert following == "22"
    bad = post(councillor, HISTORY, {"club": str(club.id), "first": 0}).json()
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
