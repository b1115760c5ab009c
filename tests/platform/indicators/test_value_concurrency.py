"""Two people saving the same value: no lost update (#16 item 5d).

Every door that shows a value carries its version (`services.values.value_version`) back with
the save: the entry form (a hidden field), each grid cell and REST (`version`). A save made
from an out-of-date reading is refused (409 `stale_value` over REST) naming who changed the
value, when and what it is now; the second person's typing is kept so they can decide.
"""

from __future__ import annotations

import json
import re
import threading
from decimal import Decimal

import pytest
from django.db import connections
from django_tenants.utils import schema_context

from goldenthread.platform.indicators.models import AuditEntry, IndicatorValue
from goldenthread.platform.indicators.services.values import (
    NEW_VALUE_VERSION,
    StaleValue,
    value_enter,
    value_version,
)
from tests.fixtures.html import parse
from tests.fixtures.threads import allow_database_in_this_thread
from tests.shared_indicators.publication.helpers import committed, provision_committed_member

PERIOD = "2024/25 Q1"


def _version_in(html: str, name: str = "version") -> str:
    match = re.search(rf'name="{re.escape(name)}" value="(\d+)"', html)
    assert match, f"no {name} field"
    return match.group(1)


# --- the service --------------------------------------------------------------------------


def test_a_save_from_an_old_reading_is_refused_naming_the_change(org_a, people, make_indicator):
    with schema_context(org_a.schema_name):
        pi = make_indicator(code="CC 1")
        first = value_enter(actor=people.provider, indicator=pi, period_code=PERIOD, value="40")
        seen = value_version(first)
        value_enter(
            actor=people.provider_verifier,
            indicator=pi,
            period_code=PERIOD,
            value="45",
            version=seen,
        )
        with pytest.raises(StaleValue) as refused:
            value_enter(
                actor=people.provider, indicator=pi, period_code=PERIOD, value="50", version=seen
            )
        error = refused.value
        assert error.status_code == 409 and error.code == "stale_value"
        assert "Dual Role changed the 2024/25 Q1 value of CC 1" in error.message
        assert "it is now 45" in error.message and "not saved" in error.message
        current = error.extra["current"]
        assert current["value"] == "45" and current["changed_by_id"] == people.provider_verifier.pk
        row = IndicatorValue.objects.get(indicator=pi)
        assert row.value == Decimal("45") and current["version"] == value_version(row)
        # Nothing of the refused save was written, and its audit trail is the two real saves.
        actions = AuditEntry.objects.filter(indicator=pi, period_code=PERIOD)
        assert sorted(entry.action for entry in actions) == ["value_changed", "value_entered"]
        # Deciding to replace theirs: saving with the version now stored succeeds.
        value_enter(
            actor=people.provider,
            indicator=pi,
            period_code=PERIOD,
            value="50",
            version=current["version"],
        )
        assert IndicatorValue.objects.get(indicator=pi).value == Decimal("50")


def test_saving_what_is_already_stored_is_not_a_conflict(org_a, people, make_indicator):
    with schema_context(org_a.schema_name):
        pi = make_indicator(code="CC 2")
        old = value_version(
            value_enter(actor=people.provider, indicator=pi, period_code=PERIOD, value="40")
        )
        value_enter(actor=people.provider_verifier, indicator=pi, period_code=PERIOD, value="45")
        # Both typed 45: nothing of anyone's is lost, so nothing is refused.
        row = value_enter(
            actor=people.provider, indicator=pi, period_code=PERIOD, value="45", version=old
        )
        assert row.value == Decimal("45") and row.entered_by == people.provider_verifier
        assert value_version(None) == NEW_VALUE_VERSION


def _race(django_db_blocker, work_a, work_b):
    """Run two saves at once, each in its own thread and connection; their outcomes."""
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def thread(name, work):
        def run():
            allow_database_in_this_thread(django_db_blocker)
            try:
                start.wait(timeout=10)
                outcomes[name] = work()
            except BaseException as error:  # judged by the test
                outcomes[name] = error
            finally:
                connections.close_all()

        return threading.Thread(target=run)

    threads = [thread("a", work_a), thread("b", work_b)]
    for each in threads:
        each.start()
    for each in threads:
        each.join(timeout=60)
    return outcomes


@pytest.mark.parametrize("stored_first", [True, False], ids=["correcting", "first entry"])
def test_two_people_saving_at_once_one_wins_and_the_other_is_told(django_db_blocker, stored_first):
    """Real PostgreSQL, two connections: both read the same version, both save at the same
    moment; exactly one save lands, the other is refused with the winner's value."""
    from goldenthread.platform.accounts.services import user_create
    from goldenthread.platform.indicators.services.indicators import indicator_create

    member = provision_committed_member(django_db_blocker, prefix="race", name="Race")

    def setup():
        with member.schema():
            second = user_create(
                email="second@" + member.provider.email.split("@")[1],
                full_name="Sam Second",
                roles=["data_provider"],
                password="x" * 12,
            )
            pi = indicator_create(
                actor=member.officer,
                code="RACE 1",
                title="Raced",
                unit_kind="number",
                polarity="higher",
                frequency="quarterly",
                decimal_places=0,
                data_providers=[member.provider, second],
            )
            version = NEW_VALUE_VERSION
            if stored_first:
                stored = value_enter(
                    actor=member.provider, indicator=pi, period_code=PERIOD, value="10"
                )
                version = value_version(stored)
            return second, pi, version

    with django_db_blocker.unblock():
        second, pi, version = committed(setup)

    def save(actor, number):
        def work():
            with member.schema():
                return value_enter(
                    actor=actor, indicator=pi, period_code=PERIOD, value=number, version=version
                )

        return work

    outcomes = _race(django_db_blocker, save(member.provider, "11"), save(second, "12"))
    winners = {k: v for k, v in outcomes.items() if isinstance(v, IndicatorValue)}
    losers = {k: v for k, v in outcomes.items() if isinstance(v, StaleValue)}
    assert len(winners) == 1 and len(losers) == 1, outcomes
    (winner,) = winners.values()
    (loser,) = losers.values()
    assert loser.extra["current"]["value"] == str(winner.value)

    def stored():
        with member.schema():
            row = IndicatorValue.objects.get(indicator=pi)
            audits = AuditEntry.objects.filter(indicator=pi, period_code=PERIOD).count()
            return row.value, audits

    with django_db_blocker.unblock():
        value, audits = committed(stored)
    assert value == winner.value
    assert audits == (2 if stored_first else 1)  # the refused save wrote no audit entry


# --- the page, the grid and REST --------------------------------------------------------------


@pytest.fixture
def stored(org_a, people, make_indicator):
    with schema_context(org_a.schema_name):
        pi = make_indicator(code="CC 3", valid_maximum=100)
        value_enter(actor=people.provider, indicator=pi, period_code=PERIOD, value="40")
        return pi


def test_the_entry_page_tells_the_second_person_and_keeps_their_typing(
    org_a, people, stored, as_user, alpha
):
    url = f"/indicators/{stored.pk}/enter/?period={PERIOD}"
    pat, dual = as_user(people.provider), as_user(people.provider_verifier)
    pat_version = _version_in(pat.get(url).content.decode())
    dual_version = _version_in(dual.get(url).content.decode())
    assert pat_version == dual_version
    first = dual.post(
        url, {"period": PERIOD, "value": "45", "action": "save", "version": dual_version}
    )
    assert first.status_code == 302
    second = pat.post(
        url, {"period": PERIOD, "value": "52", "action": "save", "version": pat_version}
    )
    assert second.status_code == 400
    html = second.content.decode()
    text = " ".join(parse(html).find("main").text.split())
    assert "Dual Role changed the 2024/25 Q1 value of CC 3" in text
    assert "it is now 45" in text and "Your value was not saved" in text
    assert 'value="52"' in html  # their own typing is kept
    with alpha():
        row = IndicatorValue.objects.get(indicator=stored)
        assert row.value == Decimal("45")
        now = value_version(row)
    # The form now answers to the stored version: saving again replaces it deliberately.
    assert _version_in(html) == now
    again = pat.post(url, {"period": PERIOD, "value": "52", "action": "save", "version": now})
    assert again.status_code == 302
    with alpha():
        assert IndicatorValue.objects.get(indicator=stored).value == Decimal("52")


def test_the_grid_refuses_a_cell_someone_else_changed_and_leaves_untouched_cells(
    org_a, people, stored, as_user, alpha
):
    client = as_user(people.provider)
    grid_url = "/indicators/grid/?frequency=quarterly&year=2024/25"
    page = client.get(grid_url).content.decode()
    key = f"cell-{stored.pk}-2024-25-Q1"
    form = {
        name: value
        for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', page)
        if name.startswith(f"cell-{stored.pk}-") or name in ("frequency", "year")
    }
    with alpha():
        value_enter(
            actor=people.provider_verifier, indicator=stored, period_code=PERIOD, value="45"
        )
    # Untouched: the cell still shows 40, which is not a change of this person's.
    untouched = client.post(grid_url, {**form, "action": "save"})
    assert untouched.status_code == 302
    with alpha():
        assert IndicatorValue.objects.get(indicator=stored).value == Decimal("45")
    typed = client.post(grid_url, {**form, f"{key}-value": "60", "action": "save"})
    assert typed.status_code == 400
    text = " ".join(parse(typed.content.decode()).find("main").text.split())
    assert "Dual Role changed the 2024/25 Q1 value of CC 3" in text and "it is now 45" in text
    assert f'name="{key}-value" value="60"' in typed.content.decode()
    with alpha():
        assert IndicatorValue.objects.get(indicator=stored).value == Decimal("45")


def test_rest_refuses_a_stale_version_with_409_and_the_current_value(
    org_a, people, stored, client_for, alpha
):
    url = f"/api/v1/indicators/{stored.pk}/values/"
    pat = client_for(org_a, user=people.provider)
    dual = client_for(org_a, user=people.provider_verifier)
    with alpha():
        row = IndicatorValue.objects.get(indicator=stored)
    read = pat.get(f"/api/v1/indicators/values/{row.pk}/").json()
    assert read["version"] == value_version(row)

    def post(client, data):
        return client.post(url, data=json.dumps(data), content_type="application/json")

    assert (
        post(dual, {"period": PERIOD, "value": "45", "version": read["version"]}).status_code == 201
    )
    refused = post(pat, {"period": PERIOD, "value": "52", "version": read["version"]})
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "stale_value" and "Dual Role changed" in body["message"]
    assert body["extra"]["current"]["value"] == "45"
    assert body["extra"]["current"]["changed_by_id"] == people.provider_verifier.pk
    with alpha():
        assert IndicatorValue.objects.get(indicator=stored).value == Decimal("45")
    replaced = post(
        pat, {"period": PERIOD, "value": "52", "version": body["extra"]["current"]["version"]}
    )
    assert replaced.status_code == 201 and replaced.json()["value"] == "52"
    # Without a version there is no check (older clients keep working).
    assert post(dual, {"period": PERIOD, "value": "53"}).status_code == 201
