"""The "my items" selector: what I own, must update, and what is overdue."""

from datetime import timedelta

from django.utils import timezone

from goldenthread.platform.indicators.models import PerformanceSettings
from goldenthread.platform.planning.models import PlanningSettings
from goldenthread.platform.planning.selectors.home import my_items
from tests.platform.planning.support import count_queries


def test_my_items_lists_what_i_own_and_what_is_overdue(people, build):
    today = timezone.localdate()
    me, report = people["manager"], people["staff"]
    mine_overdue = build.action(
        assigned_to=me, due=today - timedelta(days=2), start=today - timedelta(days=30)
    )
    mine = build.action(assigned_to=me)
    build.action(assigned_to=me, state="completed")
    theirs_overdue = build.action(
        assigned_to=report,
        managed_by=me,
        due=today - timedelta(days=1),
        start=today - timedelta(days=30),
    )
    build.action(assigned_to=report, managed_by=me, progress=50)
    risk_late = build.risk(owner=me, review_date=today - timedelta(days=1))
    node = build.node(owner=me)
    pi = build.indicator(owner=me, status="off_target")
    items = my_items(user=me, today=today)
    assert [a.code for a in items.actions] == [mine_overdue.code, mine.code]
    assert [a.code for a in items.overdue_actions] == [mine_overdue.code]
    assert [a.code for a in items.managed_attention] == [theirs_overdue.code]
    assert items.overdue_reviews == [risk_late]
    assert items.nodes == [node] and items.indicators == [pi]
    assert items.indicators[0].status_presentation.label == "Off target"
    assert [entry["item"] for entry in items.to_update][:2] == [mine_overdue, risk_late]


def test_my_items_queries_do_not_grow_with_data(people, build):
    me = people["manager"]

    def add(count):
        for _ in range(count):
            build.action(assigned_to=me).milestones.create(title="m", due_date=timezone.localdate())
            build.action(assigned_to=people["staff"], managed_by=me)
            build.risk(owner=me)
            build.indicator(owner=me, status="on_target")

    add(5)
    PlanningSettings.load()
    PerformanceSettings.load()  # both settings rows exist once an organisation is in use
    with_5 = count_queries(lambda: my_items(user=me))
    add(45)
    assert count_queries(lambda: my_items(user=me)) == with_5
