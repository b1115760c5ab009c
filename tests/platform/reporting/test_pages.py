"""The reporting pages: a performance officer builds a definition by priority and previews its
pack for a period chosen from a list; others read but cannot write; another organisation's
definition is not found; the pack page prints on A4 with the as-at time on every page."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django_tenants.utils import schema_context

from goldenthread.platform.reporting.models import ReportDefinition
from goldenthread.platform.reporting.services import definition_create
from tests.factories import IndicatorFactory, IndicatorValueFactory, StrategyNodeFactory

STYLESHEET = (
    Path(__file__).resolve().parents[3] / "platform/reporting/static/reporting/pack.css"
).read_text()


def form_data(**changes):
    data = {
        "title": "Clean streets report",
        "layout": "committee",
        "scope": "priorities",
        "sections": ["pis", "actions"],
        "section_pis_title": "Indicators",
        "section_pis_narrative": "Litter fell.\n\nFly-tipping rose.",
        "approved_only": "on",
        "red_periods": "3",
    }
    data.update(changes)
    return data


def test_an_officer_builds_a_definition_by_priority_and_previews_its_pack(
    org_a, people, client_for
):
    with schema_context(org_a.schema_name):
        node = StrategyNodeFactory(code="P1", title="Clean streets", level=1)
        pi = IndicatorFactory(code="LIT1", title="Streets free of litter")
        node.indicators.add(pi)
        IndicatorValueFactory(indicator=pi, period="2024/25 Q2", value=Decimal("91.5"))
    client = client_for(org_a, user=people.officer)

    form = client.get("/reports/new/")
    assert form.status_code == 200 and "P1 Clean streets" in form.content.decode()
    saved = client.post("/reports/new/", form_data(strategy_node_ids=[str(node.pk)]))
    assert saved.status_code == 302
    with schema_context(org_a.schema_name):
        definition = ReportDefinition.objects.get()
        assert definition.versions.get().spec["strategy_node_ids"] == [node.pk]

    detail = client.get(f"/reports/{definition.pk}/").content.decode()
    assert '<option value="2024/25 Q2"' in detail  # a period picker, not a typed code
    page = client.get(f"/reports/{definition.pk}/pack/", {"period": "2024/25 Q2"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "reporting/pack.css" in html
    assert "Streets free of litter" in html and "91.5%" in html
    assert "Data as at" in html and "Clean streets report" in html
    assert 'href="#pack-section-pis"' in html and 'id="pack-section-pis"' in html
    assert "<p>Litter fell.</p><p>Fly-tipping rose.</p>" in html
    assert "Approved values only" in html and "Includes unapproved values" not in html


def test_a_pack_with_unapproved_values_says_so_on_every_page_and_beside_each(
    org_a, people, client_for
):
    with schema_context(org_a.schema_name):
        pi = IndicatorFactory(code="DR1")
        IndicatorValueFactory(
            indicator=pi, period="2024/25 Q2", value=Decimal("12.0"), workflow_status="draft"
        )
        definition = definition_create(
            user=people.officer,
            data={"title": "Drafts too", "sections": ["pis"], "approved_only": False},
        )
    html = (
        client_for(org_a, user=people.manager)
        .get(f"/reports/{definition.pk}/pack/", {"period": "2024/25 Q2"})
        .content.decode()
    )
    running = re.search(r'<div class="pack-running".*?</div>', html, re.S).group(0)
    assert "Includes unapproved values" in running  # the header repeated on each page
    assert 'class="pack-unapproved"' in html and "Draft, not yet approved" in html


def test_a_bad_definition_form_shows_each_problem_and_saves_nothing(org_a, people, client_for):
    answer = client_for(org_a, user=people.officer).post(
        "/reports/new/", form_data(title="", scope="priorities")
    )
    html = answer.content.decode()
    assert answer.status_code == 400
    assert "There is a problem" in html and "Choose at least one priority or theme." in html
    with schema_context(org_a.schema_name):
        assert ReportDefinition.objects.count() == 0


@pytest.mark.parametrize("role", ["councillor", "provider", "auditor", "manager"])
def test_readers_read_but_cannot_write_and_nothing_changes(org_a, people, client_for, role):
    with schema_context(org_a.schema_name):
        definition = definition_create(
            user=people.officer, data={"title": "Ours", "sections": ["pis"]}
        )
    client = client_for(org_a, user=getattr(people, role))

    assert client.get("/reports/").status_code == 200
    assert client.get(f"/reports/{definition.pk}/").status_code == 200
    assert client.get(f"/reports/{definition.pk}/pack/").status_code == 200
    assert client.get("/reports/new/").status_code == 403
    assert client.post("/reports/new/", form_data(scope="all")).status_code == 403
    assert client.post(f"/reports/{definition.pk}/edit/", form_data(scope="all")).status_code == 403
    assert client.post(f"/reports/{definition.pk}/archive/").status_code == 403
    with schema_context(org_a.schema_name):
        definition.refresh_from_db()
        assert ReportDefinition.objects.count() == 1
        assert (definition.latest_version, definition.archived_at) == (1, None)


def test_another_organisations_definition_is_not_found(org_a, org_b, people, make_user, client_for):
    with schema_context(org_a.schema_name):
        definition = definition_create(
            user=people.officer, data={"title": "Ours", "sections": ["pis"]}
        )
    client = client_for(org_b, user=make_user(org_b, roles=["performance_officer"]).user)
    for path in ("", "edit/", "pack/", "versions/1/"):
        assert client.get(f"/reports/{definition.pk}/{path}").status_code == 404
    assert client.post(f"/reports/{definition.pk}/archive/").status_code == 404
    with schema_context(org_a.schema_name):
        definition.refresh_from_db()
        assert definition.archived_at is None


def test_anonymous_visitors_are_sent_to_sign_in(org_a, client_for):
    answer = client_for(org_a).get("/reports/")
    assert answer.status_code == 302


def test_the_print_stylesheet_prints_a4_with_page_numbers_and_no_forced_breaks():
    assert re.search(r"@page\s*{[^}]*size:\s*A4", STYLESHEET)
    assert 'counter(page) " of " counter(pages)' in STYLESHEET
    assert ".pack-table tr" in STYLESHEET and "break-inside: avoid" in STYLESHEET
    # The only forced break is after the cover: groups end where they end.
    assert re.findall(r"break-(?:before|after):\s*page", STYLESHEET) == ["break-after: page"]
    assert ".pack-cover { break-after: page;" in STYLESHEET


def test_a_version_page_shows_what_that_version_said(org_a, people, client_for):
    from goldenthread.platform.reporting.services import definition_update

    with schema_context(org_a.schema_name):
        definition = definition_create(
            user=people.officer, data={"title": "First title", "sections": ["pis"]}
        )
        definition_update(
            user=people.officer,
            definition=definition,
            data={"title": "Second title", "sections": ["pis"]},
        )
    client = client_for(org_a, user=people.councillor)
    assert "First title" in client.get(f"/reports/{definition.pk}/versions/1/").content.decode()
    detail = client.get(f"/reports/{definition.pk}/").content.decode()
    assert "Version 2" in detail and "Version 1" in detail and "Second title" in detail


def test_the_running_header_stylesheet_cannot_be_broken_out_of(org_a, people, client_for):
    answer = client_for(org_a, user=people.councillor).get(
        "/reports/running-header.css",
        {"left": 'Pack "} body { display: none } @x {', "right": "Data as at 1 July\\"},
    )
    css = answer.content.decode()
    assert answer["Content-Type"].startswith("text/css")
    assert 'content: "Pack \\"} body { display: none } @x {";' in css
    assert 'content: "Data as at 1 July\\\\";' in css
    assert css.count("{") == 3 + 2  # the rule's own three, and the two quoted ones


def test_the_priorities_layout_draws_each_pis_chart_with_the_platforms_chart_code(
    org_a, people, client_for
):
    with schema_context(org_a.schema_name):
        node = StrategyNodeFactory(code="P9", title="Thriving places", level=1)
        pi = IndicatorFactory(code="TP1", title="Visitors")
        node.indicators.add(pi)
        for period, value in (("2024/25 Q1", "40"), ("2024/25 Q2", "45")):
            IndicatorValueFactory(indicator=pi, period=period, value=Decimal(value))
        definition = definition_create(
            user=people.officer,
            data={
                "title": "Priorities",
                "layout": "priorities",
                "scope": "priorities",
                "strategy_node_ids": [node.pk],
                "sections": ["pis"],
                "charts": True,
            },
        )
    html = (
        client_for(org_a, user=people.officer)
        .get(f"/reports/{definition.pk}/pack/", {"period": "2024/25 Q2"})
        .content.decode()
    )
    assert '<svg viewBox="0 0 720 320" role="img"' in html
    assert '<title id="pack-chart-1-title">TP1 Visitors</title>' in html
    assert "Q1 value" in html and "Annual target 2024/25" in html and "Outturn 2023/24" in html


def test_the_definition_form_and_the_pack_are_labelled_and_their_ids_exist(
    org_a, people, client_for
):
    from tests.fixtures.accessibility import (
        assert_aria_ids_exist,
        assert_errors_are_tied_to_their_fields,
        assert_every_input_is_labelled,
        assert_groups_are_fieldsets,
    )
    from tests.fixtures.html import parse

    client = client_for(org_a, user=people.officer)
    with schema_context(org_a.schema_name):
        StrategyNodeFactory(code="P7", title="Healthy lives", level=1)
        definition = definition_create(
            user=people.officer, data={"title": "Labelled", "sections": ["pis", "risks"]}
        )
    for page in (
        parse(client.get("/reports/new/")),
        parse(client.post("/reports/new/", form_data(title=""))),
        parse(client.get(f"/reports/{definition.pk}/")),
        parse(client.get(f"/reports/{definition.pk}/pack/", {"period": "2024/25 Q2"})),
    ):
        assert_every_input_is_labelled(page)
        assert_aria_ids_exist(page)
        assert_groups_are_fieldsets(page)
        assert_errors_are_tied_to_their_fields(page)


def test_the_list_of_definitions_takes_a_fixed_number_of_queries(
    org_a, people, client_for, django_assert_max_num_queries
):
    with schema_context(org_a.schema_name):
        for number in range(12):
            definition_create(
                user=people.officer, data={"title": f"Pack {number}", "sections": ["pis"]}
            )
    client = client_for(org_a, user=people.councillor)
    client.get("/reports/")
    with django_assert_max_num_queries(12):
        assert client.get("/reports/").status_code == 200
