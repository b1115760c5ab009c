"""The quarterly performance report page: right statuses and trends for either polarity,
commentary, grouping and order, printing, and a query count that does not grow with PIs."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from goldenthread.platform.indicators.services.indicators import service_area_create
from goldenthread.platform.indicators.services.targets import target_set

from .conftest import enter

URL = "/indicators/report/?period=2024/25 Q2"


def report_rows(html: str) -> dict[str, str]:
    return dict(re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', html, re.S))


def cells(row_html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", row_html, re.S)


@pytest.fixture
def report_data(org_a, people, make_indicator, alpha):
    with alpha():
        waste = service_area_create(actor=people.officer, name="Waste")
        adults = service_area_create(actor=people.officer, name="Adults")
        higher = make_indicator(code="R HI", title="Recycling", service_area=waste)
        lower = make_indicator(
            code="R LO",
            title="Days to collect",
            unit_kind="time",
            polarity="lower",
            service_area=waste,
        )
        neutral = make_indicator(
            code="R NONE",
            title="Contacts",
            unit_kind="number",
            polarity="none",
            decimal_places=0,
            service_area=adults,
        )
        missing = make_indicator(code="R MISS", title="Nobody sent it")
        for indicator, target in ((higher, "50"), (lower, "10"), (missing, "1")):
            target_set(
                actor=people.officer, indicator=indicator, period_code="2024/25 Q2", value=target
            )
        enter(people, higher, "2023/24 Q2", "65", approve=True)
        enter(people, higher, "2024/25 Q1", "55", approve=True)
        enter(people, higher, "2024/25 Q2", "60", approve=True, commentary="New kerbside round.")
        enter(people, lower, "2023/24 Q2", "11", approve=True)
        enter(people, lower, "2024/25 Q1", "15", approve=True)
        enter(people, lower, "2024/25 Q2", "12", commentary="Vehicle breakdowns.", submit=True)
        enter(people, neutral, "2024/25 Q1", "90", approve=True)
        enter(people, neutral, "2024/25 Q2", "100", approve=True)
    return higher, lower, neutral, missing


def test_the_report_shows_status_and_trends_for_either_polarity(
    org_a, people, report_data, as_user
):
    html = as_user(people.councillor).get(URL).content.decode()
    rows = report_rows(html)

    value, target, status, previous, short, last_year, long, commentary = cells(rows["R HI"])
    assert "60.0%" in value and "50.0%" in target and 'data-status="on_target"' in status
    assert "2024/25 Q1:</span> 55.0%" in previous and 'data-trend="improving"' in short
    assert "2023/24 Q2:</span> 65.0%" in last_year and 'data-trend="getting_worse"' in long
    assert "New kerbside round." in commentary

    value, target, status, previous, short, last_year, long, commentary = cells(rows["R LO"])
    # Lower is better: 12 against 10 is beyond the 5% tolerance; falling from 15 improves.
    assert "12.0" in value and "(submitted)" in value and 'data-status="off_target"' in status
    assert 'data-trend="improving"' in short and 'data-trend="getting_worse"' in long
    assert "Vehicle breakdowns." in commentary

    value, target, status, previous, short, *_ = cells(rows["R NONE"])
    assert "100" in value and 'data-status="data_only"' in status
    assert 'data-trend="increasing"' in short and "Increasing" in short

    value, target, status, *_ = cells(rows["R MISS"])
    assert "Missing" in value and 'data-status="missing"' in status


def test_the_report_groups_by_service_area_and_sorts_by_code(
    org_a, people, report_data, make_indicator, alpha, as_user
):
    higher = report_data[0]
    with alpha():
        make_indicator(code="R AA", title="Another waste PI", service_area=higher.service_area)
    html = as_user(people.councillor).get(URL).content.decode()
    groups = re.findall(r'<h2 id="group-\d+">([^<]+)</h2>', html)
    # Other tests' committed PIs may add groups; ours must come in name order, "none" last.
    ours = [name for name in groups if name in ("Adults", "Waste", "No service area")]
    assert ours == ["Adults", "Waste", "No service area"] and groups[-1] == "No service area"
    waste = html[html.index(">Waste</h2>") : html.index("</section>", html.index(">Waste</h2>"))]
    assert re.findall(r'<tr data-code="([^"]+)">', waste) == ["R AA", "R HI", "R LO"]
    assert '<tr data-code="R NONE">' in html[html.index(">Adults</h2>") : html.index(">Waste</h2>")]
    # The groups are put in the page as it is sent: each once, in the main content.
    main = html[html.index('<main id="main-content"') : html.index("</main>")]
    assert main.count('<section class="report-group"') == len(groups) and "<!--" not in main


def test_approved_only_treats_unapproved_values_as_not_in(org_a, people, report_data, as_user):
    html = as_user(people.councillor).get(URL + "&approved_only=on").content.decode()
    value, _, status, *_ = cells(report_rows(html)["R LO"])
    assert "Missing" in value and 'data-status="missing"' in status


def test_a_bad_period_is_explained(org_a, people, as_user):
    response = as_user(people.councillor).get("/indicators/report/?period=2024/25 Q5")
    assert response.status_code == 400
    html = response.content.decode()
    start = html.index('<div class="error-summary"')
    summary = html[start : html.index("</ul>", start)]
    # The one error summary: it takes focus and links to the period to choose again.
    assert "autofocus" in summary and 'href="#id_period"' in summary
    assert "a financial year has quarters Q1 to Q4" in summary


def test_the_default_period_is_the_last_quarter_that_has_ended(org_a, people, as_user):
    from django.utils import timezone

    from goldenthread.platform.core.periods import (
        PeriodType,
        period_containing,
        previous_period,
    )

    last = previous_period(period_containing(PeriodType.QUARTER, timezone.localdate()))
    html = as_user(people.councillor).get("/indicators/report/").content.decode()
    assert f"<h1>Performance report: {last.label}</h1>" in html


def test_the_report_prints_without_navigation_and_with_repeating_headers():
    css = Path("platform/static/goldenthread/site.css").read_text()
    print_rules = "".join(re.findall(r"@media print \{(.*?)\n\}", css, re.S))
    assert ".report-table thead { display: table-header-group; }" in print_rules
    assert ".report-group + .report-group { break-before: page; }" in print_rules
    assert ".report-controls" in print_rules and ".site-header nav" in css


def ours(response) -> list[str]:
    return [code for code in report_rows(response.content.decode()) if code[:2] in ("FQ", "MQ")]


def _add_pis(people, make_indicator, count: int, prefix: str) -> None:
    from goldenthread.platform.indicators.services.values import commentary_add

    area = service_area_create(actor=people.officer, name=f"Area {prefix}")
    for number in range(count):
        indicator = make_indicator(
            code=f"{prefix}{number:03d}",
            service_area=area if number % 2 else None,
            polarity="lower" if number % 3 else "higher",
            commentary_required_when_off_target=False,
        )
        for period in ("2023/24 Q2", "2024/25 Q1", "2024/25 Q2"):
            target_set(actor=people.officer, indicator=indicator, period_code=period, value="50")
            enter(people, indicator, period, str(40 + number % 20), approve=number % 2 == 0)
        commentary_add(
            actor=people.provider, indicator=indicator, period_code="2024/25 Q2", text="Words"
        )


def test_the_report_query_count_does_not_grow_with_the_number_of_pis(
    org_a, people, make_indicator, as_user, alpha
):
    client = as_user(people.councillor)
    with alpha():
        _add_pis(people, make_indicator, 3, "FQ")
    client.get(URL)  # warm up: session and the like
    with CaptureQueriesContext(connection) as few:
        small = client.get(URL)
    assert len(ours(small)) == 3

    with alpha():
        _add_pis(people, make_indicator, 27, "MQ")
    with CaptureQueriesContext(connection) as many:
        large = client.get(URL)
    assert len(ours(large)) == 30
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_report_api_query_count_does_not_grow_with_the_number_of_pis(
    org_a, people, make_indicator, as_user, alpha
):
    # The report loads only some of each PI's fields: what the API prints of a PI and of its
    # commentary's author must be among them, or each row would cost a query.
    client = as_user(people.councillor)
    api = "/api/v1/indicators/report/?period=2024/25 Q2"
    with alpha():
        _add_pis(people, make_indicator, 3, "FQ")
    client.get(api)
    with CaptureQueriesContext(connection) as few:
        small = client.get(api).json()["rows"]
    with alpha():
        _add_pis(people, make_indicator, 27, "MQ")
    with CaptureQueriesContext(connection) as many:
        large = client.get(api).json()["rows"]
    ours = [row for row in large if row["code"][:2] in ("FQ", "MQ")]
    assert len(ours) == 30 and len(large) == len(small) + 27
    assert {row["commentary"]["author"] for row in ours} == {str(people.provider)}
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_report_reads_only_the_compared_periods_and_what_it_shows_of_each_value(
    org_a, people, report_data, alpha, django_assert_num_queries
):
    from goldenthread.platform.indicators.selectors.report import StoredValue, performance_report

    higher = report_data[0]
    with alpha():
        # Periods the report does not compare: read, they would only cost time.
        enter(people, higher, "2022/23 Q2", "61", approve=True)
        enter(people, higher, "2023/24 Q4", "62", approve=True)
        with CaptureQueriesContext(connection) as queries:
            report = performance_report(period_code="2024/25 Q2")
        stored = [row.current.row for row in report.rows if row.current.row is not None]
        assert len(stored) == 3 and all(type(row) is StoredValue for row in stored)
        # Timestamps, people and notes stay in the database (bench/report.py: they cost more
        # than the query); what the report reads is there without further queries.
        shown = ("status", "status_target", "status_warning_threshold", "value", "state")
        with django_assert_num_queries(0):
            read = [[getattr(row, name) for name in shown] for row in stored]
        assert {status for status, *_ in read} == {"on_target", "off_target", "data_only"}
    (values_sql,) = [q["sql"] for q in queries.captured_queries if "indicatorvalue" in q["sql"]]
    compared = {"2024/25 Q2", "2024/25 Q1", "2023/24 Q2"}
    assert set(re.findall(r"\d{4}/\d{2} Q\d", values_sql)) == compared
    assert "entered_at" not in values_sql and "out_of_range_note" not in values_sql


class _Elements(HTMLParser):
    """The elements and attributes a browser would build from the page, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += attrs

    def handle_data(self, data):
        self.text.append(data)


def test_hostile_text_in_titles_codes_commentary_and_names_is_escaped(
    org_a, people, make_indicator, alpha, as_user
):
    # The rows are rendered by a Jinja2 fragment with autoescape on: what people typed reaches
    # the browser as text, never as elements or attributes, whichever entities the engine uses.
    hostile = '<script>alert("x")</script>'
    with alpha():
        area = service_area_create(actor=people.officer, name=f"Area {hostile}")
        indicator = make_indicator(code='R "<b>', title=f"Title {hostile}", service_area=area)
        target_set(actor=people.officer, indicator=indicator, period_code="2024/25 Q2", value="50")
        enter(
            people,
            indicator,
            "2024/25 Q2",
            "10",
            approve=True,
            commentary=f"Note {hostile}\nsecond line' onmouseover='alert(1)",
        )
    html = as_user(people.councillor).get(URL).content.decode()
    report = html[html.index('<section class="report-group"') : html.rindex("</section>")]
    page = _Elements()
    page.feed(report)

    assert "script" not in page.tags and "b" not in page.tags
    assert not [name for name, _ in page.attributes if name.startswith("on")]
    assert ("data-code", 'R "<b>') in page.attributes
    text = "".join(page.text)
    for typed in (f"Area {hostile}", f"Title {hostile}", f"Note {hostile}", "second line'"):
        assert typed in text
    assert text.count(f"Area {hostile}") == 2  # the group's heading and its table's caption
    # The commentary's line break is kept, as a <br> between the two escaped lines.
    assert "</script><br>second line" not in report and "&gt;<br>second line" in report


def test_each_organisations_report_shows_only_its_own_pis(
    org_a, org_b, people, report_data, make_user, client_for, as_user
):
    # The report reads with written-out SQL that names no schema: the organisation is the
    # search path the request's host set. Requests for both, in turns on one connection.
    from django_tenants.utils import schema_context

    from goldenthread.platform.indicators.services.indicators import indicator_create

    beta_officer = make_user(org_b, roles=["performance_officer"]).user
    with schema_context(org_b.schema_name):
        indicator_create(
            actor=beta_officer,
            code="B ONLY",
            title="Beta's own",
            unit_kind="number",
            polarity="higher",
            frequency="quarterly",
        )
    alpha, beta = as_user(people.councillor), client_for(org_b, user=beta_officer)
    api = "/api/v1/indicators/report/?period=2024/25 Q2"
    for _ in range(2):
        alpha_page = report_rows(alpha.get(URL).content.decode())
        beta_page = report_rows(beta.get(URL).content.decode())
        alpha_api = {row["code"] for row in alpha.get(api).json()["rows"]}
        beta_api = {row["code"] for row in beta.get(api).json()["rows"]}
        assert "R HI" in alpha_page and "R HI" in alpha_api
        assert "B ONLY" not in alpha_page and "B ONLY" not in alpha_api
        assert "B ONLY" in beta_page and "B ONLY" in beta_api
        assert not {"R HI", "R LO", "R NONE", "R MISS"} & (set(beta_page) | beta_api)


def test_a_service_area_without_pis_is_reported_as_such(org_a, people, report_data, alpha, as_user):
    with alpha():
        empty = service_area_create(actor=people.officer, name="Nothing here")
    response = as_user(people.councillor).get(f"{URL}&service_area={empty.pk}")
    html = response.content.decode()
    assert response.status_code == 200 and not report_rows(html)
    assert "There are no indicators to report in this service area." in html
    assert "<!--" not in html.split('<main id="main-content"')[1]  # no placeholder left behind


def test_persistence_filters_keep_the_report_to_matching_pis(org_a, people, report_data, as_user):
    # R LO (lower is better, target 10) is 12 in 2024/25 Q2: off target one period in a row.
    client = as_user(people.councillor)
    html = client.get(URL + "&off_target_at_least=1").content.decode()
    assert "Only PIs off target for at least this many periods in a row" in html
    assert list(report_rows(html)) == ["R LO"]
    assert report_rows(client.get(URL + "&off_target_at_least=2").content.decode()) == {}
    # Too few values for SPC anywhere: no PI shows special cause concerning.
    assert report_rows(client.get(URL + "&special_cause_concerning=on").content.decode()) == {}
    bad = client.get(URL + "&off_target_at_least=0")
    assert bad.status_code == 400 and "greater than or equal to 1" in bad.content.decode()


def test_the_filtered_report_query_count_does_not_grow_with_the_number_of_pis(
    org_a, people, make_indicator, as_user, alpha
):
    client = as_user(people.councillor)
    url = URL + "&off_target_at_least=1&special_cause_concerning=on"
    with alpha():
        _add_pis(people, make_indicator, 3, "FQ")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    with alpha():
        _add_pis(people, make_indicator, 27, "MQ")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    few_sql = [q["sql"][:90] for q in few.captured_queries]
    many_sql = [q["sql"][:90] for q in many.captured_queries]
    assert many_sql == few_sql
