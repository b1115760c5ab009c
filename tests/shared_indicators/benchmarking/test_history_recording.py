"""A club's history is written by the service that changes the club, in its transaction:
who (person and organisation), when, and what changed; nothing for a refused change."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from goldenthread.platform.core.errors import DomainError
from goldenthread.shared_indicators.benchmarking import services
from goldenthread.shared_indicators.benchmarking.models import ClubEvent, NearestNeighbour
from tests.shared_indicators.benchmarking.helpers import Actor, make_club, make_indicator, make_org

pytestmark = pytest.mark.django_db


def officer_of(org, *roles: str) -> Actor:
    return Actor(email=f"officer@{org.slug}.example", roles=list(roles or ["org_admin"]))


def kinds(club) -> list[str]:
    return list(ClubEvent.objects.filter(club=club).order_by("id").values_list("kind", flat=True))


@pytest.fixture
def club_setup():
    """A named club run by `runner` with two members, comparing one indicator, no consent."""
    runner, first, second = make_org("Runner Council"), make_org("First"), make_org("Second")
    indicator = make_indicator()
    club = make_club(runner, [first, second], indicator, consent=False, anonymised=False)
    return club, runner, first, second, indicator


def test_setting_up_a_club_records_who_did_it_and_the_rules_it_started_with(club_setup):
    club, runner, first, second, indicator = club_setup
    created = ClubEvent.objects.get(club=club, kind="club_created")
    assert created.actor == "admin@example.test"
    assert created.actor_organisation == runner
    assert created.actor_organisation_name == "Runner Council"
    assert created.new == {
        "name": club.name,
        "description": "",
        "anonymised": False,
        "minimum_members_with_data": 5,
        "embargo_until": None,
    }
    assert kinds(club) == ["club_created", "member_added", "member_added", "indicator_added"]
    added = ClubEvent.objects.filter(club=club, kind="member_added")
    assert {event.subject_organisation_id for event in added} == {first.id, second.id}
    indicator_added = ClubEvent.objects.get(club=club, kind="indicator_added")
    assert indicator_added.indicator_code == indicator.code
    assert indicator_added.new == {"comparison_period_type": "quarter", "rollup_rule": ""}


def test_a_rule_change_records_old_and_new_for_exactly_the_fields_that_changed(club_setup):
    club, runner, *_ = club_setup
    services.club_update_rules(
        actor=officer_of(runner),
        organisation=runner,
        club=club,
        name="Renamed club",
        anonymised=True,
        minimum_members_with_data=4,
        embargo_until=date(2026, 4, 1),
        description="",  # unchanged: not recorded
    )
    (event,) = ClubEvent.objects.filter(club=club, kind="rules_changed")
    assert event.actor == f"officer@{runner.slug}.example"
    assert event.old == {
        "name": event.old["name"],
        "anonymised": False,
        "minimum_members_with_data": 5,
        "embargo_until": None,
    }
    assert event.new == {
        "name": "Renamed club",
        "anonymised": True,
        "minimum_members_with_data": 4,
        "embargo_until": "2026-04-01",
    }
    services.club_update_rules(
        actor=officer_of(runner), organisation=runner, club=club, embargo_until=None
    )
    lifted = ClubEvent.objects.filter(club=club, kind="rules_changed").order_by("id").last()
    assert (lifted.old, lifted.new) == ({"embargo_until": "2026-04-01"}, {"embargo_until": None})


def test_a_change_to_the_same_values_records_nothing(club_setup):
    club, runner, *_ = club_setup
    before = ClubEvent.objects.count()
    services.club_update_rules(
        actor=officer_of(runner), organisation=runner, club=club, minimum_members_with_data=5
    )
    assert ClubEvent.objects.count() == before


def test_consent_given_and_withdrawn_by_the_member_itself(club_setup):
    club, runner, first, second, indicator = club_setup
    officer = officer_of(first, "performance_officer")
    code = indicator.code
    services.consent_give(actor=officer, organisation=first, club=club, indicator_code=code)
    services.consent_give(actor=officer, organisation=first, club=club, indicator_code=code)
    services.consent_withdraw(actor=officer, organisation=first, club=club, indicator_code=code)
    services.consent_withdraw(actor=officer, organisation=first, club=club, indicator_code=code)
    events = list(ClubEvent.objects.filter(club=club, kind__startswith="consent").order_by("id"))
    # Giving consent that is active, or withdrawing none, changes nothing and records nothing.
    assert [e.kind for e in events] == ["consent_given", "consent_withdrawn"]
    for event in events:
        assert event.subject_organisation == first
        assert event.actor_organisation == first
        assert event.actor == f"officer@{first.slug}.example"
        assert event.indicator_code == code
    assert events[1].detail == {}


def test_removing_an_indicator_records_each_members_consent_going_with_it(club_setup):
    club, runner, first, second, indicator = club_setup
    for member in (first, second):
        services.consent_give(
            actor=officer_of(member), organisation=member, club=club, indicator_code=indicator.code
        )
    services.club_indicator_remove(
        actor=officer_of(runner), organisation=runner, club=club, indicator_code=indicator.code
    )
    withdrawn = ClubEvent.objects.filter(club=club, kind="consent_withdrawn")
    assert {(e.subject_organisation_id, e.detail["cause"]) for e in withdrawn} == {
        (first.id, "indicator_removed"),
        (second.id, "indicator_removed"),
    }
    assert all(e.actor_organisation == runner for e in withdrawn)
    removed = ClubEvent.objects.get(club=club, kind="indicator_removed")
    assert removed.indicator_code == indicator.code and removed.subject_organisation is None


def test_leaving_and_being_removed_are_told_apart_and_take_consents_with_them(club_setup):
    club, runner, first, second, indicator = club_setup
    services.consent_give(
        actor=officer_of(first), organisation=first, club=club, indicator_code=indicator.code
    )
    services.club_member_remove(
        actor=officer_of(first), organisation=first, club=club, member=first
    )
    services.club_member_remove(
        actor=officer_of(runner), organisation=runner, club=club, member=second
    )
    rows = list(
        ClubEvent.objects.filter(club=club, subject_organisation__in=[first, second])
        .exclude(kind="member_added")
        .order_by("id")
        .values_list("kind", "subject_organisation_id", "actor_organisation_id", "detail")
    )
    assert rows == [
        ("consent_given", first.id, first.id, {}),
        ("consent_withdrawn", first.id, first.id, {"cause": "member_left"}),
        ("member_left", first.id, first.id, {}),
        ("member_removed", second.id, runner.id, {}),
    ]


def test_comparator_groups_created_and_deleted(club_setup):
    club, runner, first, second, _ = club_setup
    group = services.comparator_group_create(
        actor=officer_of(runner),
        organisation=runner,
        club=club,
        name="Near pair",
        member_slugs=[first.slug, second.slug],
    )
    services.comparator_group_delete(
        actor=officer_of(runner), organisation=runner, club=club, group_id=group.id
    )
    created, deleted = ClubEvent.objects.filter(club=club, kind__startswith="group").order_by("id")
    assert created.detail["group"] == "Near pair"
    assert {m["id"] for m in created.detail["members"]} == {first.id, second.id}
    assert deleted.detail == {"group": "Near pair"}


def _count_after_refusal(call) -> int:
    before = ClubEvent.objects.count()
    with pytest.raises(DomainError):
        call()
    return ClubEvent.objects.count() - before


def test_refused_changes_write_no_history(club_setup):
    club, runner, first, second, indicator = club_setup
    member_admin = officer_of(first)
    councillor = officer_of(first, "councillor")
    refused = [
        # a member that does not run the club changes its rules
        lambda: services.club_update_rules(
            actor=member_admin, organisation=first, club=club, minimum_members_with_data=3
        ),
        # a rule the club refuses (an anonymised club needs at least three members)
        lambda: services.club_update_rules(
            actor=officer_of(runner),
            organisation=runner,
            club=club,
            anonymised=True,
            minimum_members_with_data=2,
        ),
        # a councillor gives consent
        lambda: services.consent_give(
            actor=councillor, organisation=first, club=club, indicator_code=indicator.code
        ),
        # adding a member twice, an unknown indicator, a group of non-members
        lambda: services.club_member_add(
            actor=officer_of(runner), organisation=runner, club=club, member=first
        ),
        lambda: services.club_indicator_add(
            actor=officer_of(runner), organisation=runner, club=club, indicator_code="NO SUCH"
        ),
        lambda: services.comparator_group_create(
            actor=officer_of(runner),
            organisation=runner,
            club=club,
            name="Outsiders",
            member_slugs=[make_org().slug],
        ),
        # the runner cannot leave; a member cannot remove another
        lambda: services.club_member_remove(
            actor=officer_of(runner), organisation=runner, club=club, member=runner
        ),
        lambda: services.club_member_remove(
            actor=member_admin, organisation=first, club=club, member=second
        ),
        lambda: services.comparator_group_delete(
            actor=officer_of(runner), organisation=runner, club=club, group_id=999_999_999
        ),
    ]
    assert [_count_after_refusal(call) for call in refused] == [0] * len(refused)
    club.refresh_from_db()
    assert club.anonymised is False and club.minimum_members_with_data == 5


def test_a_neighbour_import_is_recorded_for_each_club_of_each_member_whose_list_changed(
    club_setup, tmp_path
):
    club, runner, first, second, _ = club_setup
    other_club = make_club(make_org(), [first], make_indicator(), consent=False)
    outsider, n1, n2 = make_org(), make_org(), make_org()
    NearestNeighbour.objects.create(organisation=second, neighbour=n1, position=1)
    path = tmp_path / "neighbours.csv"
    path.write_text(
        "organisation,neighbour\n"
        f"{first.slug},{n1.slug}\n{first.slug},{n2.slug}\n"
        f"{second.slug},{n1.slug}\n"  # the same list as before: nothing to record
        f"{outsider.slug},{n1.slug}\n",  # in no club
        encoding="utf-8",
    )
    call_command("benchmarking", "import-neighbours", str(path))
    events = ClubEvent.objects.filter(kind="neighbours_imported")
    assert sorted((e.club_id, e.subject_organisation_id) for e in events) == sorted(
        [(club.id, first.id), (other_club.id, first.id)]
    )
    event = events.first()
    assert event.actor.startswith("cli") and event.actor_organisation is None
    assert (event.old, event.new) == ({"neighbours": 0}, {"neighbours": 2})
    assert event.detail == {"source": "neighbours.csv"}


def test_a_refused_neighbour_file_records_nothing(club_setup, tmp_path):
    club, runner, first, *_ = club_setup
    path = tmp_path / "neighbours.csv"
    path.write_text(f"organisation,neighbour\n{first.slug},nowhere\n", encoding="utf-8")
    with pytest.raises(Exception, match="nothing was imported"):
        call_command("benchmarking", "import-neighbours", str(path))
    assert not ClubEvent.objects.filter(kind="neighbours_imported").exists()
