"""Reads of club members' values are logged where they are read (the comparison selector),
whatever the door, and the owner sees them in its one read log (GraphQL `readsOfOurData` and
the access-log page) beside agreement reads. In a club that does not name its members the
owner is told only that "a member of <club>" read them: not which organisation, not who."""

from __future__ import annotations

import pytest

from goldenthread.shared_indicators.publication.models import CrossOrganisationRead
from tests.shared_indicators.benchmarking.graphql_support import COMPARISON, post
from tests.shared_indicators.benchmarking.helpers import (
    make_club,
    make_indicator,
    make_org,
    publish,
)

pytestmark = pytest.mark.django_db

QUARTERS = ("2024/25 Q1", "2024/25 Q2")

READS = """
{ readsOfOurData {
    readerOrganisation { name } readerName readerUser basisType basisLabel
    agreementVersionId what interface
} }
"""


@pytest.fixture
def reader(org_a, make_user, client_for):
    user = make_user(org_a, roles=["councillor"]).user
    return client_for(org_a, user=user), user


@pytest.fixture
def owner(org_b, make_user, client_for):
    return client_for(org_b, user=make_user(org_b, roles=["org_admin"]).user)


def club_of(org_a, org_b, *, anonymised: bool):
    indicator = make_indicator()
    others = [make_org(f"Other Member {i}") for i in range(4)]
    club = make_club(others[0], [org_a, org_b, *others[1:]], indicator, anonymised=anonymised)
    for i, org in enumerate([org_a, org_b, *others]):
        for q, code in enumerate(QUARTERS):
            publish(org, indicator, code, 10 + i + q)
    return club, indicator


def read_through_every_door(client, club, indicator) -> None:
    variables = {"first": QUARTERS[0], "last": QUARTERS[1]}
    body = post(
        client, COMPARISON, {"club": str(club.id), "code": indicator.code, **variables}
    ).json()
    assert body["data"]["benchmarkingComparison"]["periods"][0]["shown"]
    page = client.get(f"/benchmarking/{club.id}/{indicator.code}/", variables)
    assert page.status_code == 200


def test_every_door_logs_one_row_per_read(reader, org_a, org_b):
    client, user = reader
    club, indicator = club_of(org_a, org_b, anonymised=True)
    read_through_every_door(client, club, indicator)
    rows = CrossOrganisationRead.objects.filter(reader_organisation=org_a).order_by("id")
    assert [(row.interface, row.reader_user, row.basis_type) for row in rows] == [
        ("graphql", user.email, "club_consent"),
        ("page", user.email, "club_consent"),
    ]
    assert all(org_b.id in row.owner_ids and org_a.id not in row.owner_ids for row in rows)


def test_in_an_anonymised_club_the_owner_is_not_told_which_member_read(reader, owner, org_a, org_b):
    client, user = reader
    club, indicator = club_of(org_a, org_b, anonymised=True)
    read_through_every_door(client, club, indicator)

    response = post(owner, READS)
    reads = response.json()["data"]["readsOfOurData"]
    assert [(r["interface"], r["readerName"]) for r in reads] == [
        ("page", f"a member of {club.name}"),
        ("graphql", f"a member of {club.name}"),
    ]
    for read in reads:
        assert read["readerOrganisation"] is None and read["readerUser"] is None
        assert read["basisType"] == "club_consent" and read["agreementVersionId"] is None
        assert read["basisLabel"] == f"{club.name} benchmarking club consent"
        assert read["what"] == {"indicators": [{"code": indicator.code, "periods": list(QUARTERS)}]}
    assert (
        org_a.name not in response.content.decode() and user.email not in response.content.decode()
    )

    page = owner.get("/partnerships/access-log/").content.decode()
    assert f"a member of {club.name}" in page
    assert org_a.name not in page and user.email not in page


def test_in_a_named_club_the_owner_sees_who_read(reader, owner, org_a, org_b):
    client, user = reader
    club, indicator = club_of(org_a, org_b, anonymised=False)
    read_through_every_door(client, club, indicator)
    reads = post(owner, READS).json()["data"]["readsOfOurData"]
    assert {(r["readerName"], r["readerUser"]) for r in reads} == {(org_a.name, user.email)}
    assert {r["readerOrganisation"]["name"] for r in reads} == {org_a.name}
    page = owner.get("/partnerships/access-log/").content.decode()
    assert org_a.name in page and user.email in page and club.name in page


def test_a_reader_finds_no_read_of_its_own_values_in_its_log(
    reader, org_a, org_b, make_user, client_for
):
    client, _ = reader
    club, indicator = club_of(org_a, org_b, anonymised=True)
    read_through_every_door(client, club, indicator)
    admin = client_for(org_a, user=make_user(org_a, roles=["org_admin"]).user)
    assert post(admin, READS).json()["data"]["readsOfOurData"] == []
    refused = post(client, READS).json()  # a councillor may not read the log
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
