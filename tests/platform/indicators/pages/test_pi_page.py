"""A PI's page: chart against target with status markers and its table, trends, commentary
(mandatory when off target), and the history page's audit trail."""

from __future__ import annotations

import re

from django_tenants.utils import schema_context

from goldenthread.platform.indicators.models import Commentary

from .conftest import enter


def test_the_chart_draws_values_target_and_status_shapes_with_a_table_equivalent(
    org_a, people, pi, as_user, alpha
):
    with alpha():
        enter(people, pi, "2024/25 Q1", "52", approve=True)
        enter(people, pi, "2024/25 Q2", "48", commentary="Wet summer.")
        enter(people, pi, "2024/25 Q3", "40", commentary="Strike.")
    html = as_user(people.councillor).get(f"/indicators/{pi.pk}/").content.decode()
    chart = html[html.index('<figure class="pi-chart">') : html.index("</figure>")]
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in chart
    assert "The latest, for Q3 2024/25 (Oct–Dec 2024), is 40.0%, against a target of 55.0%" in chart
    assert len(re.findall(r'<path class="chart-values" d="M[\d.]+ [\d.]+ L', chart)) == 1
    assert chart.count("H") >= 3 and 'class="chart-target"' in chart
    # One marker per value, each with the shape and words of its status.
    markers = re.findall(r'class="chart-marker (status-[a-z-]+)"', chart)
    assert markers == ["status-on-target", "status-warning", "status-off-target"]
    assert "Q2 2024/25 (Jul–Sep 2024): 48.0% – Warning: just off target" in chart
    # The table says the same, newest first, with trends in words.
    table = html[html.index('<table class="values-table">') : html.index("</table>")]
    periods = re.findall(r'<abbr title="[^"]+">([^<]+)</abbr>', table)
    assert periods == ["2024/25 Q3", "2024/25 Q2", "2024/25 Q1"]
    assert table.count('data-trend="getting_worse"') == 2
    assert "55.0%" in table and "Approved" in table


def test_the_latest_trends_and_commentary_are_shown(org_a, people, pi, as_user, alpha):
    with alpha():
        enter(people, pi, "2023/24 Q3", "35")
        enter(people, pi, "2024/25 Q2", "45")
        enter(people, pi, "2024/25 Q3", "50", commentary="Back on track after the strike.")
    html = as_user(people.councillor).get(f"/indicators/{pi.pk}/").content.decode()
    readout = html[html.index('class="summary-list latest-readout"') :]
    readout = readout[: readout.index("</dl>")]
    assert 'data-trend="improving"' in readout  # 45 -> 50 and 35 -> 50, higher is better
    assert "against the same period last year" in readout
    assert "Back on track after the strike." in html


def test_commentary_is_added_and_flagged_when_missing_off_target(org_a, people, pi, as_user, alpha):
    with alpha():
        enter(people, pi, "2024/25 Q3", "40")
    client = as_user(people.provider)
    page = client.get(f"/indicators/{pi.pk}/").content.decode()
    assert "Commentary needed:" in page and "Q3 2024/25" in page
    assert '<option value="2024/25 Q3" selected>' in page
    empty = client.post(f"/indicators/{pi.pk}/commentary/", {"period": "2024/25 Q3", "text": ""})
    assert empty.status_code == 400 and "Write the commentary." in empty.content.decode()
    added = client.post(
        f"/indicators/{pi.pk}/commentary/", {"period": "2024/25 Q3", "text": "Depot fire."}
    )
    assert added.status_code == 302
    with alpha():
        assert Commentary.objects.get(indicator=pi).author == people.provider
    assert "Commentary needed:" not in client.get(f"/indicators/{pi.pk}/").content.decode()


def test_readers_who_may_not_comment_get_no_form_and_are_refused(org_a, people, pi, as_user, alpha):
    client = as_user(people.councillor)
    assert "Add commentary" not in client.get(f"/indicators/{pi.pk}/").content.decode()
    response = client.post(
        f"/indicators/{pi.pk}/commentary/", {"period": "2024/25 Q3", "text": "Hello"}
    )
    assert response.status_code == 403
    with alpha():
        assert not Commentary.objects.filter(indicator=pi).exists()


def test_the_history_shows_who_when_old_new_and_why(org_a, people, pi, as_user, alpha):
    from goldenthread.platform.indicators.services.workflow import value_reopen

    with alpha():
        row = enter(people, pi, "2024/25 Q1", "52", approve=True)
        value_reopen(actor=people.officer, value=row, reason="Tonnage restated.")
        enter(people, pi, "2024/25 Q1", "53")
    html = as_user(people.auditor).get(f"/indicators/{pi.pk}/history/").content.decode()
    table = html[html.index('<table class="history-table">') :]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    actions = [re.search(r'<th scope="row">([^<]+)</th>', r).group(1) for r in rows]
    assert actions[:5] == ["Value changed", "Reopened", "Approved", "Submitted", "Value entered"]
    changed, reopened = rows[0], rows[1]
    assert "Pat Provider" in changed and "2024/25 Q1" in changed
    assert '<span class="old">52</span> → <span class="new">53</span>' in changed
    assert "Olive Officer" in reopened and "Tonnage restated." in reopened
    assert '<span class="old">Approved</span> → <span class="new">Draft</span>' in reopened
    assert "Target set" in html and "Created" in html


def test_the_history_says_statuses_and_workflow_steps_in_words_not_codes(
    org_a, people, pi, as_user, alpha
):
    with alpha():
        enter(people, pi, "2024/25 Q3", "40", commentary="Strike.", approve=True)
    html = as_user(people.auditor).get(f"/indicators/{pi.pk}/history/").content.decode()
    table = html[html.index('<table class="history-table">') : html.index("</table>")]
    changes = " ".join(re.sub(r"<[^>]+>", " ", table).split())

    assert "Status Off target" in changes
    assert "Workflow Submitted for approval → Approved" in changes
    assert "Workflow Draft → Submitted for approval" in changes
    assert "Unit Percentage" in changes  # the PI's creation, its unit in words
    for code in ("off_target", "submitted", ">approved<", ">draft<", "percentage<", "higher<"):
        assert code not in table, code


def test_a_unit_is_shown_once_in_words_and_its_label_only_when_it_says_more(
    org_a, people, make_indicator, as_user
):
    with schema_context(org_a.schema_name):
        plain = make_indicator(code="UW 1", unit_kind="percentage", unit_label="percentage")
        tonnes = make_indicator(code="UW 2", unit_kind="number", unit_label="tonnes")
    officer = as_user(people.officer)

    page = officer.get(f"/indicators/{plain.pk}/").content.decode()
    assert "<dt>Unit</dt><dd>Percentage</dd>" in page
    assert "Percentage (percentage)" not in page
    entry = officer.get(f"/indicators/{plain.pk}/enter/").content.decode()
    assert "<dt>Unit</dt><dd>Percentage, " in entry and "(percentage)" not in entry
    assert (
        "<dt>Unit</dt><dd>Number (tonnes)</dd>"
        in officer.get(f"/indicators/{tonnes.pk}/").content.decode()
    )


def test_the_pi_page_links_to_its_evidence_documents(org_a, people, pi, as_user):
    page = as_user(people.officer).get(f"/indicators/{pi.pk}/").content.decode()
    link = f"/planning/evidence/indicator/{pi.pk}/"
    assert f'href="{link}"' in page
    assert as_user(people.officer).get(link).status_code == 200


def test_the_spc_chart_summaries_and_table(org_a, people, make_indicator, as_user, alpha):
    """The worked example of domain/test_spc.py on the page: limits of the first 15 values
    (set as the baseline), a 16th value of 16 above the upper limit 15.5233."""
    from goldenthread.platform.indicators.services.spc import spc_baseline_set
    from tests.platform.indicators.rest.test_spc import BASE, enter_series, quarters

    with alpha():
        indicator = make_indicator(code="SPC P", unit_kind="number", decimal_places=2)
        enter_series(people, indicator, [*BASE, 16])
        spc_baseline_set(
            actor=people.officer,
            indicator=indicator,
            first_period_code=quarters(15)[0],
            last_period_code=quarters(15)[-1],
            reason="Before the new IT",
        )
    html = as_user(people.councillor).get(f"/indicators/{indicator.pk}/").content.decode()
    section = html[html.index('<section class="spc"') :]
    section = section[: section.index("</section>")]
    assert "<strong>Special cause improving</strong>" in section
    assert "<strong>No assurance</strong>" in section
    assert "Mean 11.53; process limits 7.54 to 15.52, calculated from 2019/20 Q1 to" in section
    assert "Before the new IT" in section
    chart = section[section.index('<figure class="chart-figure spc-chart"') :]
    assert 'role="img"' in chart
    # The signal is a diamond (by shape), the rest circles.
    assert chart.count('class="chart-marker chart-special"') == 1
    assert chart.count('class="chart-marker chart-values"') == 15
    table = section[section.index('<table class="values-table spc-table">') :]
    assert table.count("A point outside the process limits") == 1
    assert re.findall(r'<abbr title="[^"]+">([^<]+)</abbr>', table)[0] == "2022/23 Q4"


def test_too_few_points_for_spc_say_so(org_a, people, pi, as_user, alpha):
    with alpha():
        enter(people, pi, "2024/25 Q1", "52")
    html = as_user(people.councillor).get(f"/indicators/{pi.pk}/").content.decode()
    assert "Not enough points for SPC" in html and "(1 so far)" in html
