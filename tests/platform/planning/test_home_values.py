"""Home tells the truth about values: a provider sees what was sent back (with the reason),
what is missing and their drafts; a verifier sees how many approvals wait for them; the
navigation counts come in a fixed number of queries."""

from __future__ import annotations

from types import SimpleNamespace

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from goldenthread.platform.core.periods import PeriodType, period_containing, previous_period
from goldenthread.platform.indicators.models import PerformanceSettings
from goldenthread.platform.indicators.services.indicators import indicator_create
from goldenthread.platform.indicators.services.values import value_enter
from goldenthread.platform.indicators.services.workflow import value_send_back, value_submit
from goldenthread.platform.planning.selectors.home import my_items
from goldenthread.platform.planning.templatetags.nav_counts import nav_counts_for


def make_pi(people, code, **fields):
    return indicator_create(
        actor=people["officer"],
        code=code,
        title=f"Indicator {code}",
        unit_kind="number",
        polarity="higher",
        frequency="quarterly",
        data_providers=[people["provider"]],
        **fields,
    )


def submit(people, pi, period):
    row = value_enter(actor=people["provider"], indicator=pi, period_code=period, value=4)
    return value_submit(actor=people["provider"], value=row)


def test_a_providers_home_lists_sent_back_missing_and_drafts(people, org_a, client_for):
    current = period_containing(PeriodType.QUARTER, timezone.localdate())
    p2 = previous_period(previous_period(current))
    p3 = previous_period(p2)
    pi = make_pi(people, "HOME 1")
    value_send_back(
        actor=people["verifier"], value=submit(people, pi, p3.code), reason="Wrong year"
    )
    value_enter(actor=people["provider"], indicator=pi, period_code=current.code, value=4)
    items = my_items(user=people["provider"])
    assert [due.period.code for due in items.values_sent_back] == [p3.code]
    assert p2.code in [due.period.code for due in items.late_values]
    whats = [entry["what"] for entry in items.to_update]
    assert f"Sent back: value for {p3.code}" in whats
    assert f"Value for {p2.code} (missing)" in whats
    assert any(current.code in what and "raft" in what for what in whats)
    html = client_for(org_a, user=people["provider"]).get("/").content.decode()
    assert "Values sent back to you" in html and "Wrong year" in html
    assert "Nothing to update" not in html


def test_a_verifiers_home_shows_the_approvals_waiting(people, org_a, client_for):
    pi = make_pi(people, "HOME 2", verifier=people["verifier"])
    submit(people, pi, "2024/25 Q1")
    submit(people, pi, "2024/25 Q2")
    assert my_items(user=people["verifier"]).approvals_waiting == 2
    # Not the provider's to approve, and not another verifier's when one is named.
    assert my_items(user=people["provider"]).approvals_waiting == 0
    html = client_for(org_a, user=people["verifier"]).get("/").content.decode()
    assert "2 values waiting for you to approve or send back" in html
    assert 'href="/indicators/approvals/"' in html
    assert '<span class="nav-count">2<span class="visually-hidden"> values waiting' in html


def test_the_navigation_counts_take_a_fixed_number_of_queries(people, org_a):
    def counts(user):
        request = SimpleNamespace(user=user, organisation=org_a)
        with CaptureQueriesContext(connection) as queries:
            result = nav_counts_for(request)
            assert nav_counts_for(request) is result  # cached on the request
        return result, len(queries)

    PerformanceSettings.load()
    pi = make_pi(people, "NAV 0", verifier=people["verifier"])
    submit(people, pi, "2024/25 Q1")
    small, few = counts(people["provider"])
    for number in range(1, 15):
        extra = make_pi(people, f"NAV {number}")
        submit(people, extra, "2024/25 Q1")
        value_enter(actor=people["provider"], indicator=extra, period_code="2024/25 Q2", value=4)
    large, many = counts(people["provider"])
    assert large["owe"] > small["owe"]
    assert many == few <= 9
    verifier, queries = counts(people["verifier"])
    assert verifier["approvals"] == 15 and queries <= 9
