"""Benchmarking pages: club list, club page with consent and membership, comparison page."""

from __future__ import annotations

import pytest

from goldenthread.shared_indicators.benchmarking.models import ClubConsent, ClubMembership
from goldenthread.shared_indicators.publication.models import CrossOrganisationRead
from tests.shared_indicators.benchmarking.helpers import (
    make_club,
    make_indicator,
    make_org,
    publish,
)

pytestmark = pytest.mark.django_db

QUARTERS = ("2024/25 Q1", "2024/25 Q2")


def club_with(org_a, count=6, *, anonymised=True, admin=None, **extra):
    indicator = make_indicator()
    others = [make_org(f"Neighbour Council {i}") for i in range(count - 1)]
    admin = admin or others[0]
    members = [m for m in [org_a, *others] if m.id != admin.id]
    club = make_club(admin, members, indicator, anonymised=anonymised, **extra)
    for i, org in enumerate([org_a, *others]):
        for q, code in enumerate(QUARTERS):
            publish(org, indicator, code, 20 + 3 * i + q)
    return club, indicator, others


def comparison_url(club, indicator) -> str:
    return f"/benchmarking/{club.id}/{indicator.code}/?first={QUARTERS[0]}&last={QUARTERS[1]}"


@pytest.fixture
def member(org_a, make_user, client_for):
    return client_for(org_a, user=make_user(org_a, roles=["councillor"]).user)


def test_the_club_list_and_club_page_show_the_members_clubs(member, org_a):
    club, indicator, _ = club_with(org_a)
    page = member.get("/benchmarking/")
    assert page.status_code == 200
    assert club.name in page.content.decode()
    detail = member.get(f"/benchmarking/{club.id}/").content.decode()
    assert indicator.code in detail and "Given" in detail


def test_the_comparison_page_has_a_league_table_context_charts_and_tables(member, org_a):
    club, indicator, others = club_with(org_a)
    response = member.get(comparison_url(club, indicator))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Before you read the ranking" in html
    assert "League table: Q2 2024/25" in html
    assert html.count('role="img"') == 2
    assert "Quartiles in table form" in html and "Your trend in table form" in html
    assert "ranked 6 of 6, in quartile 4" in html
    assert "Authority " in html
    for org in others:
        assert org.name not in html and org.slug not in html
    (read,) = CrossOrganisationRead.objects.filter(reader_organisation=org_a, interface="page")
    assert sorted(read.owner_ids) == sorted(org.id for org in others)


def test_below_the_minimum_the_page_shows_no_figures(member, org_a):
    club, indicator, _ = club_with(org_a, count=4)
    html = member.get(comparison_url(club, indicator)).content.decode()
    assert "too few members" in html
    assert "League table" not in html and "Median" not in html


def test_a_refused_range_is_explained_in_the_focused_error_summary(member, org_a):
    club, indicator, _ = club_with(org_a)
    url = f"/benchmarking/{club.id}/{indicator.code}/?first=2024/25&last={QUARTERS[1]}"
    html = member.get(url).content.decode()
    summary = html[html.index('<div class="error-summary"') :]
    summary = summary[: summary.index("</div>\n</div>") + 12]
    assert "autofocus" in summary and "This comparison cannot be shown" in summary
    assert "The first and last periods must be of one type" in summary
    assert "League table" not in html
    assert not CrossOrganisationRead.objects.filter(reader_organisation=org_a).exists()


def test_a_non_member_gets_not_found(client_for, org_b, make_user, org_a):
    club, indicator, _ = club_with(org_a)
    outsider = client_for(org_b, user=make_user(org_b, roles=["org_admin"]).user)
    assert club.name not in outsider.get("/benchmarking/").content.decode()
    assert outsider.get(f"/benchmarking/{club.id}/").status_code == 404
    assert outsider.get(comparison_url(club, indicator)).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client_for, org_a):
    club, indicator, _ = club_with(org_a)
    response = client_for(org_a).get(comparison_url(club, indicator))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_a_performance_officer_withdraws_and_gives_consent(org_a, make_user, client_for):
    club, indicator, _ = club_with(org_a)
    officer = client_for(org_a, user=make_user(org_a, roles=["performance_officer"]).user)
    active = ClubConsent.objects.filter(
        membership__organisation=org_a, membership__club=club, withdrawn_at__isnull=True
    )
    officer.post(
        f"/benchmarking/{club.id}/consent/",
        {"indicator_code": indicator.code, "action": "withdraw"},
    )
    assert not active.exists()
    officer.post(
        f"/benchmarking/{club.id}/consent/", {"indicator_code": indicator.code, "action": "give"}
    )
    assert active.count() == 1


def test_a_councillor_cannot_change_consent(member, org_a):
    club, indicator, _ = club_with(org_a)
    response = member.post(
        f"/benchmarking/{club.id}/consent/",
        {"indicator_code": indicator.code, "action": "withdraw"},
        follow=True,
    )
    assert "Only organisation administrators and performance officers" in response.content.decode()
    assert ClubConsent.objects.filter(
        membership__organisation=org_a, withdrawn_at__isnull=True
    ).exists()


def test_the_clubs_administrators_add_and_remove_members(org_a, make_user, client_for):
    club, indicator, _ = club_with(org_a, admin=org_a)
    admin = client_for(org_a, user=make_user(org_a, roles=["org_admin"]).user)
    newcomer = make_org("Newcomer Council")
    admin.post(
        f"/benchmarking/{club.id}/members/", {"organisation_slug": newcomer.slug, "action": "add"}
    )
    current = ClubMembership.objects.filter(club=club, organisation=newcomer, left_at__isnull=True)
    assert current.exists()
    admin.post(
        f"/benchmarking/{club.id}/members/",
        {"organisation_slug": newcomer.slug, "action": "remove"},
    )
    assert not current.exists()


def test_a_member_that_does_not_run_the_club_cannot_add_members(org_a, make_user, client_for):
    club, indicator, _ = club_with(org_a)
    admin = client_for(org_a, user=make_user(org_a, roles=["org_admin"]).user)
    newcomer = make_org()
    response = admin.post(
        f"/benchmarking/{club.id}/members/",
        {"organisation_slug": newcomer.slug, "action": "add"},
        follow=True,
    )
    assert (
        "Only administrators of the organisation that runs this club" in response.content.decode()
    )
    assert not ClubMembership.objects.filter(club=club, organisation=newcomer).exists()


def test_the_main_navigation_links_to_benchmarking_on_an_organisation_host(member, client_for):
    html = member.get("/benchmarking/").content.decode()
    assert 'href="/benchmarking/" aria-current="page">Benchmarking</a>' in html
    staff_home = client_for(None).get("/accounts/sign-in/").content.decode()
    assert ">Benchmarking</a>" not in staff_home


def test_the_comparison_periods_are_chosen_from_lists_not_typed(member, org_a):
    club, indicator, _ = club_with(org_a)
    html = member.get(comparison_url(club, indicator)).content.decode()
    assert '<select id="first" name="first">' in html
    assert '<select id="last" name="last">' in html
    assert f'<option value="{QUARTERS[0]}" selected>' in html
    assert f'<option value="{QUARTERS[1]}" selected>' in html
    assert '<input id="first"' not in html
