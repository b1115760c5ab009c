"""The one period picker: recent periods first (one click each), earlier years grouped, a
period asked for outside the list shown as chosen, years ahead for targets."""

from __future__ import annotations

from datetime import date

from goldenthread.platform.core.period_picker import period_choices, period_picker
from goldenthread.platform.core.periods import PeriodType

TODAY = date(2026, 12, 6)  # in 2026/27 Q3


def codes(group):
    return [option.code for option in group.options]


def test_quarters_start_with_the_current_and_recent_then_earlier_years():
    picker = period_picker(type=PeriodType.QUARTER, selected="2026/27 Q2", today=TODAY)
    recent, *earlier = picker.groups
    assert recent.label == "Current and recent"
    assert codes(recent) == ["2026/27 Q3", "2026/27 Q2", "2026/27 Q1", "2025/26 Q4", "2025/26 Q3"]
    assert recent.options[0].label == "Q3 2026/27 (Oct–Dec 2026) – current period"
    assert recent.options[1].label.endswith("– latest ended") and recent.options[1].selected
    assert earlier[0].label == "Another period: 2025/26"
    assert codes(earlier[0]) == ["2025/26 Q2", "2025/26 Q1"]
    assert earlier[1].label == "Another period: 2024/25" and len(earlier[1].options) == 4
    assert picker.selected_code == "2026/27 Q2"


def test_the_quick_links_keep_the_other_parameters():
    picker = period_picker(
        type=PeriodType.QUARTER,
        selected="2026/27 Q2",
        today=TODAY,
        query={"period": "2026/27 Q2", "next": "/x/"},
        path="/indicators/5/enter/",
    )
    assert [link.label for link in picker.quick][:2] == ["Q3 2026/27", "Q2 2026/27"]
    assert picker.quick[1].current and not picker.quick[0].current
    assert picker.quick[0].url == "/indicators/5/enter/?next=%2Fx%2F&period=2026%2F27+Q3"


def test_a_period_outside_the_list_is_shown_as_chosen():
    picker = period_picker(type=PeriodType.QUARTER, selected="2001/02 Q1", today=TODAY)
    assert picker.groups[0].label == "Chosen" and picker.groups[0].options[0].selected
    unknown = period_picker(type=PeriodType.QUARTER, selected="not a period", today=TODAY)
    assert unknown.selected_code == ""


def test_targets_list_the_coming_years_first_and_forms_get_grouped_choices():
    picker = period_picker(
        type=PeriodType.FINANCIAL_YEAR, years_ahead=2, blank="Choose a year", today=TODAY
    )
    assert [group.label for group in picker.groups] == [
        "Coming periods",
        "Current and recent",
        "Another year",
    ]
    assert codes(picker.groups[0]) == ["2028/29", "2027/28"]
    choices = period_choices(picker)
    assert choices[0] == ("", "Choose a year")
    assert choices[1][0] == "Coming periods" and choices[1][1][0][0] == "2028/29"


def test_months_and_the_last_ended_start():
    picker = period_picker(type=PeriodType.MONTH, include_current=False, today=TODAY)
    assert codes(picker.groups[0])[:2] == ["2026-11", "2026-10"]
