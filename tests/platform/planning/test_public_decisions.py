"""Deciding what is published: four eyes, audited, refused to the wrong people (nothing
changed), and the management page."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from goldenthread.platform.indicators.models import AuditEntry
from goldenthread.platform.planning.errors import DomainError, PermissionDenied
from goldenthread.platform.planning.models import PreElectionPeriod, Publication
from goldenthread.platform.planning.services.public import (
    pre_election_create,
    publication_approve,
    publication_propose,
)
from tests.factories import IndicatorFactory


@pytest.fixture
def pi(in_org):
    return IndicatorFactory(code="DEC-1")


def test_the_proposer_cannot_approve_their_own_proposal(people, pi):
    row = publication_propose(actor=people["officer"], indicator=pi)
    with pytest.raises(DomainError, match="Someone other than the person who proposed"):
        publication_approve(actor=people["officer"], publication=row)
    row.refresh_from_db()
    assert row.state == "proposed" and row.decided_at is None


def test_approval_supersedes_the_decision_in_force_and_is_audited(people, pi):
    first = publication_propose(actor=people["officer"], indicator=pi)
    publication_approve(actor=people["admin"], publication=first)
    second = publication_propose(actor=people["admin"], indicator=pi, include_commentary=False)
    publication_approve(actor=people["officer"], publication=second)
    states = dict(Publication.objects.values_list("pk", "state"))
    assert states == {first.pk: "superseded", second.pk: "approved"}
    actions = list(
        AuditEntry.objects.filter(object_type="publication").values_list("action", "actor_name")
    )
    assert ("publication_proposed", "Officer") in actions
    assert ("publication_approved", "Officer") in actions


@pytest.mark.parametrize("role", ["provider", "councillor", "manager", "auditor", "verifier"])
def test_only_the_performance_team_decides(people, pi, role):
    with pytest.raises(PermissionDenied):
        publication_propose(actor=people[role], indicator=pi)
    row = publication_propose(actor=people["officer"], indicator=pi)
    with pytest.raises(PermissionDenied):
        publication_approve(actor=people[role], publication=row)
    assert Publication.objects.get().state == "proposed"


def test_only_the_administrator_sets_pre_election_periods(people):
    now = timezone.now()
    with pytest.raises(PermissionDenied):
        pre_election_create(
            actor=people["officer"], name="Polls", starts_at=now, ends_at=now + timedelta(days=1)
        )
    with pytest.raises(DomainError, match="end after it starts"):
        pre_election_create(
            actor=people["admin"], name="Polls", starts_at=now, ends_at=now - timedelta(days=1)
        )
    assert not PreElectionPeriod.objects.exists()


def test_management_page_proposes_and_a_colleague_approves(people, pi, client_for, org_a):
    officer = client_for(org_a, user=people["officer"])
    page = officer.get("/performance/manage/")
    assert page.status_code == 200 and "Propose an item for publication" in page.content.decode()
    response = officer.post(
        "/performance/manage/",
        {
            "indicator": pi.pk,
            "include_commentary": "on",
            "embargo_date": "2030-01-02",
            "embargo_time": "09:30",
        },
    )
    assert response.status_code == 302
    row = Publication.objects.get()
    assert timezone.localtime(row.embargo_until).strftime("%Y-%m-%d %H:%M") == "2030-01-02 09:30"
    officer.post(f"/performance/manage/{row.pk}/approve/")
    assert Publication.objects.get().state == "proposed"  # four eyes
    admin = client_for(org_a, user=people["admin"])
    admin.post(f"/performance/manage/{row.pk}/approve/")
    assert Publication.objects.get().state == "approved"


def test_management_page_names_a_missing_choice(people, client_for, org_a):
    page = client_for(org_a, user=people["officer"]).post("/performance/manage/", {})
    assert "Choose one measure or one action to publish." in page.content.decode()
    assert not Publication.objects.exists()


@pytest.mark.parametrize("role", ["provider", "councillor"])
def test_management_page_refused_to_other_roles(people, pi, client_for, org_a, role):
    row = publication_propose(actor=people["officer"], indicator=pi)
    client = client_for(org_a, user=people[role])
    assert client.get("/performance/manage/").status_code == 403
    assert client.post(f"/performance/manage/{row.pk}/approve/").status_code == 403
    assert Publication.objects.get().state == "proposed"


def test_other_organisations_officer_cannot_decide_here(
    people, pi, client_for, org_a, org_b, make_user
):
    row = publication_propose(actor=people["officer"], indicator=pi)
    stranger = make_user(org_b, roles=["org_admin"]).user
    from tests.conftest import host_of

    # Signed in at Beta; the session means nothing on Alpha's host.
    response = client_for(org_b, user=stranger).post(
        f"/performance/manage/{row.pk}/approve/", HTTP_HOST=host_of(org_a)
    )
    assert response.status_code == 302 and "sign-in" in response["Location"]
    from django.db import connection

    connection.set_tenant(org_a)
    assert Publication.objects.get().state == "proposed"


def test_rest_lists_decisions_to_the_team_only(people, pi, client_for, org_a):
    publication_propose(actor=people["officer"], indicator=pi)
    listed = client_for(org_a, user=people["admin"]).get("/api/v1/planning/publications/")
    assert listed.status_code == 200
    assert [r["item"] for r in listed.json()["results"]] == ["DEC-1: Household waste recycled"]
    assert (
        client_for(org_a, user=people["councillor"])
        .get("/api/v1/planning/publications/")
        .status_code
        == 403
    )
    assert client_for(org_a).get("/api/v1/planning/pre-election-periods/").status_code in (401, 403)


def test_dates_no_one_could_mean_are_refused(people, pi):
    from datetime import datetime

    far = datetime(1, 1, 24, tzinfo=UTC)
    with pytest.raises(DomainError, match="between 2000 and 2100"):
        publication_propose(actor=people["officer"], indicator=pi, embargo_until=far)
    with pytest.raises(DomainError, match="between 2000 and 2100"):
        pre_election_create(
            actor=people["admin"], name="Polls", starts_at=far, ends_at=timezone.now()
        )
    assert not Publication.objects.exists() and not PreElectionPeriod.objects.exists()
