"""Exception lists: overdue by person and over time, PIs off target with no action, behind."""

from datetime import date, timedelta

from django.utils import timezone

from goldenthread.platform.planning.selectors.actions import actions_behind
from goldenthread.platform.planning.selectors.exceptions import (
    overdue_by_person,
    overdue_trend,
    pis_off_target_without_action,
)


def test_overdue_by_assignee_and_manager_with_proportions(people, build):
    today = timezone.localdate()
    staff, manager = people["staff"], people["manager"]
    past = today - timedelta(days=1)
    build.action(assigned_to=staff, managed_by=manager, due=past, start=past - timedelta(days=9))
    build.action(assigned_to=staff, managed_by=manager)
    build.action(assigned_to=staff, managed_by=manager)
    build.action(
        assigned_to=people["staff2"],
        managed_by=manager,
        state="completed",
        due=past,
        start=past - timedelta(days=9),
    )
    by_assignee = {row.user_id: row for row in overdue_by_person(role="assigned_to", today=today)}
    assert (by_assignee[staff.pk].overdue, by_assignee[staff.pk].open) == (1, 3)
    assert by_assignee[staff.pk].proportion == 33
    assert people["staff2"].pk not in by_assignee
    by_manager = {row.user_id: row for row in overdue_by_person(role="managed_by", today=today)}
    assert (by_manager[manager.pk].overdue, by_manager[manager.pk].open) == (1, 3)


def test_the_trend_reconstructs_each_month_end_from_the_dates(build):
    today = date(2025, 6, 15)
    # Overdue from February until completed on 10 April.
    build.action(start=date(2025, 1, 1), due=date(2025, 2, 1), state="completed")
    from goldenthread.platform.planning.models import Action

    Action.objects.filter(due_date=date(2025, 2, 1)).update(completed_on=date(2025, 4, 10))
    # Live since March, due in the future.
    build.action(start=date(2025, 3, 1), due=date(2025, 12, 1))
    points = {p.on: p for p in overdue_trend(today=today, months=6)}
    assert list(points) == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
        date(2025, 5, 31),
        today,
    ]
    assert (points[date(2025, 1, 31)].live, points[date(2025, 1, 31)].overdue) == (1, 0)
    assert (points[date(2025, 3, 31)].live, points[date(2025, 3, 31)].overdue) == (2, 1)
    assert points[date(2025, 3, 31)].proportion == 50
    assert (points[date(2025, 4, 30)].live, points[date(2025, 4, 30)].overdue) == (1, 0)


def test_off_target_pis_with_no_open_action(build):
    lonely = build.indicator(status="off_target")
    covered = build.indicator(status="off_target")
    only_done = build.indicator(status="off_target")
    build.indicator(status="on_target")
    build.action().indicators.add(covered)
    build.action(state="completed").indicators.add(only_done)
    found = set(pis_off_target_without_action())
    assert lonely in found and only_done in found and covered not in found


def test_actions_behind_their_straight_line(build):
    today = timezone.localdate()
    window = {"start": today - timedelta(days=50), "due": today + timedelta(days=50)}
    behind = build.action(progress=10, **window)
    build.action(progress=45, **window)
    build.action(progress=0, start=today + timedelta(days=1), due=today + timedelta(days=9))
    assert [a.code for a in actions_behind(today=today)] == [behind.code]


def _series(indicator, numbers_and_statuses):
    from decimal import Decimal

    from tests.factories import IndicatorValueFactory

    for n, (number, status) in enumerate(numbers_and_statuses):
        year = 2019 + n // 4
        IndicatorValueFactory(
            indicator=indicator,
            period=f"{year}/{(year + 1) % 100:02d} Q{n % 4 + 1}",
            value=Decimal(str(number)),
            status=status,
        )


def test_off_target_in_a_row_and_special_cause_concerning(build, django_assert_max_num_queries):
    from goldenthread.platform.planning.selectors.exceptions import (
        pis_off_target,
        pis_special_cause_concerning,
    )
    from tests.factories import IndicatorFactory

    # Off target the last three quarters (after one on target); too few values for SPC.
    red = IndicatorFactory(code="RED-3", polarity="higher")
    _series(red, [(50, "on_target"), (40, "off_target"), (41, "off_target"), (39, "off_target")])
    # The worked example's 15 values then 2: with all 16, mean 10.9375, mR-bar 32/15 = 2.1333,
    # lower limit 10.9375 - 2.66 x 2.1333 = 5.2628, so 2 is below it: for a higher-is-better
    # PI, special cause concerning (and on target, so only the SPC list shows it).
    base = [10, 12, 11, 13, 12, 10, 11, 12, 13, 11, 12, 10, 12, 11, 13, 2]
    falling = IndicatorFactory(code="SPC-LOW", polarity="higher")
    _series(falling, [(n, "on_target") for n in base])
    rising = IndicatorFactory(code="SPC-HIGH", polarity="lower")  # 2 is good when lower is better
    _series(rising, [(n, "on_target") for n in base])
    with django_assert_max_num_queries(8):  # with the data-quality scores (four)
        listed = {pi.code: pi for pi in pis_off_target(limit=100).items}
    assert listed["RED-3"].off_target_periods == 3
    assert listed["RED-3"].special_cause_concerning is False
    with django_assert_max_num_queries(3):
        concerning = [pi.code for pi in pis_special_cause_concerning(limit=100).items]
    assert concerning == ["SPC-LOW"]
