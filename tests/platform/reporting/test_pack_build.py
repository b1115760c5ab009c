"""Building packs: scope, exception filters, each layout's figures (worked by hand), approved
values only by default and the mark on every unapproved figure, the as-at time, and a number
of queries that does not grow with the PIs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from goldenthread.platform.reporting.domain.definitions import DefinitionSpec
from goldenthread.platform.reporting.domain.pack import Pack
from goldenthread.platform.reporting.selectors import pack_build, pack_from_spec
from goldenthread.platform.reporting.services import definition_create
from tests.factories import (
    ActionFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    RiskFactory,
    StrategyNodeFactory,
    TargetFactory,
)

Q2 = "2024/25 Q2"
TODAY = date(2025, 6, 1)  # every 2024/25 quarter is past its due date


def build(data, period=Q2, **kwargs):
    return pack_from_spec(spec=DefinitionSpec.parse(data), period=period, today=TODAY, **kwargs)


def pi_with(code, *, value=None, target=None, period=Q2, workflow="approved", **fields):
    pi = IndicatorFactory(code=code, **fields)
    if value is not None:
        IndicatorValueFactory(
            indicator=pi, period=period, value=Decimal(value), workflow_status=workflow
        )
    if target is not None:
        TargetFactory(indicator=pi, period=period, value=Decimal(target))
    return pi


def codes(pack: Pack, section: int = 0) -> list[str]:
    return [row.key for row in pack.sections[section].rows]


def cells(pack: Pack, code: str, section: int = 0) -> dict[str, object]:
    pis = pack.sections[section]
    row = next(row for row in pis.rows if row.key == code)
    return {column.key: cell for column, cell in zip(pis.columns, row.cells, strict=True)}


# --- scope ------------------------------------------------------------------------------------


def test_a_scope_by_priority_takes_the_pis_linked_to_it_and_beneath_it(in_alpha, definition_data):
    priority = StrategyNodeFactory(code="P1", title="Clean streets", level=1)
    theme = StrategyNodeFactory(code="T1", title="Litter", level=2, parent=priority)
    other = StrategyNodeFactory(code="P2", title="Housing", level=1)
    linked, below, elsewhere = pi_with("A1"), pi_with("A2"), pi_with("A3")
    pi_with("A4")  # linked to nothing
    priority.indicators.add(linked)
    theme.indicators.add(below)
    other.indicators.add(elsewhere)

    pack = build(definition_data(scope="priorities", strategy_node_ids=[priority.pk]))

    assert codes(pack) == ["A1", "A2"]
    (group,) = pack.sections[0].groups
    assert group.title == "Priority: Clean streets" or group.title.endswith(": Clean streets")


def test_a_scope_by_service_area_and_by_tag(in_alpha, definition_data):
    from goldenthread.platform.indicators.models import ServiceArea

    waste = ServiceArea.objects.create(name="Waste")
    pi_with("B1", service_area=waste)
    pi_with("B2", tags=["corporate"])
    pi_with("B3")

    by_area = build(definition_data(scope="service_areas", service_area_ids=[waste.pk]))
    by_tag = build(definition_data(scope="tag", tag="corporate"))

    assert codes(by_area) == ["B1"]
    assert by_area.sections[0].groups[0].title == "Waste"
    assert codes(by_tag) == ["B2"]


def test_a_chosen_set_of_pis(in_alpha, definition_data):
    first, _ = pi_with("C1"), pi_with("C2")
    assert codes(build(definition_data(scope="pis", indicator_ids=[first.pk]))) == ["C1"]


# --- exception filters -----------------------------------------------------------------------


@pytest.fixture
def four_statuses(in_alpha):
    """On target (55 v 50), warning (48 v 50: within 5%), off target (40 v 50), missing."""
    pi_with("ON", value="55", target="50")
    pi_with("WARN", value="48", target="50")
    pi_with("OFF", value="40", target="50")
    pi_with("GONE", target="50")


@pytest.mark.parametrize(
    ("filters", "kept"),
    [
        ([], ["GONE", "OFF", "ON", "WARN"]),
        (["off_target"], ["OFF"]),
        (["warning"], ["WARN"]),
        (["missing"], ["GONE"]),
        (["off_target", "missing"], ["GONE", "OFF"]),
    ],
)
def test_each_exception_filter_keeps_only_its_pis(four_statuses, definition_data, filters, kept):
    assert codes(build(definition_data(filters=filters))) == kept


def test_red_for_n_periods_keeps_pis_off_target_in_each_of_the_last_n(in_alpha, definition_data):
    steady = pi_with("RED3", value="40", target="50")  # off target in Q2 ...
    for quarter in ("2024/25 Q1", "2023/24 Q4"):  # ... and the two quarters before
        IndicatorValueFactory(indicator=steady, period=quarter, value=Decimal("40"))
        TargetFactory(indicator=steady, period=quarter, value=Decimal("50"))
    recent = pi_with("RED1", value="40", target="50")  # off target in Q2 only
    IndicatorValueFactory(indicator=recent, period="2024/25 Q1", value=Decimal("60"))
    TargetFactory(indicator=recent, period="2024/25 Q1", value=Decimal("50"))

    three = build(definition_data(filters=["red_for"], red_periods=3))
    two = build(definition_data(filters=["red_for"], red_periods=2))

    assert codes(three) == ["RED3"]
    assert codes(two) == ["RED3"]  # RED1 was on target in Q1


# --- the committee layout -----------------------------------------------------------------------


def test_the_committee_layout_shows_value_target_status_trends_and_commentary(
    in_alpha, people, definition_data
):
    from goldenthread.platform.indicators.models import Commentary

    pi = pi_with("K1", value="55.0", target="50.0")
    IndicatorValueFactory(indicator=pi, period="2024/25 Q1", value=Decimal("52.0"))
    IndicatorValueFactory(indicator=pi, period="2023/24 Q2", value=Decimal("58.0"))
    Commentary.objects.create(indicator=pi, period_code=Q2, text="Up again.", author=people.officer)

    row = cells(build(definition_data()), "K1")

    assert row["value"].text == "55.0%" and row["value"].number == Decimal("55.0")
    assert row["value"].unit == "percentage" and row["value"].decimals == 1
    assert row["target"].text == "50.0%"
    assert (row["status"].code, row["status"].text) == ("on_target", "On target")
    assert row["previous"].text == "52.0%" and "Q1 2024/25" in row["previous"].note
    # Higher is better: 55 after 52 is improving; 55 after 58 a year ago is getting worse.
    assert (row["short_trend"].code, row["short_trend"].text) == ("improving", "Improving")
    assert row["last_year"].text == "58.0%"
    assert (row["long_trend"].code, row["long_trend"].text) == ("getting_worse", "Getting worse")
    assert row["commentary"].text == "Up again."
    assert "Olive Officer" in row["commentary"].note


# --- the corporate priorities layout ------------------------------------------------------------


def test_the_priorities_layout_shows_each_quarter_the_annual_target_and_last_years_outturn(
    in_alpha, definition_data
):
    priority = StrategyNodeFactory(code="P1", title="Clean streets", level=1)
    # A count summed over the year: quarters 10 and 12 so far against 9 and 11; the year's
    # target 45; last year's quarters 8 + 9 + 10 + 11 = 38 (its outturn).
    pi = IndicatorFactory(code="M1", unit_kind="number", decimal_places=0, rollup_rule="sum")
    priority.indicators.add(pi)
    for period, value, target in (("2024/25 Q1", 10, 9), ("2024/25 Q2", 12, 11)):
        IndicatorValueFactory(indicator=pi, period=period, value=Decimal(value))
        TargetFactory(indicator=pi, period=period, value=Decimal(target))
    TargetFactory(indicator=pi, period="2024/25", value=Decimal(45))
    for quarter, value in zip(("Q1", "Q2", "Q3", "Q4"), (8, 9, 10, 11), strict=True):
        IndicatorValueFactory(indicator=pi, period=f"2023/24 {quarter}", value=Decimal(value))

    pack = build(
        definition_data(
            layout="priorities", scope="priorities", strategy_node_ids=[priority.pk], charts=True
        )
    )

    section = pack.sections[0]
    assert [column.key for column in section.columns] == [
        "code",
        "title",
        "q1_value",
        "q1_target",
        "q2_value",
        "q2_target",
        "annual_target",
        "outturn",
        "status",
    ]
    row = cells(pack, "M1")
    assert [row[k].number for k in ("q1_value", "q1_target", "q2_value", "q2_target")] == [
        Decimal(10),
        Decimal(9),
        Decimal(12),
        Decimal(11),
    ]
    assert row["annual_target"].number == Decimal(45)
    assert row["outturn"].number == Decimal(38)
    assert row["outturn"].text == "38"
    assert section.groups[0].title.endswith("Clean streets")
    (chart,) = section.charts
    assert chart.period_codes == ("2024/25 Q1", "2024/25 Q2")
    assert [series.values for series in chart.series] == [
        (Decimal(10), Decimal(12)),
        (Decimal(9), Decimal(11)),
    ]


# --- the summary layout and the summary -------------------------------------------------------


def test_the_summary_counts_each_section_and_overall_and_the_change_since_the_last_pack(
    four_statuses, definition_data
):
    data = definition_data(
        layout="summary",
        sections=[{"kind": "pis"}, {"kind": "actions"}, {"kind": "risks"}],
    )
    ActionFactory(due_date=date(2025, 1, 1), start_date=date(2024, 1, 1))  # overdue
    RiskFactory()  # 3 x 3 against a target of 1 x 1: off target
    earlier = build(data)
    pi_with("OFF2", value="1", target="50")

    pack = build(data, previous=earlier)

    pis, actions, risks = pack.summary.lines
    assert (pis.counts.on_target, pis.counts.warning, pis.counts.off_target) == (1, 1, 2)
    assert pis.counts.missing == 1
    assert pis.change.off_target == 1 and pis.change.on_target == 0
    assert actions.counts.off_target == 1
    assert risks.counts.off_target == 1
    assert pack.summary.overall.off_target == 4 and pack.summary.overall.total == 7
    assert pack.summary.overall_change.off_target == 1
    # The summary layout shows counts, a row per group and one for all.
    total = pack.sections[0].rows[-1]
    assert [cell.text for cell in total.cells] == ["All", "1", "1", "2", "1", "0", "5"]


# --- approved values, the unapproved mark, as-at ------------------------------------------------


def test_approved_values_only_by_default(in_alpha, definition_data):
    pi_with("D1", value="70", target="50", workflow="draft")

    pack = build(definition_data())

    row = cells(pack, "D1")
    assert row["value"].number is None and row["status"].code == "missing"
    assert pack.approved_only and not pack.includes_unapproved


def test_a_draft_value_is_never_shown_unmarked(in_alpha, definition_data):
    pi_with("D1", value="70", target="50", workflow="draft")
    pi_with("D2", value="60", target="50")

    pack = build(definition_data(approved_only=False))

    draft, approved = cells(pack, "D1"), cells(pack, "D2")
    assert draft["value"].number == Decimal("70.0") and draft["value"].unapproved
    assert "not yet approved" in draft["value"].note
    assert draft["status"].unapproved
    assert not approved["value"].unapproved
    assert pack.includes_unapproved
    assert Pack.from_json(pack.to_json()) == pack


def test_a_pack_says_when_its_data_were_read(in_alpha, people, definition_data):
    definition = definition_create(user=people.officer, data=definition_data())
    as_at = datetime(2025, 7, 1, 9, 30, tzinfo=UTC)

    pack = pack_build(definition=definition, period=Q2, as_at=as_at, reader=people.officer)

    assert pack.as_at == as_at
    assert pack.generated_by == "Olive Officer"
    assert (pack.definition_id, pack.definition_version) == (definition.pk, 1)
    assert Pack.from_json(pack.to_json()).as_at == as_at


def test_a_period_that_is_no_period_is_refused_by_name(in_alpha, definition_data):
    from goldenthread.platform.core.errors import DomainError

    with pytest.raises(DomainError, match="not a valid period"):
        build(definition_data(), period="Q9 sometime")


# --- queries -----------------------------------------------------------------------------------


def _many(count: int, start: int, node) -> None:
    for number in range(start, start + count):
        pi = pi_with(f"N{number:04d}", value="55", target="50")
        IndicatorValueFactory(indicator=pi, period="2024/25 Q1", value=Decimal("50"))
        node.indicators.add(pi)
        action = ActionFactory()
        node.actions.add(action)
        node.risks.add(RiskFactory())


@pytest.mark.parametrize("layout", ["committee", "priorities", "summary"])
def test_the_number_of_queries_does_not_grow_with_the_pis(
    in_alpha, definition_data, django_assert_num_queries, layout
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    node = StrategyNodeFactory(code="P1", title="Everything", level=1)
    data = definition_data(
        layout=layout,
        scope="priorities",
        strategy_node_ids=[node.pk],
        sections=[{"kind": "pis"}, {"kind": "actions"}, {"kind": "risks"}],
        filters=["off_target", "red_for"],
        charts=True,
        # The optional columns ride on the period's report: still flat.
        cost=True,
        data_quality=True,
        persistence=True,
    )
    counted = []
    for count, start in ((10, 0), (60, 10)):
        _many(count, start, node)
        build(data)  # settings rows made on first use are not counted
        with CaptureQueriesContext(connection) as queries:
            build(data)
        counted.append(len(queries))
    assert counted[0] == counted[1], counted
    assert counted[0] > 10  # the reads did happen
