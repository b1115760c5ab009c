"""Part years, the annual target's fallback and the report's year columns, with the 2008/09
count the committee report got wrong."""

from datetime import date
from decimal import Decimal

from goldenthread.platform.indicators.models import IndicatorValue
from goldenthread.platform.indicators.selectors.report import performance_report
from goldenthread.platform.indicators.services.indicators import indicator_update
from goldenthread.platform.indicators.services.targets import target_profile_annual, target_set
from goldenthread.platform.indicators.services.values import value_enter

LATER = date(2010, 1, 1)


def enter(people, pi, period, value):
    return value_enter(actor=people.officer, indicator=pi, period_code=period, value=value)


def count_pi(make_indicator, **fields):
    # A quarterly count (NI 154, net additional homes, counted each quarter here).
    return make_indicator(
        code="NI 154",
        title="Net additional homes provided",
        unit_kind="number",
        polarity="higher",
        decimal_places=0,
        **fields,
    )


def year_row(**kwargs):
    return performance_report(period_code="2008/09", today=LATER, **kwargs).rows[0]


def test_q2_and_q3_alone_are_a_part_year_rated_on_their_profiled_target(
    in_alpha, people, make_indicator
):
    pi = count_pi(make_indicator)
    assert pi.rollup_rule == "sum"
    target_profile_annual(
        actor=people.officer, indicator=pi, year_code="2008/09", annual="251500", method="flat"
    )
    enter(people, pi, "2008/09 Q2", "240000")
    enter(people, pi, "2008/09 Q3", "245831")

    row = year_row()

    assert row.current.value == Decimal("485831") and not row.current.complete
    assert row.current.part_year and row.current.present_codes == ("2008/09 Q2", "2008/09 Q3")
    # Compared with Q2's and Q3's profiled targets (62,875 each), never the year's 251,500.
    assert row.target == Decimal("125750")
    assert row.status == "on_target"


def test_a_part_year_short_of_its_profiled_target_is_off_target_whatever_the_year_says(
    in_alpha, people, make_indicator
):
    pi = count_pi(make_indicator)
    for quarter, target in (("Q1", "10"), ("Q2", "300000"), ("Q3", "300000"), ("Q4", "10")):
        target_set(
            actor=people.officer, indicator=pi, period_code=f"2008/09 {quarter}", value=target
        )
    target_set(actor=people.officer, indicator=pi, period_code="2008/09", value="251500")
    enter(people, pi, "2008/09 Q2", "240000")
    enter(people, pi, "2008/09 Q3", "245831")

    row = year_row()

    # 485,831 is above the year's 251,500, but short of the 600,000 set for Q2 and Q3.
    assert row.target == Decimal("600000") and row.status == "off_target"


def test_with_only_an_annual_target_a_part_year_says_no_year_to_date_target(
    in_alpha, people, make_indicator
):
    pi = count_pi(make_indicator)
    target_set(actor=people.officer, indicator=pi, period_code="2008/09", value="251500")
    enter(people, pi, "2008/09 Q2", "240000")
    enter(people, pi, "2008/09 Q3", "245831")

    row = year_row()

    assert row.target is None and row.target_words == "No year-to-date target"
    assert row.status == "data_only"

    # A PI that falls back to its annual target shares it equally over the quarters.
    indicator_update(actor=people.officer, indicator=pi, falls_back_to_annual_target=True)
    row = year_row()
    assert row.target == Decimal("125750") and row.status == "on_target"


def test_a_quarter_without_its_own_target_uses_the_profiled_annual_target_when_the_pi_says_so(
    in_alpha, people, make_indicator
):
    pi = count_pi(make_indicator)
    target_set(actor=people.officer, indicator=pi, period_code="2008/09", value="251500")
    enter(people, pi, "2008/09 Q3", "60000")
    stored = IndicatorValue.objects.get(indicator=pi, period_code="2008/09 Q3")
    assert stored.status == "data_only" and stored.status_target is None

    pi = indicator_update(actor=people.officer, indicator=pi, falls_back_to_annual_target=True)
    enter(people, pi, "2008/09 Q3", "60001")  # a change reassesses the value
    stored.refresh_from_db()
    assert stored.status_target == Decimal("62875") and stored.status == "warning"

    # Changing the year's target reassesses the open values of its quarters.
    target_set(actor=people.officer, indicator=pi, period_code="2008/09", value="200000")
    stored.refresh_from_db()
    assert stored.status_target == Decimal("50000") and stored.status == "on_target"

    row = performance_report(period_code="2008/09 Q3", today=LATER).rows[0]
    assert row.target == Decimal("50000") and row.status == "on_target"


def test_a_percentage_averaged_over_a_part_year_falls_back_to_the_annual_figure(
    in_alpha, people, make_indicator
):
    pi = make_indicator(code="NI 192", falls_back_to_annual_target=True)
    assert pi.rollup_rule == "average"
    target_set(actor=people.officer, indicator=pi, period_code="2008/09", value="40")
    enter(people, pi, "2008/09 Q1", "38")
    enter(people, pi, "2008/09 Q2", "44")

    row = year_row()

    assert row.current.value == Decimal("41") and row.current.part_year
    assert row.target == Decimal("40.0") and row.status == "on_target"


def test_the_year_columns_show_year_to_date_annual_target_and_last_years_outturn(
    in_alpha, people, make_indicator, django_assert_max_num_queries
):
    pi = count_pi(make_indicator)
    target_profile_annual(
        actor=people.officer, indicator=pi, year_code="2008/09", annual="251500", method="flat"
    )
    for quarter, value in (("Q1", "50000"), ("Q2", "60000"), ("Q3", "70000")):
        enter(people, pi, f"2008/09 {quarter}", value)
    for quarter in ("Q1", "Q2", "Q3", "Q4"):
        enter(people, pi, f"2007/08 {quarter}", "55000")

    plain = performance_report(period_code="2008/09 Q3", today=LATER)
    with django_assert_max_num_queries(6):
        report = performance_report(period_code="2008/09 Q3", today=LATER, year_columns=True)

    assert plain.rows[0].year is None
    columns = report.rows[0].year
    assert columns.year_to_date.value == Decimal("180000") and columns.year_to_date.complete
    assert columns.year_to_date_target == Decimal("188625")  # three profiled quarters
    assert columns.annual_target == Decimal("251500")
    assert columns.outturn.period.code == "2007/08"
    assert columns.outturn.value == Decimal("220000") and columns.outturn.complete


def test_the_report_page_marks_the_part_year_and_shows_the_year_columns_on_request(
    org_a, people, make_indicator, client_for, in_alpha
):
    pi = count_pi(make_indicator)
    target_set(actor=people.officer, indicator=pi, period_code="2008/09", value="251500")
    enter(people, pi, "2008/09 Q2", "240000")
    enter(people, pi, "2008/09 Q3", "245831")
    client = client_for(org_a, user=people.councillor)

    page = client.get("/indicators/report/", {"period": "2008/09"}).content.decode()
    assert "485,831 (part year: 2 of 4 periods)" in page
    assert "No year-to-date target" in page and "251,500" not in page
    assert "On target" not in page
    assert "Last year&#x27;s outturn</th>" not in page and "Last year's outturn</th>" not in page

    with_year = client.get(
        "/indicators/report/", {"period": "2008/09", "year_columns": "on"}
    ).content.decode()
    assert "Annual target</th>" in with_year and "251,500" in with_year


def test_the_report_api_says_part_year_and_gives_year_columns_and_sub_areas(
    org_a, people, make_indicator, client_for, in_alpha
):
    pi = count_pi(make_indicator)
    target_profile_annual(
        actor=people.officer, indicator=pi, year_code="2008/09", annual="251500", method="flat"
    )
    enter(people, pi, "2008/09 Q2", "240000")
    enter(people, pi, "2008/09 Q3", "245831")
    client = client_for(org_a, user=people.councillor)

    row = client.get("/api/v1/indicators/report/", {"period": "2008/09"}).json()["rows"][0]
    assert row["current"]["part_year"] is True and row["current"]["complete"] is False
    assert Decimal(str(row["target"])) == Decimal("125750") and row["target_words"] == ""
    assert row["year"] is None and row["sub_areas"] == []

    row = client.get(
        "/api/v1/indicators/report/",
        {"period": "2008/09 Q3", "year_columns": "true", "sub_areas": "true"},
    ).json()["rows"][0]
    assert row["year"]["year_to_date"]["part_year"] is True
    assert Decimal(str(row["year"]["year_to_date_target"])) == Decimal("125750")
    assert Decimal(str(row["year"]["annual_target"])) == Decimal("251500")
    assert row["year"]["outturn"]["period"] == "2007/08"


def test_sub_area_rows_are_rated_on_their_own_target_and_read_in_a_fixed_number_of_queries(
    in_alpha, people, make_indicator
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from goldenthread.platform.indicators.services.indicators import (
        indicator_sub_areas_set,
        sub_area_create,
    )

    north = sub_area_create(actor=people.officer, kind="ward", name="North")
    south = sub_area_create(actor=people.officer, kind="ward", name="South")

    def pi_with_wards(code):
        pi = make_indicator(code=code)
        indicator_sub_areas_set(actor=people.officer, indicator=pi, sub_areas=[north, south])
        target_set(actor=people.officer, indicator=pi, period_code="2008/09 Q3", value="50")
        target_set(
            actor=people.officer, indicator=pi, period_code="2008/09 Q3", value="70", sub_area=south
        )
        for area, value in ((north, "55"), (south, "60")):
            value_enter(
                actor=people.officer,
                indicator=pi,
                period_code="2008/09 Q3",
                value=value,
                sub_area=area,
            )
        return pi

    pi_with_wards("W 1")
    with CaptureQueriesContext(connection) as one:
        report = performance_report(period_code="2008/09 Q3", today=LATER, sub_areas=True)
    rows = {area.name: area for area in report.rows[0].sub_areas}
    assert rows["North"].target == Decimal("50") and rows["North"].status == "on_target"
    assert rows["South"].target == Decimal("70") and rows["South"].status == "off_target"
    # The overall reading is not made of the wards' values.
    assert report.rows[0].current.value is None

    pi_with_wards("W 2")
    pi_with_wards("W 3")
    with CaptureQueriesContext(connection) as three:
        report = performance_report(period_code="2008/09 Q3", today=LATER, sub_areas=True)
    assert len(report.rows) == 3 and all(len(row.sub_areas) == 2 for row in report.rows)
    assert len(three.captured_queries) == len(one.captured_queries)


def test_the_fallback_is_set_through_rest_and_used_by_the_status_readout(
    org_a, people, make_indicator, client_for, in_alpha
):
    import json

    pi = count_pi(make_indicator)
    target_set(actor=people.officer, indicator=pi, period_code="2008/09", value="251500")
    base = f"/api/v1/indicators/{pi.pk}/"
    refused = client_for(org_a, user=people.provider).patch(
        base, json.dumps({"falls_back_to_annual_target": True}), content_type="application/json"
    )
    assert refused.status_code == 403
    officer = client_for(org_a, user=people.officer)
    changed = officer.patch(
        base, json.dumps({"falls_back_to_annual_target": True}), content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["falls_back_to_annual_target"] is True
    pi.refresh_from_db()
    enter(people, pi, "2008/09 Q3", "63000")

    status = officer.get(f"{base}status/", {"period": "2008/09 Q3"}).json()
    assert Decimal(str(status["target"])) == Decimal("62875")
    assert status["status"]["status"] == "on_target"
